package dev.esteira.monitor;

import static org.apache.spark.sql.types.DataTypes.*;

import dev.esteira.lake.MetaTable;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/** The table of performance on ground truth, realized and estimated, owned by the {@code monitor} package. */
public final class PerformanceTables {
  private PerformanceTables() {}

  /** Metrics measured on labelled rows. */
  public static final String REALIZED = "realized";
  /** Metrics estimated before labels arrive (confidence-based performance estimation). */
  public static final String ESTIMATED = "estimated";

  public static final MetaTable PERFORMANCE =
      new MetaTable(
          "performance",
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
              .add("computed_at", TimestampType, false),
          List.of("model", "version", "batch", "kind", "metric"),
          "one row per model version, scored batch, kind (realized on ground truth, or estimated before it) and metric");
}
