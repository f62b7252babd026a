package dev.esteira.ml;

import static org.apache.spark.sql.types.DataTypes.*;

import dev.esteira.lake.MetaTable;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/** The tables the {@code ml} package owns. */
public final class RunTables {
  private RunTables() {}

  public static final MetaTable RUNS =
      new MetaTable(
          "runs",
          new StructType()
              .add("run_id", StringType, false)
              .add("model", StringType, false)
              .add("kind", StringType, false)
              .add("status", StringType, false)
              .add("estimator", StringType, true)
              .add("params", StringType, true)
              .add("metrics", createMapType(StringType, DoubleType), true)
              .add("slice_metrics", StringType, true)
              .add("dataset", StringType, true)
              .add("dataset_version", LongType, true)
              .add("batch", StringType, true)
              .add("train_rows", LongType, true)
              .add("holdout_rows", LongType, true)
              .add("config_hash", StringType, true)
              .add("code_version", StringType, true)
              .add("seed", LongType, true)
              .add("spark_version", StringType, true)
              .add("artifact_path", StringType, true)
              .add("error", StringType, true)
              .add("started_at", TimestampType, true)
              .add("ended_at", TimestampType, true)
              .add("duration_ms", LongType, true),
          List.of("run_id"),
          "one row per training run; run_id is derived from the run's inputs, so a rerun replaces it");
}
