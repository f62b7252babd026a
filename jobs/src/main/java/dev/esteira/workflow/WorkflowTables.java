package dev.esteira.workflow;

import static org.apache.spark.sql.types.DataTypes.*;

import static org.apache.spark.sql.functions.lit;

import dev.esteira.lake.MetaTable;
import dev.esteira.lake.Migration;
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
          schema(4),
          List.of("run_id", "step", "attempt"),
          "one row per incarnation of a workflow run (step '*', attempt = run_attempt) and per attempt of "
              + "each of its steps, written as running when it starts; every change of state is appended, "
              + "the newest by recorded_at is current")
          .withMigrations(
              new Migration(
                  schema(1),
                  "run_attempt: the incarnation of the run an attempt belongs to (earlier runs kept; rows "
                      + "of schema 1 were all of one incarnation)",
                  (lake, rows) -> rows.withColumn("run_attempt", lit(1))),
              Migration.addingNull(
                  schema(2), "outputs", StringType,
                  "outputs: what a succeeded step returned (JSON), read by later steps' when: conditions; "
                      + "earlier rows have none"),
              Migration.addingNull(
                  schema(3), "recorded_at", TimestampType,
                  "recorded_at: when the row was written; a change of state is appended (the newest row of a "
                      + "key is current) instead of rewriting the row; earlier rows have none"))
          .withNewestBy("recorded_at");

  private static StructType schema(int version) {
    StructType s =
        new StructType()
            .add("run_id", StringType, false)
            .add("workflow", StringType, false)
            .add("step", StringType, false)
            .add("job", StringType, true)
            .add("attempt", IntegerType, false);
    if (version >= 2) {
      s = s.add("run_attempt", IntegerType, true);
    }
    s = s.add("state", StringType, false)
        .add("params", StringType, true)
        .add("message", StringType, true)
        .add("error", StringType, true)
        .add("started_at", TimestampType, false)
        .add("ended_at", TimestampType, true)
        .add("duration_ms", LongType, true);
    if (version >= 3) {
      s = s.add("outputs", StringType, true);
    }
    return version >= 4 ? s.add("recorded_at", TimestampType, true) : s;
  }
}
