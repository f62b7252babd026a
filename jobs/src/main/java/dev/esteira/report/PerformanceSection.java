package dev.esteira.report;

import static dev.esteira.report.Html.esc;
import static org.apache.spark.sql.functions.col;

import dev.esteira.lake.Lakehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Realized and estimated performance per model version and batch, from the {@code performance} table
 * when a lakehouse has one. That table is being introduced by the ground-truth work (issue #8), so this
 * section is kept apart and reads it by column names only: a {@code model} column, a batch column
 * ({@code batch}), a {@code version}, and either long rows ({@code metric}, {@code value}, optionally a
 * {@code kind} such as realized / estimated) or one numeric column per metric. When the table is missing
 * or has no row for the model it says "no performance recorded yet".
 */
final class PerformanceSection {
  static final String TABLE = "performance";
  static final String NONE = "No performance recorded yet: the lakehouse has no performance rows for this model.";

  /** The metric drawn when the table is in long form, by preference. */
  static final List<String> CHART_METRICS = List.of("auc_roc", "accuracy", "f1", "rmse", "r2", "silhouette");

  private PerformanceSection() {}

  static String render(Lakehouse lake, String model, List<String> batchOrder) {
    String path = lake.root() + "/" + TABLE;
    if (!lake.isDeltaTable(path)) {
      return Html.empty(NONE);
    }
    Dataset<Row> all = lake.spark().read().format("delta").load(path);
    List<String> names = List.of(all.columns());
    if (!names.contains("model") || !names.contains("batch")) {
      return Html.empty("The performance table has no model or batch column; nothing to show.");
    }
    Dataset<Row> rows = all.where(col("model").equalTo(model));
    List<Row> collected = rows.collectAsList();
    if (collected.isEmpty()) {
      return Html.empty(NONE);
    }
    boolean hasVersion = names.contains("version");
    boolean longForm = names.contains("metric") && names.contains("value");
    String kindCol = names.contains("kind") ? "kind" : names.contains("source") ? "source" : null;
    // series name -> batch -> value
    Map<String, Map<String, Double>> series = new LinkedHashMap<>();
    Map<String, String> metricOf = new LinkedHashMap<>();
    List<String> batches = new ArrayList<>(batchOrder);
    for (Row r : collected) {
      String batch = String.valueOf(r.<Object>getAs("batch"));
      if (!batches.contains(batch)) {
        batches.add(batch);
      }
      String prefix = (hasVersion ? "v" + r.getAs("version") + " " : "")
          + (kindCol != null && r.getAs(kindCol) != null ? r.getAs(kindCol) + " " : "");
      if (longForm) {
        Object v = r.getAs("value");
        if (v instanceof Number n) {
          String metric = r.getAs("metric");
          series.computeIfAbsent(prefix + metric, k -> new LinkedHashMap<>()).put(batch, n.doubleValue());
          metricOf.put(prefix + metric, metric);
        }
      } else {
        for (StructField f : rows.schema().fields()) {
          DataType t = f.dataType();
          if (t instanceof NumericType && !List.of("version", "rows", "labelled_rows", "seq").contains(f.name())) {
            Object v = r.getAs(f.name());
            if (v instanceof Number n) {
              series.computeIfAbsent(prefix + f.name(), k -> new LinkedHashMap<>()).put(batch, n.doubleValue());
            }
          }
        }
      }
    }
    batches.removeIf(b -> series.values().stream().noneMatch(m -> m.containsKey(b)));
    // One metric on the chart (the first of CHART_METRICS present): counts such as tp/fp and rates in
    // [0, 1] do not share an axis, and every version x kind x metric would crowd the legend. The table
    // below lists every metric.
    String charted = CHART_METRICS.stream().filter(metricOf::containsValue).findFirst()
        .orElse(metricOf.isEmpty() ? null : metricOf.values().iterator().next());
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
