package dev.esteira.monitor;

import static org.apache.spark.sql.types.DataTypes.*;

import dev.esteira.lake.MetaTable;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/** The tables the {@code monitor} package owns. */
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
              .add("features", StringType, true)
              .add("scored_at", TimestampType, false),
          List.of("model", "batch", "row_id"),
          "one row per scored row, stamped with the model version that scored it; partitioned by batch",
          List.of("batch"));

  public static final MetaTable PROFILES =
      new MetaTable(
          "profiles",
          new StructType()
              .add("dataset", StringType, false)
              .add("batch", StringType, false)
              .add("dataset_version", LongType, false)
              .add("column", StringType, false)
              .add("kind", StringType, false)
              .add("baseline_batch", StringType, false)
              .add("count", LongType, false)
              .add("nulls", LongType, false)
              .add("mean", DoubleType, true)
              .add("stddev", DoubleType, true)
              .add("min", DoubleType, true)
              .add("max", DoubleType, true)
              .add("quantiles", createMapType(StringType, DoubleType), true)
              .add("bin_edges", createArrayType(DoubleType), true)
              .add("bin_counts", createArrayType(LongType), true)
              .add("category_counts", createMapType(StringType, LongType), true)
              .add("profiled_at", TimestampType, false),
          List.of("dataset", "batch", "column"),
          "one row per column and batch: counts, moments, quantiles, histogram on the baseline's edges");

  public static final MetaTable DRIFT_METRICS =
      new MetaTable(
          "drift_metrics",
          new StructType()
              .add("model", StringType, false)
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
              .add("drifted", BooleanType, false)
              .add("alerting", BooleanType, false)
              .add("computed_at", TimestampType, false),
          List.of("model", "dataset", "batch", "comparison", "column", "metric"),
          "one row per column, batch, comparison (baseline or previous) and metric");
}
