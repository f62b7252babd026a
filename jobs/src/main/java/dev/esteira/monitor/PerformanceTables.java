package dev.esteira.monitor;

import static org.apache.spark.sql.types.DataTypes.*;

import dev.esteira.lake.MetaTable;
import dev.esteira.lake.Migration;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/** The table of performance on ground truth, realized and estimated, owned by the {@code monitor} package. */
public final class PerformanceTables {
  private PerformanceTables() {}

  /** Metrics measured on labelled rows. */
  public static final String REALIZED = "realized";
  /** Metrics estimated before labels arrive (confidence-based performance estimation). */
  public static final String ESTIMATED = "estimated";

  /** Schema version 1 of {@code performance}: no {@code written_at}, replaced in place. */
  static final StructType PERFORMANCE_V1 = performance(false);

  private static StructType performance(boolean writtenAt) {
    StructType s =
        new StructType()
            .add("model", StringType, false)
            .add("version", IntegerType, false)
            .add("batch", StringType, false)
            .add("kind", StringType, false)
            .add("metric", StringType, false)
            .add("value", DoubleType, true)
            .add("labelled", LongType, false)
            .add("predictions", LongType, false)
            .add("reference", DoubleType, true)
            .add("threshold", DoubleType, true)
            .add("alerting", BooleanType, false)
            .add("computed_at", TimestampType, false);
    return writtenAt ? s.add(MonitorTables.WRITTEN_AT, TimestampType, true) : s;
  }

  public static final MetaTable PERFORMANCE =
      new MetaTable(
          "performance",
          performance(true),
          List.of("model", "version", "batch", "kind", "metric"),
          "one row per model version, scored batch, kind (realized on ground truth, or estimated before it) and metric; "
              + "partitioned by model",
          List.of("model"))
          .withMigrations(
              Migration.addingNull(PERFORMANCE_V1, MonitorTables.WRITTEN_AT, TimestampType,
                  MonitorTables.WRITTEN_AT + ": when the model's rows were written; a new measurement of a model is appended (the "
                      + "rows of its newest write are current) instead of replacing the older rows; earlier rows have none"))
          // Written every night for every model: an append through Delta Kernel is tens of milliseconds where
          // a Spark replace of the model's rows was about a second.
          .withNewestBy(MonitorTables.WRITTEN_AT)
          // `performance --batch` measures one batch of a model and replaces only its rows.
          .withPartialReplace();
}
