package dev.esteira.workflow;

import static org.apache.spark.sql.types.DataTypes.*;

import dev.esteira.lake.MetaTable;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/** The tables the {@code workflow} package owns. */
public final class WorkflowTables {
  private WorkflowTables() {}

  /** The step name of the row that describes the whole run. */
  public static final String RUN_ROW = "*";

  public static final MetaTable WORKFLOW_RUNS =
      new MetaTable(
          "workflow_runs",
          new StructType()
              .add("run_id", StringType, false)
              .add("workflow", StringType, false)
              .add("step", StringType, false)
              .add("job", StringType, true)
              .add("attempt", IntegerType, false)
              .add("state", StringType, false)
              .add("params", StringType, true)
              .add("message", StringType, true)
              .add("error", StringType, true)
              .add("started_at", TimestampType, false)
              .add("ended_at", TimestampType, true)
              .add("duration_ms", LongType, true),
          List.of("run_id", "step", "attempt"),
          "one row per workflow run (step '*') and per attempt of each of its steps");
}
