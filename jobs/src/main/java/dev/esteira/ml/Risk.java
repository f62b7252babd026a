package dev.esteira.ml;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The risk level a model spec declares (model risk management: what harm a wrong prediction can do). The
 * higher the risk, the tighter the gates: every metric threshold a gate declares (a {@code min},
 * {@code max} or {@code limits} bound, a {@code max_gap} fairness bound) is moved towards the metric's
 * ideal value by a fixed fraction of the distance, {@code effective = declared + f × (ideal − declared)},
 * with f = 0 (low), 0.1 (medium), 0.25 (high). So a production floor of AUC 0.70 is 0.70, 0.73 and
 * 0.775; a ceiling of RMSE 10 is 10, 9 and 7.5; a fairness gap bound of 0.10 is 0.10, 0.09 and 0.075. A
 * bound on the far side of the ideal (a ceiling on AUC, say, against leakage) is left as declared: moving
 * it towards the ideal would loosen it. High risk also requires a production gate: a high-risk spec
 * without one is refused when it is loaded.
 */
public enum Risk {
  LOW("low", 0.0),
  MEDIUM("medium", 0.1),
  HIGH("high", 0.25);

  private final String label;
  private final double fraction;

  Risk(String label, double fraction) {
    this.label = label;
    this.fraction = fraction;
  }

  @JsonValue
  public String label() {
    return label;
  }

  /** How far towards the ideal value each threshold moves (0 leaves it as declared). */
  public double fraction() {
    return fraction;
  }

  @JsonCreator
  public static Risk parse(String name) {
    for (Risk r : values()) {
      if (r.label.equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("risk: unknown risk level '" + name + "' (expected one of: low, medium, high)");
  }

  /**
   * The threshold in force for this risk: a floor ({@code floor} true: values must be at least it) or a
   * ceiling moved towards {@code ideal}, never away from it.
   */
  public double tighten(double declared, double ideal, boolean floor) {
    boolean idealPasses = floor ? ideal >= declared : ideal <= declared;
    return idealPasses ? declared + fraction * (ideal - declared) : declared;
  }
}
