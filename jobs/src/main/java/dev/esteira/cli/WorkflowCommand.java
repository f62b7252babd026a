package dev.esteira.cli;

import dev.esteira.EsteiraException;
import dev.esteira.lake.Lakehouse;
import dev.esteira.workflow.WorkflowRuns;
import dev.esteira.workflow.WorkflowRuns.Attempt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** A row of the run log as the JSON output shows it. */
  static Map<String, Object> document(Attempt a) {
    Map<String, Object> doc = new LinkedHashMap<>();
    if (a.isRunRow()) {
      doc.put("run_id", a.runId());
      doc.put("workflow", a.workflow());
      doc.put("run_attempt", a.attempt());
    } else {
      doc.put("step", a.step());
      doc.put("job", a.job());
      doc.put("attempt", a.attempt());
    }
    doc.put("state", a.state());
    doc.put("params", Output.parsedJson(a.params()));
    doc.put("message", a.message());
    doc.put("error", a.error());
    doc.put("started_at", a.startedAt());
    doc.put("ended_at", a.endedAt());
    doc.put("duration_ms", a.durationMs());
    return doc;
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
      Lakehouse lake = session().metadataLake();
      List<Attempt> runs = new ArrayList<>(new WorkflowRuns(lake).runs(workflow));
      java.util.Collections.reverse(runs);
      if (workflow != null && runs.isEmpty()) {
        throw new EsteiraException("no runs of workflow '" + workflow + "' (see `esteira workflow runs`)");
      }
      List<Attempt> shown = runs.subList(0, Math.min(limit, runs.size()));
      if (out().json()) {
        out().result("", shown.stream().map(WorkflowCommand::document).toList());
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
      Lakehouse lake = session().metadataLake();
      List<Attempt> all = new WorkflowRuns(lake).ofRun(runId);
      List<Attempt> heads = all.stream().filter(Attempt::isRunRow).toList();
      if (heads.isEmpty()) {
        throw new EsteiraException("unknown workflow run '" + runId + "' (see `esteira workflow runs`)");
      }
      int latest = heads.stream().mapToInt(Attempt::attempt).max().orElseThrow();
      int wanted = runAttempt == null ? latest : runAttempt;
      Attempt head = heads.stream().filter(a -> a.attempt() == wanted).findFirst().orElseThrow(() -> new EsteiraException(
          "workflow run '" + runId + "' has no run attempt " + wanted + " (it has 1 to " + latest + ")"));
      List<Attempt> steps = all.stream()
          .filter(a -> !a.isRunRow() && a.incarnation() == wanted).toList();
      Map<String, Object> doc = document(head);
      doc.put("run_attempts", latest);
      doc.put("steps", steps.stream().map(WorkflowCommand::document).toList());
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
