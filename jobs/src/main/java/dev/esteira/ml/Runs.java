package dev.esteira.ml;

import static org.apache.spark.sql.functions.col;

import dev.esteira.lake.Lakehouse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;

/** Reads and writes {@code runs}. */
public final class Runs {
  private Runs() {}

  public static void save(Lakehouse lake, Run run) {
    lake.upsert(RunTables.RUNS, List.of(Trainer.toRow(run)));
  }

  public static Optional<Run> find(Lakehouse lake, String runId) {
    List<Row> rows = lake.read(RunTables.RUNS).where(col("run_id").equalTo(runId)).collectAsList();
    return rows.isEmpty() ? Optional.empty() : Optional.of(of(rows.get(0)));
  }

  /** The newest succeeded training run of a model. */
  public static Optional<Run> latest(Lakehouse lake, String model) {
    List<Row> rows =
        lake.read(RunTables.RUNS)
            .where(col("model").equalTo(model).and(col("status").equalTo("succeeded")))
            .orderBy(col("ended_at").desc())
            .limit(1)
            .collectAsList();
    return rows.isEmpty() ? Optional.empty() : Optional.of(of(rows.get(0)));
  }

  static Run of(Row r) {
    Map<String, Double> metrics = r.getJavaMap(r.fieldIndex("metrics"));
    return new Run(
        r.getAs("run_id"), r.getAs("model"), r.getAs("kind"), r.getAs("status"), r.getAs("estimator"),
        r.getAs("params"), metrics == null ? Map.of() : Map.copyOf(metrics), r.getAs("slice_metrics"),
        r.getAs("dataset"), r.getAs("dataset_version"), r.getAs("batch"), r.getAs("train_rows"),
        r.getAs("holdout_rows"), r.getAs("config_hash"), r.getAs("code_version"), r.getAs("seed"),
        r.getAs("spark_version"), r.getAs("artifact_path"), r.getAs("error"), r.getAs("started_at"),
        r.getAs("ended_at"), r.getAs("duration_ms"));
  }
}
