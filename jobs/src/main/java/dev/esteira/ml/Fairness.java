package dev.esteira.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fairness gaps across slices: for a slice column and a metric, the difference between the best and the
 * worst value of the metric over the column's values (slices whose metric is undefined, NaN, left out).
 * A gap of 0 means every group gets the same quality of prediction.
 */
public final class Fairness {
  private Fairness() {}

  /** One gap: the column, the metric, the slices holding the best and worst values, and their difference. */
  public record Gap(String column, String metric, String best, double bestValue, String worst, double worstValue,
      int slices) {
    public double gap() {
      return Math.abs(bestValue - worstValue);
    }
  }

  /** The gap of {@code metric} across the values of {@code column}, if at least two values have it. */
  public static java.util.Optional<Gap> gap(
      Map<String, Map<String, Double>> sliceMetrics, String column, Metric metric) {
    String prefix = column + "=";
    String best = null;
    String worst = null;
    double bestValue = Double.NaN;
    double worstValue = Double.NaN;
    int n = 0;
    for (Map.Entry<String, Map<String, Double>> e : new TreeMap<>(sliceMetrics).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        continue;
      }
      Double v = e.getValue().get(metric.name());
      if (v == null || v.isNaN()) {
        continue;
      }
      String value = e.getKey().substring(prefix.length());
      n++;
      if (best == null || metric.better(v, bestValue, 0) && v != bestValue) {
        best = value;
        bestValue = v;
      }
      if (worst == null || metric.better(worstValue, v, 0) && v != worstValue) {
        worst = value;
        worstValue = v;
      }
    }
    return n < 2 ? java.util.Optional.empty()
        : java.util.Optional.of(new Gap(column, metric.name(), best, bestValue, worst, worstValue, n));
  }

  /** Every gap of every task metric over every slice column. */
  public static List<Gap> gaps(Map<String, Map<String, Double>> sliceMetrics, List<String> columns, Task task) {
    List<Gap> out = new ArrayList<>();
    for (String column : columns) {
      for (Metric m : task.metrics()) {
        gap(sliceMetrics, column, m).ifPresent(out::add);
      }
    }
    return out;
  }
}
