package dev.esteira.report;

import static dev.esteira.report.Html.esc;

import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.Task;
import dev.esteira.monitor.PerformanceStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Realized and estimated performance per model version and batch, from the {@code performance} table
 * through its store ({@link PerformanceStore}): one series per version, kind (realized / estimated) and
 * metric. When the model has no row it says "no performance recorded yet".
 */
final class PerformanceSection {
  static final String NONE = "No performance recorded yet: the lakehouse has no performance rows for this model.";

  private PerformanceSection() {}

  /**
   * The metric drawn: the default metric of the model's task ({@link Task#defaultMetric()}), recognised
   * as the one task default among the metrics recorded; else the first metric recorded.
   */
  static String charted(java.util.Collection<String> metrics) {
    return Arrays.stream(Task.values()).map(Task::defaultMetric).filter(metrics::contains).findFirst()
        .orElse(metrics.isEmpty() ? null : metrics.iterator().next());
  }

  static String render(Lakehouse lake, String model, List<String> batchOrder) {
    List<PerformanceStore.Performance> collected = new PerformanceStore(lake).of(model);
    if (collected.isEmpty()) {
      return Html.empty(NONE);
    }
    // series name -> batch -> value
    Map<String, Map<String, Double>> series = new LinkedHashMap<>();
    Map<String, String> metricOf = new LinkedHashMap<>();
    List<String> batches = new ArrayList<>(batchOrder);
    for (PerformanceStore.Performance r : collected) {
      String batch = r.batch();
      if (!batches.contains(batch)) {
        batches.add(batch);
      }
      if (r.value() != null) {
        String name = "v" + r.version() + " " + r.kind() + " " + r.metric();
        series.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(batch, r.value());
        metricOf.put(name, r.metric());
      }
    }
    batches.removeIf(b -> series.values().stream().noneMatch(m -> m.containsKey(b)));
    // One metric on the chart: counts such as tp/fp and rates in [0, 1] do not share an axis, and every
    // version x kind x metric would crowd the legend. The table below lists every metric.
    String charted = charted(new java.util.LinkedHashSet<>(metricOf.values()));
    Map<String, double[]> lines = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, Double>> e : series.entrySet()) {
      if (charted != null && !charted.equals(metricOf.get(e.getKey()))) {
        continue;
      }
      double[] v = new double[batches.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = e.getValue().getOrDefault(batches.get(i), Double.NaN);
      }
      lines.put(e.getKey(), v);
    }
    List<List<String>> table = new ArrayList<>();
    for (Map.Entry<String, Map<String, Double>> e : series.entrySet()) {
      for (Map.Entry<String, Double> b : e.getValue().entrySet()) {
        table.add(List.of(esc(b.getKey()), esc(e.getKey()), "<span class=\"n\">" + Html.num(b.getValue()) + "</span>"));
      }
    }
    return "<div class=\"charts\">" + Svg.lines("performance", "Performance per batch" + (charted == null ? "" : ": " + charted), batches, lines,
            charted == null ? "metric" : charted, false)
        + "</div>" + Html.table(List.of("batch", "metric", "value"), table, "perf");
  }
}
