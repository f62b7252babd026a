package dev.esteira.workflow;

import dev.esteira.config.Json;
import dev.esteira.jobs.JobContext;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one step of a workflow, once, for a scheduler that owns the run: Airflow runs each step as a
 * task, names the run, numbers the tries and retries on its own, so here there are no retries and no
 * ordering. The step is planned exactly as the local runner plans it (same templating, validation and
 * job), its attempt is recorded in {@code workflow_runs} under the scheduler's run id and try number
 * (a rerun of the same try replaces its row), and the run's own row (step {@code '*'}) is kept up to
 * date: failed when a step fails, succeeded once every step's latest attempt succeeded. A night run
 * by Airflow so leaves the rows the local runner leaves.
 */
public final class StepRunner {
  private final JobContext context;

  public StepRunner(JobContext context) {
    this.context = context;
  }

  /** The planned step with this id, or an error naming the workflow's steps. */
  public static WorkflowRunner.PlannedStep find(WorkflowRunner.Plan plan, String stepId, String source) {
    return plan.steps().stream()
        .filter(s -> s.step().id().equals(stepId))
        .findFirst()
        .orElseThrow(() -> new WorkflowException(
            source + ": workflow '" + plan.spec().name() + "' has no step '" + stepId + "' (steps: "
                + plan.steps().stream().map(s -> s.step().id()).toList() + ")"));
  }

  /**
   * Runs step {@code stepId} of {@code plan} once as attempt {@code attempt} (null: one more than the
   * attempts recorded for it under {@code runId}) of run {@code runId}; throws a
   * {@link WorkflowException} naming the step when it fails.
   */
  public WorkflowRunner.StepOutcome runStep(WorkflowRunner.Plan plan, String stepId, String runId, Integer attempt, String source) {
    WorkflowRunner.PlannedStep ps = find(plan, stepId, source);
    WorkflowRuns log = new WorkflowRuns(context.lake());
    int n = attempt != null ? attempt : 1 + log.lastAttempt(runId, stepId);
    String prefix = stepId + " (run " + runId + ", attempt " + n + ")";
    // Each row at once, and the run's own row after each ended one: the next task may run in another
    // process, and Airflow's run is done when its last task is.
    StepAttempt step = new StepAttempt(context, plan, runId, 1, false, new StepAttempt.Rows() {
      @Override
      public void running(WorkflowRuns.Attempt row) {
        log.write(List.of(row));
      }

      @Override
      public void ended(WorkflowRuns.Attempt row) {
        log.write(List.of(row));
        updateRunRow(plan, runId, "failed".equals(row.state()) ? failure(plan, row.step(), row.attempt(), row.error()) : null);
      }
    });
    String why = step.skipIfFalse(ps, n, prefix, named -> {
      // The outputs of the step it names, as that step's latest attempt in this run recorded them.
      WorkflowRuns.Attempt latest = log.latest(runId, named).orElse(null);
      Map<String, Object> outputs =
          latest != null && "succeeded".equals(latest.state()) ? WorkflowRunner.outputsOf(latest) : null;
      return new StepAttempt.Upstream(outputs != null, outputs);
    });
    if (why != null) {
      return new WorkflowRunner.StepOutcome(stepId, "skipped", n, why, List.of());
    }
    step.announce(ps, prefix);
    StepAttempt.Ended ended = step.run(ps, n, prefix);
    if (ended.failure() != null) {
      step.raiseStepFailed(ps, ended.outcome().message());
      throw new WorkflowException(
          failure(plan, stepId, n, ended.outcome().message()) + " (run " + runId + ")", ended.failure());
    }
    return ended.outcome();
  }

  private static String failure(WorkflowRunner.Plan plan, String stepId, int attempt, String error) {
    return "workflow '" + plan.spec().name() + "' failed at step '" + stepId + "' (attempt " + attempt + "): " + error;
  }

  /**
   * The run's own row: failed with {@code failure}, or, when every step's latest attempt succeeded,
   * succeeded. Each step writes its row before it looks, so of two steps ending together at least the
   * later one sees both rows (and writing the same run row twice leaves one).
   */
  private void updateRunRow(WorkflowRunner.Plan plan, String runId, String failure) {
    WorkflowRuns log = new WorkflowRuns(context.lake());
    Map<String, Integer> latest = new HashMap<>();
    Map<String, String> state = new HashMap<>();
    Instant first = Instant.now();
    for (WorkflowRuns.Attempt r : log.ofRun(runId)) {
      if (r.isRunRow()) {
        continue;
      }
      if (r.startedAt().toInstant().isBefore(first)) {
        first = r.startedAt().toInstant();
      }
      if (r.attempt() >= latest.getOrDefault(r.step(), 0)) {
        latest.put(r.step(), r.attempt());
        state.put(r.step(), r.state());
      }
    }
    String params = Json.write(plan.params());
    if (failure != null) {
      log.write(List.of(row(runId, plan, WorkflowTables.RUN_ROW, null, 1, "failed", params, null, failure, first, true, null)));
      return;
    }
    boolean done = plan.steps().stream()
        .allMatch(s -> "succeeded".equals(state.get(s.step().id())) || "skipped".equals(state.get(s.step().id())));
    if (done) {
      log.write(List.of(row(runId, plan, WorkflowTables.RUN_ROW, null, 1, "succeeded", params,
          plan.steps().size() + " steps succeeded", null, first, true, null)));
    }
  }

  /** A row of the run log; under a scheduler the run is one incarnation, {@code run_attempt} 1. */
  private static WorkflowRuns.Attempt row(String runId, WorkflowRunner.Plan plan, String step, String job, int attempt,
      String state, String params, String message, String error, Instant start, boolean ended, String outputs) {
    return WorkflowRuns.Attempt.now(runId, plan.spec().name(), step, job, attempt, 1, state, params, message, error,
        Timestamp.from(start), ended, outputs);
  }
}
