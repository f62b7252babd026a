package dev.esteira.ml;

import java.util.Map;

/**
 * One threshold a model spec's gate declares, read once from the spec: the task's metric it bounds, the
 * slice column when it bounds the metric's gap across that column's slices (fairness, {@code max_gap};
 * null otherwise), the declared value, and whether it is a floor. Gates and model cards use it as a value
 * instead of re-parsing a {@code metric@column} text.
 */
public record GateThreshold(String check, Metric metric, String column, double declared, boolean floor) {
  public static GateThreshold min(Metric metric, double declared) {
    return new GateThreshold("min " + metric.name(), metric, null, declared, true);
  }

  public static GateThreshold max(Metric metric, double declared) {
    return new GateThreshold("max " + metric.name(), metric, null, declared, false);
  }

  /** The worst acceptable value in the metric's own direction: a floor unless lower is better. */
  public static GateThreshold limit(Metric metric, double declared) {
    boolean floor = !metric.lowerIsBetter();
    return new GateThreshold((floor ? "min " : "max ") + metric.name(), metric, null, declared, floor);
  }

  public static GateThreshold maxGap(Metric metric, String column, double declared) {
    return new GateThreshold("max gap of " + metric.name() + " across " + column, metric, column, declared, false);
  }

  /** The value a risk level tightens towards: the metric's ideal, or no gap at all. */
  public double ideal() {
    return column == null ? metric.ideal() : 0.0;
  }

  /**
   * The measured value this threshold bounds, from a version's metrics and its metrics per slice ("column=value"
   * keys); null when it was not measured (fewer than two slices with the metric, for a gap).
   */
  public Double measure(Map<String, Double> metrics, Map<String, Map<String, Double>> sliceMetrics) {
    return column == null
        ? metrics.get(metric.name())
        : Fairness.gap(sliceMetrics, column, metric).map(Fairness.Gap::gap).orElse(null);
  }
}
