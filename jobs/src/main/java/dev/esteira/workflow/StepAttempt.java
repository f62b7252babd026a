package dev.esteira.workflow;

import dev.esteira.alerts.AlertEvent;
import dev.esteira.alerts.AlertingException;
import dev.esteira.alerts.Alerts;
import dev.esteira.config.Json;
import dev.esteira.jobs.JobContext;
import dev.esteira.jobs.JobOutput;
import dev.esteira.lake.CrashPoints;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One attempt of one step, the same for the local runner ({@link WorkflowRunner}, with retries and
 * resume) and for one step under Airflow ({@link StepRunner}): its {@code when:} (a skipped row), or a
 * running row, the job and a succeeded or failed row, with their progress lines and outcome. Written
 * once so that the two runners leave the same rows and say the same things; only how rows reach
 * {@code workflow_runs} differs (see {@link Rows}).
 */
final class StepAttempt {
  /** How the rows of an attempt are written. */
  interface Rows {
    /** The running row: written before the job starts, so that a killed process leaves a true trace. */
    void running(WorkflowRuns.Attempt row);

    /**
     * A skipped, succeeded or failed row: the local runner holds it for its next commit (one commit per
     * step), Airflow writes it at once and updates the run's own row.
     */
    void ended(WorkflowRuns.Attempt row);
  }

  /** What a {@code when:} looks at: whether the step it names succeeded, and that step's outputs. */
  record Upstream(boolean ran, Map<String, Object> outputs) {}

  /**
   * How an attempt that ran ended: its outcome, the job's outputs when it succeeded, and the error
   * when it failed (null when it succeeded), for the runner to retry or raise.
   */
  record Ended(WorkflowRunner.StepOutcome outcome, Map<String, Object> outputs, RuntimeException failure) {}

  private final JobContext context;
  private final WorkflowRunner.Plan plan;
  private final String runId;
  private final int runAttempt;
  private final boolean local;
  private final Rows rows;

  /**
   * {@code runAttempt}: the run's incarnation the rows belong to. {@code local}: the local runner runs
   * many steps in one process, so it reports a heartbeat and the time a step took, and has the
   * {@code workflow.step-done} crash point; under Airflow the scheduler shows a task's duration itself.
   */
  StepAttempt(JobContext context, WorkflowRunner.Plan plan, String runId, int runAttempt, boolean local, Rows rows) {
    this.context = context;
    this.plan = plan;
    this.runId = runId;
    this.runAttempt = runAttempt;
    this.local = local;
    this.rows = rows;
  }

  /**
   * When the step's {@code when:} is false given {@code upstream} (by step id), records the step as
   * skipped (attempt {@code attempt}) and reports it: the reason; null when the step is to run.
   */
  String skipIfFalse(WorkflowRunner.PlannedStep ps, int attempt, String prefix, Function<String, Upstream> upstream) {
    Condition condition = WorkflowRunner.condition(ps);
    if (condition == null) {
      return null;
    }
    Upstream u = upstream.apply(condition.step());
    if (condition.holds(u.outputs())) {
      return null;
    }
    String why = "when: " + condition + " is false" + (u.ran() ? "" : " (step '" + condition.step() + "' did not run)");
    rows.ended(row(ps, attempt, "skipped", why, null, Instant.now(), true, null));
    context.progress().report(prefix + ": skipped, " + why);
    return why;
  }

  /** The line saying the step starts: once for a step, however many attempts it takes. */
  void announce(WorkflowRunner.PlannedStep ps, String prefix) {
    context.progress().report(prefix + ": " + ps.job().name() + " " + ps.params());
  }

  /** Runs the job once as attempt {@code attempt}, recording it as running, then succeeded or failed. */
  Ended run(WorkflowRunner.PlannedStep ps, int attempt, String prefix) {
    String id = ps.step().id();
    Instant start = Instant.now();
    rows.running(row(ps, attempt, "running", null, null, start, false, null));
    CrashPoints.reach("workflow.step-started:" + id);
    // A null resource is allowed and not closed: no heartbeat under Airflow.
    try (StepHeartbeat beat = local ? StepHeartbeat.start(context.lake().spark(), prefix, context.progress()) : null) {
      JobOutput out = ps.job().run(context, ps.params());
      if (local) {
        CrashPoints.reach("workflow.step-done:" + id);
      }
      out.alerts().forEach(a -> context.progress().report("ALERT " + a));
      // Delivered before the step is recorded as ended: a process killed in between reruns the step (or
      // resumes at it), which makes the same events again, and those already sent are not sent twice.
      alerts().raise(out.events());
      List<AlertEvent> failing = out.events().stream()
          .filter(e -> ps.step().failOnKinds().contains(e.kind().label())).toList();
      if (!failing.isEmpty()) {
        String error = out.message() + "; failed by fail_on_alert: " + failing.size() + " alert"
            + (failing.size() == 1 ? "" : "s") + " (" + String.join(", ", failing.stream().map(e -> e.kind().label()).distinct().toList())
            + ")";
        rows.ended(row(ps, attempt, "failed", null, error, start, true, null));
        return new Ended(new WorkflowRunner.StepOutcome(id, "failed", attempt, error, out.alerts()), null,
            new WorkflowException(error));
      }
      rows.ended(row(ps, attempt, "succeeded", out.message(), null, start, true, WorkflowRunner.outputsJson(out.data())));
      context.progress().report(prefix + ": " + out.message() + (local ? " (" + seconds(start) + ")" : ""));
      return new Ended(new WorkflowRunner.StepOutcome(id, "succeeded", attempt, out.message(), out.alerts()), out.data(), null);
    } catch (RuntimeException e) {
      if (e instanceof AlertingException a) {
        raiseQuietly(a.events(), ps);
      }
      String error = WorkflowRunner.errorLine(e);
      rows.ended(row(ps, attempt, "failed", null, error, start, true, null));
      return new Ended(new WorkflowRunner.StepOutcome(id, "failed", attempt, error, List.of()), null, e);
    }
  }

  /**
   * Tells people a step failed for good in this run (the local runner: after its last retry; under
   * Airflow, whose tries share one incarnation: its first failed try, the later ones being the same
   * event); a failure to deliver never hides the step's.
   */
  void raiseStepFailed(WorkflowRunner.PlannedStep ps, String error) {
    raiseQuietly(List.of(AlertEvent.stepFailed(plan.spec().name(), runId, runAttempt, ps.step().id(), error)), ps);
  }

  /** Delivers the events of a step that failed anyway: a failure to deliver is reported, never replaces the step's. */
  private void raiseQuietly(List<AlertEvent> events, WorkflowRunner.PlannedStep ps) {
    try {
      alerts().raise(events);
    } catch (RuntimeException e) {
      context.progress().report("could not deliver the alerts of step " + ps.step().id() + ": " + WorkflowRunner.errorLine(e));
    }
  }

  private Alerts alerts() {
    return new Alerts(context.lake(), context.config().alerts(), context.progress());
  }

  private WorkflowRuns.Attempt row(WorkflowRunner.PlannedStep ps, int attempt, String state, String message, String error,
      Instant start, boolean ended, String outputs) {
    return WorkflowRuns.Attempt.now(runId, plan.spec().name(), ps.step().id(), ps.job().name(), attempt, runAttempt, state,
        Json.write(ps.params().asMap()), message, error, Timestamp.from(start), ended, outputs);
  }

  private static String seconds(Instant start) {
    return String.format(java.util.Locale.ROOT, "%.1fs", (Instant.now().toEpochMilli() - start.toEpochMilli()) / 1000.0);
  }
}
