package dev.esteira.cli;

import static org.apache.spark.sql.functions.col;

import dev.esteira.EsteiraException;
import dev.esteira.lake.Lakehouse;
import dev.esteira.workflow.WorkflowTables;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "workflow",
    mixinStandardHelpOptions = true,
    description = "Workflow runs from the run log (workflow_runs), as Airflow users know them: runs and show.",
    subcommands = {WorkflowCommand.Runs.class, WorkflowCommand.Show.class})
final class WorkflowCommand implements Runnable {
  @Override
  public void run() {
    throw new EsteiraException("give a workflow command: runs or show (see `esteira workflow --help`)");
  }

  /** One row of workflow_runs, by column name. */
  record Attempt(String runId, String workflow, String step, String job, int attempt, Integer runAttempt,
      String state, String params, String message, String error, Timestamp startedAt, Timestamp endedAt,
      Long durationMs) {
    static Attempt of(Row r) {
      return new Attempt(r.getAs("run_id"), r.getAs("workflow"), r.getAs("step"), r.getAs("job"),
          r.<Integer>getAs("attempt"), r.getAs("run_attempt"), r.getAs("state"), r.getAs("params"),
          r.getAs("message"), r.getAs("error"), r.getAs("started_at"), r.getAs("ended_at"), r.getAs("duration_ms"));
    }

    /** The incarnation of the run this row belongs to (rows of schema 1 were all of the first). */
    int incarnation() {
      return step.equals(WorkflowTables.RUN_ROW) ? attempt : runAttempt == null ? 1 : runAttempt;
    }

    Map<String, Object> document() {
      Map<String, Object> doc = new LinkedHashMap<>();
      if (step.equals(WorkflowTables.RUN_ROW)) {
        doc.put("run_id", runId);
        doc.put("workflow", workflow);
        doc.put("run_attempt", attempt);
      } else {
        doc.put("step", step);
        doc.put("job", job);
        doc.put("attempt", attempt);
      }
      doc.put("state", state);
      doc.put("params", Output.parsedJson(params));
      doc.put("message", message);
      doc.put("error", error);
      doc.put("started_at", startedAt);
      doc.put("ended_at", endedAt);
      doc.put("duration_ms", durationMs);
      return doc;
    }
  }

  static List<Attempt> read(Dataset<Row> rows) {
    return rows.orderBy(col("started_at"), col("step"), col("attempt")).collectAsList().stream().map(Attempt::of).toList();
  }

  @Command(name = "runs", mixinStandardHelpOptions = true,
      description = "List workflow runs (each incarnation of a run: a rerun with the same parameters is a new one), newest first.")
  static final class Runs extends BaseCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "WORKFLOW", description = "Only runs of this workflow (its name).")
    String workflow;

    @Option(names = "--limit", paramLabel = "N", description = "At most N runs (default: ${DEFAULT-VALUE}).")
    int limit = 50;

    @Override
    public Integer call() {
      if (limit < 1) {
        throw new EsteiraException("workflow runs: --limit must be at least 1, got " + limit);
      }
      Lakehouse lake = session().readLake();
      Dataset<Row> rows = lake.read(WorkflowTables.WORKFLOW_RUNS).where(col("step").equalTo(WorkflowTables.RUN_ROW));
      if (workflow != null) {
        rows = rows.where(col("workflow").equalTo(workflow));
      }
      List<Attempt> runs = new ArrayList<>(read(rows));
      java.util.Collections.reverse(runs);
      if (workflow != null && runs.isEmpty()) {
        throw new EsteiraException("no runs of workflow '" + workflow + "' (see `esteira workflow runs`)");
      }
      List<Attempt> shown = runs.subList(0, Math.min(limit, runs.size()));
      if (out().json()) {
        out().result("", shown.stream().map(Attempt::document).toList());
        return 0;
      }
      List<List<Object>> table = new ArrayList<>();
      for (Attempt a : shown) {
        List<Object> row = new ArrayList<>();
        row.add(a.runId());
        row.add(a.workflow());
        row.add(a.attempt());
        row.add(a.state());
        row.add(a.startedAt());
        row.add(a.durationMs());
        row.add(a.error() != null ? a.error() : a.message());
        table.add(row);
      }
      out().fullTable(List.of("run_id", "workflow", "run_attempt", "state", "started_at", "duration_ms", "message"), table,
          runs.size() > limit ? "(first " + limit + " of " + runs.size() + " runs; use --limit)" : "(" + table.size() + " runs)");
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Show a workflow run (its latest incarnation unless --run-attempt) with each step's attempts.")
  static final class Show extends BaseCommand {
    @Parameters(index = "0", paramLabel = "RUN_ID") String runId;

    @Option(names = "--run-attempt", paramLabel = "N", description = "This incarnation of the run (default: the latest).")
    Integer runAttempt;

    @Override
    public Integer call() {
      Lakehouse lake = session().readLake();
      List<Attempt> all = read(lake.read(WorkflowTables.WORKFLOW_RUNS).where(col("run_id").equalTo(runId)));
      List<Attempt> heads = all.stream().filter(a -> a.step().equals(WorkflowTables.RUN_ROW)).toList();
      if (heads.isEmpty()) {
        throw new EsteiraException("unknown workflow run '" + runId + "' (see `esteira workflow runs`)");
      }
      int latest = heads.stream().mapToInt(Attempt::attempt).max().orElseThrow();
      int wanted = runAttempt == null ? latest : runAttempt;
      Attempt head = heads.stream().filter(a -> a.attempt() == wanted).findFirst().orElseThrow(() -> new EsteiraException(
          "workflow run '" + runId + "' has no run attempt " + wanted + " (it has 1 to " + latest + ")"));
      List<Attempt> steps = all.stream()
          .filter(a -> !a.step().equals(WorkflowTables.RUN_ROW) && a.incarnation() == wanted).toList();
      Map<String, Object> doc = head.document();
      doc.put("run_attempts", latest);
      doc.put("steps", steps.stream().map(Attempt::document).toList());
      StringBuilder text = new StringBuilder();
      text.append("workflow ").append(head.workflow()).append(" run ").append(runId).append(" (run attempt ")
          .append(wanted).append(" of ").append(latest).append("): ").append(head.state()).append('\n')
          .append("  params:   ").append(head.params()).append('\n')
          .append("  started:  ").append(head.startedAt() == null ? "" : Output.iso(head.startedAt()))
          .append(head.endedAt() == null ? "" : ", ended " + Output.iso(head.endedAt()))
          .append(head.durationMs() == null ? "" : " (" + head.durationMs() + " ms)").append('\n');
      if (head.error() != null) {
        text.append("  error:    ").append(head.error()).append('\n');
      }
      text.append("  steps:");
      for (Attempt a : steps) {
        text.append("\n    ").append(String.format("%-20s", a.step())).append(" attempt ").append(a.attempt())
            .append("  ").append(String.format("%-11s", a.state()))
            .append(a.durationMs() == null ? "" : String.format(" %8d ms", a.durationMs()))
            .append("  ").append(a.error() != null ? a.error() : a.message() == null ? "" : a.message());
      }
      out().result(text.toString(), doc);
      return 0;
    }
  }
}
