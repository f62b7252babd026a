package dev.esteira.workflow;


import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.Match;
import dev.esteira.lake.Rows;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;

/**
 * The store of {@code workflow_runs} (schema in {@link WorkflowTables}): its record, the one mapping
 * between record and row, by column name, and the queries the runners and the CLI ask, so that nobody
 * else reads the table by column-name strings.
 */
public final class WorkflowRuns {
  private final Lakehouse lake;

  public WorkflowRuns(Lakehouse lake) {
    this.lake = lake;
  }

  /**
   * One row: an attempt of a step, or (step {@link WorkflowTables#RUN_ROW}) one incarnation of the run,
   * whose {@code attempt} is the incarnation. {@code runAttempt} is null on rows of schema 1.
   */
  public record Attempt(String runId, String workflow, String step, String job, int attempt, Integer runAttempt,
      String state, String params, String message, String error, Timestamp startedAt, Timestamp endedAt,
      Long durationMs, String outputs) {

    /**
     * A row being written now: ended ones get {@code ended_at} now and their duration from {@code start}.
     */
    public static Attempt now(String runId, String workflow, String step, String job, int attempt, int runAttempt,
        String state, String params, String message, String error, Timestamp start, boolean ended, String outputs) {
      Instant end = Instant.now();
      return new Attempt(runId, workflow, step, job, attempt, runAttempt, state, params, message, error, start,
          ended ? Timestamp.from(end) : null, ended ? end.toEpochMilli() - start.getTime() : null, outputs);
    }

    static Attempt of(Row r) {
      return new Attempt(r.getAs("run_id"), r.getAs("workflow"), r.getAs("step"), r.getAs("job"),
          r.<Integer>getAs("attempt"), r.getAs("run_attempt"), r.getAs("state"), r.getAs("params"),
          r.getAs("message"), r.getAs("error"), r.getAs("started_at"), r.getAs("ended_at"), r.getAs("duration_ms"),
          r.getAs("outputs"));
    }

    Row toRow() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("run_id", runId);
      m.put("workflow", workflow);
      m.put("step", step);
      m.put("job", job);
      m.put("attempt", attempt);
      m.put("run_attempt", runAttempt);
      m.put("state", state);
      m.put("params", params);
      m.put("message", message);
      m.put("error", error);
      m.put("started_at", startedAt);
      m.put("ended_at", endedAt);
      m.put("duration_ms", durationMs);
      m.put("outputs", outputs);
      return Rows.of(WorkflowTables.WORKFLOW_RUNS.schema(), m);
    }

    /** Whether this row describes the whole run rather than one step's attempt. */
    public boolean isRunRow() {
      return WorkflowTables.RUN_ROW.equals(step);
    }

    /** The incarnation of the run this row belongs to (rows of schema 1 were all of the first). */
    public int incarnation() {
      return isRunRow() ? attempt : runAttempt == null ? 1 : runAttempt;
    }

    Attempt withState(String newState, String newError) {
      return new Attempt(runId, workflow, step, job, attempt, runAttempt, newState, params, message, newError,
          startedAt, endedAt, durationMs, outputs);
    }
  }

  /** Writes rows in one commit; a row with the key (run_id, step, attempt) of another replaces it. */
  public void write(List<Attempt> rows) {
    lake.upsert(WorkflowTables.WORKFLOW_RUNS, rows.stream().map(Attempt::toRow).toList());
  }

  /** Every row of a run, every incarnation, in the order they started. */
  public List<Attempt> ofRun(String runId) {
    return ordered(lake.rows(Match.on(WorkflowTables.WORKFLOW_RUNS).eq("run_id", runId)));
  }

  /** The run rows (one per incarnation) of every run, or of one workflow's, oldest first. */
  public List<Attempt> runs(String workflow) {
    Match runRows = Match.on(WorkflowTables.WORKFLOW_RUNS).eq("step", WorkflowTables.RUN_ROW);
    return ordered(lake.rows(workflow == null ? runRows : runRows.eq("workflow", workflow)));
  }

  /** The highest attempt recorded for a step of a run; 0 when none is (or nothing was ever recorded). */
  public int lastAttempt(String runId, String step) {
    return latest(runId, step).map(Attempt::attempt).orElse(0);
  }

  /** The step's latest attempt in a run, if any. */
  public Optional<Attempt> latest(String runId, String step) {
    return lake.rows(Match.on(WorkflowTables.WORKFLOW_RUNS).eq("run_id", runId).eq("step", step)).stream()
        .map(Attempt::of).max(java.util.Comparator.comparingInt(Attempt::attempt));
  }

  private static List<Attempt> ordered(List<Row> rows) {
    return rows.stream().map(Attempt::of)
        .sorted(java.util.Comparator.comparing(Attempt::startedAt, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
            .thenComparing(Attempt::step).thenComparingInt(Attempt::attempt))
        .toList();
  }
}
