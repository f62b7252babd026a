package dev.esteira.monitor;

import static org.apache.spark.sql.types.DataTypes.*;

import dev.esteira.lake.MetaTable;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * The tables the {@code monitor} package owns. Profiles and drift metrics are keyed by what is
 * monitored, the {@code target}: {@code dataset:NAME} for a dataset's columns (with or without a model),
 * {@code model:NAME:vN} for the outputs of one model version.
 */
public final class MonitorTables {
  private MonitorTables() {}

  public static final MetaTable PREDICTIONS =
      new MetaTable(
          "predictions",
          new StructType()
              .add("model", StringType, false)
              .add("version", IntegerType, false)
              .add("dataset", StringType, false)
              .add("dataset_version", LongType, false)
              .add("batch", StringType, false)
              .add("row_id", StringType, false)
              .add("prediction", DoubleType, false)
              .add("probability", DoubleType, true)
              .add("features", createMapType(StringType, StringType), true)
              .add("scored_at", TimestampType, false),
          List.of("model", "version", "batch", "row_id"),
          "one row per scored row and model version, so two versions can score the same batch side by side; partitioned by batch",
          List.of("batch"));

  public static final MetaTable PROFILES =
      new MetaTable(
          "profiles",
          new StructType()
              .add("target", StringType, false)
              .add("dataset", StringType, false)
              .add("batch", StringType, false)
              .add("dataset_version", LongType, false)
              .add("ingested_at", TimestampType, false)
              .add("column", StringType, false)
              .add("kind", StringType, false)
              .add("data_type", StringType, false)
              .add("rows", LongType, false)
              .add("nulls", LongType, false)
              .add("nans", LongType, false)
              .add("pos_inf", LongType, false)
              .add("neg_inf", LongType, false)
              .add("min", DoubleType, true)
              .add("max", DoubleType, true)
              .add("mean", DoubleType, true)
              .add("stddev", DoubleType, true)
              .add("quantiles", createMapType(StringType, DoubleType), true)
              .add("category_counts", createMapType(StringType, LongType), true)
              .add("category_other", LongType, true)
              .add("exact", BooleanType, false)
              .add("rank_error", DoubleType, false)
              .add("sketch", BinaryType, false)
              .add("profiled_at", TimestampType, false),
          List.of("target", "batch", "column"),
          "one row per monitored column and batch: counts, moments, quantiles, category counts and the serialized mergeable sketch");

  public static final MetaTable DRIFT_METRICS =
      new MetaTable(
          "drift_metrics",
          new StructType()
              .add("target", StringType, false)
              .add("dataset", StringType, false)
              .add("batch", StringType, false)
              .add("comparison", StringType, false)
              .add("reference_batch", StringType, false)
              .add("column", StringType, false)
              .add("kind", StringType, false)
              .add("metric", StringType, false)
              .add("value", DoubleType, true)
              .add("error_bound", DoubleType, true)
              .add("threshold", DoubleType, true)
              .add("status", StringType, false)
              .add("drifted", BooleanType, false)
              .add("alerting", BooleanType, false)
              .add("computed_at", TimestampType, false),
          List.of("target", "batch", "comparison", "column", "metric"),
          "one row per monitored column, batch, comparison (baseline, previous or window) and metric");
}
