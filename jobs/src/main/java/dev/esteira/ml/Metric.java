package dev.esteira.ml;

/**
 * A metric a task reports, with the direction in which it improves and its perfect value. Gates read the
 * direction (a lower MSE is better, a higher R² is) and risk levels tighten thresholds towards the ideal.
 */
public record Metric(String name, boolean lowerIsBetter, double ideal, String meaning) {

  static Metric higher(String name, double ideal, String meaning) {
    return new Metric(name, false, ideal, meaning);
  }

  static Metric lower(String name, String meaning) {
    return new Metric(name, true, 0.0, meaning);
  }

  public String direction() {
    return lowerIsBetter ? "lower is better" : "higher is better";
  }

  /** Whether {@code candidate} beats {@code reference} by at least {@code minDelta} in this metric's direction. */
  public boolean better(double candidate, double reference, double minDelta) {
    return lowerIsBetter ? candidate <= reference - minDelta : candidate >= reference + minDelta;
  }

  /** Whether {@code value} is at least as good as {@code limit} (the worst acceptable value). */
  public boolean acceptable(double value, double limit) {
    return lowerIsBetter ? value <= limit : value >= limit;
  }
}
