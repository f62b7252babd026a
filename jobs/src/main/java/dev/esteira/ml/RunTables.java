package dev.esteira.ml;

import static org.apache.spark.sql.types.DataTypes.*;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;

import dev.esteira.lake.MetaTable;
import dev.esteira.lake.Migration;
import dev.esteira.lake.StoragePaths;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/** The tables the {@code ml} package owns. */
public final class RunTables {
  private RunTables() {}

  /** Metrics per slice: {@code "purpose=business"} to metric to value. */
  static final DataType SLICE_METRICS =
      createMapType(StringType, createMapType(StringType, DoubleType, true), true);

  public static final MetaTable RUNS =
      new MetaTable(
          "runs",
          schema(SLICE_METRICS, "artifact"),
          List.of("run_id"),
          "one row per training run, succeeded or failed; run_id is derived from the run's inputs, so a "
              + "rerun replaces it")
          .withMigrations(
              new Migration(
                  schema(StringType, "artifact_path"),
                  "slice_metrics typed as map<string,map<string,double>> instead of JSON text",
                  (lake, rows) -> rows.withColumn("slice_metrics", from_json(col("slice_metrics"), SLICE_METRICS, Map.of()))),
              new Migration(
                  schema(SLICE_METRICS, "artifact_path"),
                  "artifact_path (absolute) becomes artifact, relative to the lakehouse root, so that a "
                      + "lakehouse copied or moved registers and explains from its own run artifacts",
                  (lake, rows) -> StoragePaths.migrateToRelative(lake, RunTables.RUNS, rows, "artifact_path", "artifact")));

  private static StructType schema(DataType sliceMetrics, String artifactColumn) {
    return new StructType()
              .add("run_id", StringType, false)
              .add("model", StringType, false)
              .add("kind", StringType, false)
              .add("status", StringType, false)
              .add("estimator", StringType, true)
              .add("params", StringType, true)
              .add("metrics", createMapType(StringType, DoubleType), true)
              .add("slice_metrics", sliceMetrics, true)
              .add("dataset", StringType, true)
              .add("dataset_version", LongType, true)
              .add("batch", StringType, true)
              .add("train_rows", LongType, true)
              .add("holdout_rows", LongType, true)
              .add("config_hash", StringType, true)
              .add("code_version", StringType, true)
              .add("seed", LongType, true)
              .add("spark_version", StringType, true)
              .add(artifactColumn, StringType, true)
              .add("error", StringType, true)
              .add("started_at", TimestampType, true)
              .add("ended_at", TimestampType, true)
              .add("duration_ms", LongType, true);
  }
}
