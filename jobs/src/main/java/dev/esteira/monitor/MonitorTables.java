package dev.esteira.monitor;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.*;

import dev.esteira.lake.MetaTable;
import dev.esteira.lake.Migration;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * The tables the {@code monitor} package owns ({@code predictions} belongs to {@code scoring}). Profiles
 * and drift metrics are keyed by what is monitored, the {@code target} ({@link Target}): {@code dataset:NAME} for a dataset's columns (with or without a model),
 * {@code model:NAME:vN} for the outputs of one model version.
 */
public final class MonitorTables {
  private MonitorTables() {}

  /** Schema version 1 (Esteira 0.1) of the two tables, for their migrations. */
  static final StructType PROFILES_V1 =
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
          .add("profiled_at", TimestampType, false);

  static final StructType DRIFT_METRICS_V1 =
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
          .add("computed_at", TimestampType, false);

  /** Schema version 2 of {@code drift_metrics}: no {@code exact}. */
  static final StructType DRIFT_METRICS_V2 = driftMetrics(false, false);

  /** Schema version 3 of {@code drift_metrics}: no {@code written_at}. */
  static final StructType DRIFT_METRICS_V3 = driftMetrics(true, false);

  private static StructType driftMetrics(boolean exact, boolean writtenAt) {
    StructType s =
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
            .add("alerting", BooleanType, false);
    if (exact) {
      s = s.add("exact", BooleanType, false);
    }
    s = s.add("computed_at", TimestampType, false);
    return writtenAt ? s.add(WRITTEN_AT, TimestampType, true) : s;
  }

  /** Schema version 2 of {@code profiles}: no {@code written_at}. */
  static final StructType PROFILES_V2 = profiles(false);

  private static StructType profiles(boolean writtenAt) {
    StructType s =
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
            .add("profiled_at", TimestampType, false);
    return writtenAt ? s.add(WRITTEN_AT, TimestampType, true) : s;
  }

  /**
   * When a partition's rows were written, alike for all rows of one write: profiles and drift metrics are
   * written a batch (a partition) at a time by appending, performance a model at a time
   * ({@link PerformanceTables}), and the rows of a partition's newest write are current.
   */
  static final String WRITTEN_AT = "written_at";

  private static Migration writtenAt(StructType from) {
    return Migration.addingNull(from, WRITTEN_AT, TimestampType,
        WRITTEN_AT + ": when the batch's rows were written; a rewrite of a batch is appended (the rows of its newest "
            + "write are current) instead of replacing the older rows; earlier rows have none");
  }

  public static final MetaTable PROFILES =
      new MetaTable(
          "profiles",
          profiles(true),
          List.of("target", "batch", "column"),
          "one row per monitored column and batch: counts, moments, quantiles, category counts and the serialized "
              + "mergeable sketch; partitioned by target and batch",
          List.of("target", "batch"))
          .withMigrations(
              new Migration(
                  PROFILES_V1,
                  "profiles become mergeable sketches keyed by target; histograms on fixed edges cannot be turned "
                      + "into sketches, so version 1 rows are dropped (rerun `profile` for the batches you need: "
                      + "profiles are derived from the datasets, which keep every version)",
                  (lake, rows) -> lake.spark().createDataFrame(List.<org.apache.spark.sql.Row>of(), PROFILES_V2)),
              writtenAt(PROFILES_V2))
          // Written at every ingest and score of every night: an append through Delta Kernel is tens of
          // milliseconds where a Spark replace of the partition was most of a second.
          .withNewestBy(WRITTEN_AT);

  public static final MetaTable DRIFT_METRICS =
      new MetaTable(
          "drift_metrics",
          driftMetrics(true, true),
          List.of("target", "batch", "comparison", "column", "metric"),
          "one row per monitored column, batch, comparison (baseline, previous or window) and metric; "
              + "partitioned by target and batch",
          List.of("target", "batch"))
          .withMigrations(
              new Migration(
                  DRIFT_METRICS_V1,
                  "keyed by target (dataset:NAME) instead of model; status from drifted; the history of "
                      + "version 1 metrics is kept as it was computed",
                  (lake, rows) -> rows
                      .withColumn("target", concat(lit("dataset:"), col("dataset")))
                      .withColumn("status", when(col("drifted"), lit("drift")).otherwise(lit("ok")))
                      .drop("model")),
              new Migration(
                  DRIFT_METRICS_V2,
                  "exact: the value was recomputed from the batches' rows because the sketch's bound straddled "
                      + "its threshold; earlier rows were all computed from sketches (false)",
                  (lake, rows) -> rows.withColumn("exact", lit(false))),
              writtenAt(DRIFT_METRICS_V3))
          .withNewestBy(WRITTEN_AT);
}
