package dev.esteira.ml;


import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.Match;
import dev.esteira.lake.StoragePaths;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;

/** Reads and writes {@code runs}. */
public final class Runs {
  private Runs() {}

  public static void save(Lakehouse lake, Run run) {
    lake.upsert(RunTables.RUNS, List.of(toRow(lake.root(), run)));
  }

  /** Records several runs in one commit. */
  public static void saveAll(Lakehouse lake, List<Run> runs) {
    lake.upsert(RunTables.RUNS, runs.stream().map(r -> toRow(lake.root(), r)).toList());
  }

  /** The row of {@code runs} for a run, by column name; its artifact stored relative to {@code root}. */
  static Row toRow(String root, Run r) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("run_id", r.runId());
    m.put("model", r.model());
    m.put("kind", r.kind());
    m.put("status", r.status());
    m.put("estimator", r.estimator());
    m.put("params", r.params());
    m.put("metrics", scala.collection.JavaConverters.mapAsScalaMap(r.metrics()));
    Map<String, scala.collection.Map<String, Double>> slices = new java.util.TreeMap<>();
    if (r.sliceMetrics() != null) {
      r.sliceMetrics().forEach((k, v) -> slices.put(k, scala.collection.JavaConverters.mapAsScalaMap(v)));
    }
    m.put("slice_metrics", r.sliceMetrics() == null ? null : scala.collection.JavaConverters.mapAsScalaMap(slices));
    m.put("dataset", r.dataset());
    m.put("dataset_version", r.datasetVersion());
    m.put("batch", r.batch());
    m.put("train_rows", r.trainRows());
    m.put("holdout_rows", r.holdoutRows());
    m.put("config_hash", r.configHash());
    m.put("code_version", r.codeVersion());
    m.put("seed", r.seed());
    m.put("spark_version", r.sparkVersion());
    m.put("artifact", r.artifactPath() == null ? null : StoragePaths.relativize(root, r.artifactPath()));
    m.put("error", r.error());
    m.put("started_at", r.startedAt());
    m.put("ended_at", r.endedAt());
    m.put("duration_ms", r.durationMs());
    return dev.esteira.lake.Rows.of(RunTables.RUNS.schema(), m);
  }

  public static Optional<Run> find(Lakehouse lake, String runId) {
    List<Row> rows = lake.rows(Match.on(RunTables.RUNS).eq("run_id", runId));
    return rows.isEmpty() ? Optional.empty() : Optional.of(of(lake.root(), rows.get(0)));
  }

  /** Every run (of one model, or of all when {@code model} is null), newest first. */
  public static List<Run> list(Lakehouse lake, String model) {
    Match which = Match.on(RunTables.RUNS);
    return lake.rows(model == null ? which : which.eq("model", model)).stream().map(r -> of(lake.root(), r))
        .sorted(java.util.Comparator.comparing(Run::startedAt, java.util.Comparator.nullsLast(java.util.Comparator.reverseOrder()))
            .thenComparing(Run::runId))
        .toList();
  }

  /** The newest succeeded training run of a model (reproductions are not candidates for registration). */
  public static Optional<Run> latest(Lakehouse lake, String model) {
    return lake.rows(Match.on(RunTables.RUNS).eq("model", model).eq("status", "succeeded").eq("kind", "train"))
        .stream().map(r -> of(lake.root(), r))
        .max(java.util.Comparator.comparing(Run::endedAt, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
  }

  /** A row of {@code runs} as a run, its artifact resolved against this lakehouse's {@code root}. */
  static Run of(String root, Row r) {
    Map<String, Double> metrics = r.getJavaMap(r.fieldIndex("metrics"));
    Map<String, Map<String, Double>> slices = new java.util.TreeMap<>();
    if (!r.isNullAt(r.fieldIndex("slice_metrics"))) {
      Map<String, scala.collection.Map<String, Double>> raw = r.getJavaMap(r.fieldIndex("slice_metrics"));
      raw.forEach((k, v) -> slices.put(k, scala.collection.JavaConverters.mapAsJavaMap(v)));
    }
    String artifact = r.getAs("artifact");
    return new Run(
        r.getAs("run_id"), r.getAs("model"), r.getAs("kind"), r.getAs("status"), r.getAs("estimator"),
        r.getAs("params"), metrics == null ? Map.of() : Map.copyOf(metrics), slices,
        r.getAs("dataset"), r.getAs("dataset_version"), r.getAs("batch"), r.getAs("train_rows"),
        r.getAs("holdout_rows"), r.getAs("config_hash"), r.getAs("code_version"), r.getAs("seed"),
        r.getAs("spark_version"), artifact == null ? null : StoragePaths.resolve(root, artifact), r.getAs("error"), r.getAs("started_at"),
        r.getAs("ended_at"), r.getAs("duration_ms"));
  }
}
