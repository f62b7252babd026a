package dev.esteira.monitor;


import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.Match;
import dev.esteira.lake.Rows;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;

/**
 * The one store of {@code drift_metrics}: its record, the one mapping between record and row (by column
 * name), the keyed replace of a target's batch, and the queries other packages ask of it.
 */
public final class DriftStore {
  private static final org.apache.spark.sql.types.StructType SCHEMA = MonitorTables.DRIFT_METRICS.schema();

  /**
   * One row: a metric of a column of a target's batch, compared with a reference (baseline, previous,
   * window). {@code exact}: recomputed from the batches' rows because the sketch's bound straddled the
   * threshold.
   */
  public record DriftMetric(Target target, String dataset, String batch, String comparison, String referenceBatch,
      String column, String kind, String metric, Double value, Double errorBound, Double threshold, String status,
      boolean drifted, boolean alerting, boolean exact, Timestamp computedAt) {

    Row toRow() {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("target", target.format());
      r.put("dataset", dataset);
      r.put("batch", batch);
      r.put("comparison", comparison);
      r.put("reference_batch", referenceBatch);
      r.put("column", column);
      r.put("kind", kind);
      r.put("metric", metric);
      r.put("value", value);
      r.put("error_bound", errorBound);
      r.put("threshold", threshold);
      r.put("status", status);
      r.put("drifted", drifted);
      r.put("alerting", alerting);
      r.put("exact", exact);
      r.put("computed_at", computedAt);
      return Rows.of(SCHEMA, r);
    }

    static DriftMetric of(Row r) {
      return new DriftMetric(Target.parse(r.getAs("target")), r.getAs("dataset"), r.getAs("batch"),
          r.getAs("comparison"), r.getAs("reference_batch"), r.getAs("column"), r.getAs("kind"), r.getAs("metric"),
          r.getAs("value"), r.getAs("error_bound"), r.getAs("threshold"), r.getAs("status"),
          r.<Boolean>getAs("drifted"), r.<Boolean>getAs("alerting"), r.<Boolean>getAs("exact"), r.getAs("computed_at"));
    }
  }

  private final Lakehouse lake;

  public DriftStore(Lakehouse lake) {
    this.lake = lake;
  }

  private static Match of(Target target) {
    return Match.on(MonitorTables.DRIFT_METRICS).eq("target", target.format());
  }

  /** Replaces every metric of a target's batch with {@code metrics}, in one commit. */
  public void replace(Target target, String batch, List<DriftMetric> metrics) {
    lake.replace(of(target).eq("batch", batch), metrics.stream().map(DriftMetric::toRow).toList());
  }

  /** Every metric of a target, in batch, column, comparison and metric order. */
  public List<DriftMetric> metrics(Target target) {
    return collect(lake.rows(of(target)));
  }

  /** Every metric of the outputs of every version of a model (prediction drift). */
  public List<DriftMetric> modelOutputMetrics(String model) {
    // The targets of a model's outputs are found by reading the distinct targets and parsing them (a
    // target is never matched by its text's prefix); then one read fetches the metrics of all of them.
    List<Match> outputs = new ArrayList<>();
    for (String text : new TreeSet<>(lake.rows(MonitorTables.DRIFT_METRICS, "target").stream()
        .map(r -> r.<String>getAs("target")).toList())) {
      if (Target.parse(text) instanceof Target.ModelOutputTarget t && t.model().equals(model)) {
        outputs.add(of(t));
      }
    }
    // Targets in text order, then each target's metrics in the order collect gives.
    return collect(lake.rowsOfAny(outputs)).stream()
        .sorted(java.util.Comparator.comparing((DriftMetric m) -> m.target().format())).toList();
  }

  /**
   * The alerting columns of a target per batch (batches with none left out), for the given batches, or
   * every batch when {@code batches} is null.
   */
  public Map<String, SortedSet<String>> alertingColumns(Target target, Collection<String> batches) {
    Map<String, SortedSet<String>> out = new TreeMap<>();
    for (Row r : lake.rows(of(target).eq("alerting", true), "batch", "column", "kind")) {
      if (DriftDetector.DATASET_KIND.equals(r.getAs("kind")) || DriftDetector.HISTORY.equals(r.getAs("kind"))) {
        continue; // the dataset verdict (see datasetDriftBatches) and history anomalies are not a column's drift
      }
      if (batches == null || batches.contains(r.<String>getAs("batch"))) {
        out.computeIfAbsent(r.getAs("batch"), b -> new TreeSet<>()).add(r.getAs("column"));
      }
    }
    return out;
  }

  /** The batches (of the given ones, or all when null) whose dataset verdict alerted in some comparison. */
  public SortedSet<String> datasetDriftBatches(Target target, Collection<String> batches) {
    SortedSet<String> out = new TreeSet<>();
    for (Row r : lake.rows(of(target).eq("alerting", true).eq("kind", DriftDetector.DATASET_KIND), "batch")) {
      if (batches == null || batches.contains(r.<String>getAs("batch"))) {
        out.add(r.getAs("batch"));
      }
    }
    return out;
  }

  /** The metrics in batch, column, comparison and metric order. */
  private static List<DriftMetric> collect(List<Row> rows) {
    return rows.stream().map(DriftMetric::of)
        .sorted(java.util.Comparator.comparing(DriftMetric::batch).thenComparing(DriftMetric::column)
            .thenComparing(DriftMetric::comparison).thenComparing(DriftMetric::metric))
        .toList();
  }
}
