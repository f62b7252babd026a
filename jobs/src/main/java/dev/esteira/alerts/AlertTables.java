package dev.esteira.alerts;

import static org.apache.spark.sql.types.DataTypes.*;

import dev.esteira.lake.MetaTable;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/** The table the {@code alerts} package owns. */
public final class AlertTables {
  private AlertTables() {}

  public static final MetaTable DELIVERIES =
      new MetaTable(
          "alert_deliveries",
          new StructType()
              .add("event_id", StringType, false)
              .add("channel", StringType, false)
              .add("attempt", IntegerType, false)
              .add("status", StringType, false)
              .add("kind", StringType, false)
              .add("severity", StringType, false)
              .add("model", StringType, true)
              .add("dataset", StringType, true)
              .add("subject", StringType, false)
              .add("batch", StringType, true)
              .add("event", StringType, false)
              .add("response", StringType, true)
              .add("decided_at", TimestampType, false)
              .add("at", TimestampType, false)
              .add("duration_ms", LongType, true),
          List.of("event_id", "channel", "attempt"),
          "one row per alert event and channel when it is decided (attempt 0, pending) and per delivery "
              + "attempt after it (sent, error, failed), never rewritten");
}
