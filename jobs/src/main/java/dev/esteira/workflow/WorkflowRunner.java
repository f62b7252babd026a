package dev.esteira.workflow;


import dev.esteira.EsteiraException;
import dev.esteira.Messages;
import dev.esteira.config.Json;
import dev.esteira.jobs.Job;
import dev.esteira.jobs.JobContext;
import dev.esteira.jobs.JobParams;
import dev.esteira.jobs.Jobs;
import dev.esteira.lake.Fingerprints;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a workflow on one SparkSession: validates the whole DAG and every step's parameters before
 * anything runs, then runs the steps in dependency order, retrying as configured and recording every
 * attempt in {@code workflow_runs}. A run is identified by its workflow and parameters, so running the
 * same thing again replaces its record, and {@code resume} skips the steps that already succeeded.
 */
public final class WorkflowRunner {
  private final JobContext context;

  public WorkflowRunner(JobContext context) {
    this.context = context;
  }

  /** A step ready to run: its job and checked parameters. */
  public record PlannedStep(WorkflowSpec.Step step, Job job, JobParams params, int retries) {}

  public record Plan(WorkflowSpec spec, String runId, Map<String, String> params, List<PlannedStep> steps) {}

  public record StepOutcome(String step, String state, int attempts, String message, List<String> alerts) {}

  public record RunResult(String runId, String workflow, String state, List<StepOutcome> steps) {}

  /** Everything that can be checked without running: DAG, jobs, parameters, placeholders. */
  public Plan plan(WorkflowSpec spec, Map<String, String> overrides, String source) {
    return plan(spec, overrides, source, context.lake().root(), context.config().workflow().retries());
  }

  /**
   * Plans without Spark, so a bad workflow fails before a SparkSession is started. {@code lakehouseRoot}
   * fills {@code ${lakehouse}}. A run is identified by the workflow and the values of its own declared
   * parameters (built-ins such as {@code run_date} count only through a parameter that uses them).
   */
  public static Plan plan(
      WorkflowSpec spec, Map<String, String> overrides, String source, String lakehouseRoot, int configRetries) {
    for (String name : overrides.keySet()) {
      if (!spec.params().containsKey(name) && !name.equals("run_date")) {
        throw new WorkflowException(
            source + ": workflow '" + spec.name() + "' has no parameter '" + name + "' (parameters: "
                + spec.params().keySet() + ")");
      }
    }
    for (WorkflowSpec.Step s : spec.steps()) {
      if (!Jobs.exists(s.job())) {
        throw new WorkflowException(
            source + ": step '" + s.id() + "' uses unknown job '" + s.job() + "' (jobs: "
                + Jobs.all().stream().map(Job::name).toList() + ")");
      }
    }
    List<WorkflowSpec.Step> ordered = Dag.order(spec, source);
    checkConditions(spec, source);
    Map<String, String> raw = new LinkedHashMap<>();
    raw.put("lakehouse", lakehouseRoot.replaceFirst("^file:", ""));
    raw.put("workflow", spec.name());
    raw.put("run_date", LocalDate.now(ZoneOffset.UTC).toString());
    spec.params().forEach((k, v) -> raw.put(k, String.valueOf(v)));
    raw.putAll(overrides);
    Map<String, String> params = Templates.resolve(raw, source);
    int defaultRetries = spec.retries() != null ? spec.retries() : configRetries;
    List<PlannedStep> steps = new ArrayList<>();
    for (WorkflowSpec.Step s : ordered) {
      Map<String, String> with = new LinkedHashMap<>();
      String where = source + " step '" + s.id() + "'";
      s.with().forEach((k, v) -> with.put(k, Templates.fill(String.valueOf(v), params, where)));
      Job job = Jobs.get(s.job());
      steps.add(new PlannedStep(s, job, JobParams.of(job, with, where), s.retries() != null ? s.retries() : defaultRetries));
    }
    Map<String, String> identity = new TreeMap<>();
    spec.params().keySet().forEach(k -> identity.put(k, params.get(k)));
    String runId = spec.name() + "-" + Fingerprints.sha256(Json.write(identity)).substring(0, 12);
    return new Plan(spec, runId, params, steps);
  }

  /**
   * Checks every {@code when:} before anything runs: its form, that it names a step this one depends on
   * (directly or through its dependencies, so that it has run before), and an output that step's job
   * declares.
   */
  static void checkConditions(WorkflowSpec spec, String source) {
    Map<String, WorkflowSpec.Step> byId = new LinkedHashMap<>();
    spec.steps().forEach(s -> byId.put(s.id(), s));
    for (WorkflowSpec.Step s : spec.steps()) {
      if (s.when() == null) {
        continue;
      }
      String where = source + " step '" + s.id() + "'";
      Condition c = Condition.parse(s.when(), where);
      WorkflowSpec.Step ref = byId.get(c.step());
      if (ref == null) {
        throw new WorkflowException(where + ": when: names unknown step '" + c.step() + "' (steps: " + byId.keySet() + ")");
      }
      if (!upstream(byId, s).contains(c.step())) {
        throw new WorkflowException(
            where + ": when: names step '" + c.step() + "', which it does not depend on (add it to depends_on)");
      }
      List<String> outputs = Jobs.get(ref.job()).outputs();
      if (!outputs.contains(c.output())) {
        throw new WorkflowException(
            where + ": when: step '" + c.step() + "' (job " + ref.job() + ") has no output '" + c.output() + "' (outputs: "
                + (outputs.isEmpty() ? "none" : String.join(", ", outputs)) + ")");
      }
    }
  }

  private static java.util.Set<String> upstream(Map<String, WorkflowSpec.Step> byId, WorkflowSpec.Step s) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    java.util.Deque<String> todo = new java.util.ArrayDeque<>(s.dependsOn());
    while (!todo.isEmpty()) {
      String d = todo.pop();
      if (seen.add(d) && byId.containsKey(d)) {
        todo.addAll(byId.get(d).dependsOn());
      }
    }
    return seen;
  }

  /** The step's condition, or null when it always runs (checked when the plan was made). */
  static Condition condition(PlannedStep ps) {
    return ps.step().when() == null ? null : Condition.parse(ps.step().when(), "step '" + ps.step().id() + "'");
  }

  /** A step row's outputs as recorded (null when there are none or they cannot be read). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> outputsOf(WorkflowRuns.Attempt r) {
    String json = r.outputs();
    if (json == null) {
      return null;
    }
    try {
      return Json.read(json, Map.class);
    } catch (RuntimeException e) {
      return null;
    }
  }

  static String outputsJson(Map<String, Object> data) {
    try {
      return Json.write(data);
    } catch (RuntimeException e) {
      // Outputs that cannot be written as JSON are not available to conditions; the step still succeeded.
      return null;
    }
  }

  /**
   * Runs a plan, recording as it goes so that a process killed at any moment leaves a true record: the
   * run (step {@code '*'}) and each step attempt are written as {@code running} before they start, in the
   * same commit as the outcome of what came before. A run is one incarnation of the workflow with these
   * parameters ({@code run_attempt}); running again starts a new incarnation and never touches the
   * record of an earlier one, while {@code resume} continues the latest incarnation from its first step
   * that did not succeed, whether it failed or was killed.
   */
  public RunResult run(Plan plan, boolean resume) {
    var lake = context.lake();
    WorkflowRuns store = new WorkflowRuns(lake);
    List<WorkflowRuns.Attempt> previous = store.ofRun(plan.runId());
    int latestIncarnation = 0;
    Map<String, Integer> attemptsSoFar = new HashMap<>();
    for (WorkflowRuns.Attempt r : previous) {
      attemptsSoFar.merge(r.step(), r.attempt(), Math::max);
      if (r.isRunRow()) {
        latestIncarnation = Math.max(latestIncarnation, r.attempt());
      }
    }
    Map<String, String> succeeded = new HashMap<>();
    Map<String, Map<String, Object>> outputs = new HashMap<>();
    List<WorkflowRuns.Attempt> interrupted = new ArrayList<>();
    int incarnation;
    Timestamp runStart = Timestamp.from(Instant.now());
    if (resume) {
      if (latestIncarnation == 0) {
        throw new WorkflowException(
            "nothing to resume: workflow '" + plan.spec().name() + "' has no recorded run " + plan.runId()
                + " with these parameters");
      }
      incarnation = latestIncarnation;
      for (WorkflowRuns.Attempt r : previous) {
        Integer of = r.runAttempt();
        if (of == null || of != incarnation) {
          continue;
        }
        if ("succeeded".equals(r.state()) && !r.isRunRow()) {
          succeeded.put(r.step(), r.message());
          outputs.put(r.step(), outputsOf(r));
        }
        if (r.isRunRow()) {
          runStart = r.startedAt();
        }
      }
    } else {
      incarnation = latestIncarnation + 1;
    }
    for (WorkflowRuns.Attempt r : previous) {
      if ("running".equals(r.state())) {
        // Its process was killed: one runner per run at a time, so nothing runs it any more.
        interrupted.add(r.withState("interrupted", "the process running it stopped before it ended"));
      }
    }
    RunLog log = new RunLog(plan, incarnation, runStart);
    log.pending.addAll(interrupted);
    log.pending.add(log.runRow("running", null, null));
    // Ended rows wait for the next running row (or the run's end): one commit per step.
    StepAttempt step = new StepAttempt(context, plan, plan.runId(), incarnation, true, new StepAttempt.Rows() {
      @Override
      public void running(WorkflowRuns.Attempt row) {
        log.flush(row);
      }

      @Override
      public void ended(WorkflowRuns.Attempt row) {
        log.pending.add(row);
      }
    });
    List<StepOutcome> outcomes = new ArrayList<>();
    String failure = null;
    int index = 0;
    for (PlannedStep ps : plan.steps()) {
      index++;
      String id = ps.step().id();
      String prefix = "[" + index + "/" + plan.steps().size() + "] " + id;
      if (failure != null) {
        outcomes.add(new StepOutcome(id, "skipped", 0, "not run: an earlier step failed", List.of()));
        continue;
      }
      if (succeeded.containsKey(id)) {
        context.progress().report(prefix + ": already succeeded in this run, skipped");
        outcomes.add(new StepOutcome(id, "succeeded", 0, succeeded.get(id), List.of()));
        continue;
      }
      int attempt = attemptsSoFar.getOrDefault(id, 0);
      String why = step.skipIfFalse(ps, attempt + 1, prefix, s -> new StepAttempt.Upstream(outputs.containsKey(s), outputs.get(s)));
      if (why != null) {
        outcomes.add(new StepOutcome(id, "skipped", 0, why, List.of()));
        continue;
      }
      step.announce(ps, prefix);
      int maxAttempts = ps.retries() + 1;
      for (int tries = 1; tries <= maxAttempts; tries++) {
        attempt++;
        StepAttempt.Ended ended = step.run(ps, attempt, prefix);
        if (ended.failure() == null) {
          outputs.put(id, ended.outputs());
          outcomes.add(ended.outcome());
          break;
        }
        String error = ended.outcome().message();
        boolean retry = tries < maxAttempts && retryable(ended.failure());
        if (retry) {
          context.progress().report(prefix + ": attempt " + attempt + " failed (" + error + "), retrying");
          sleep(context.config().workflow().retryDelaySeconds(), tries);
        } else {
          failure = "workflow '" + plan.spec().name() + "' failed at step '" + id + "' after " + tries
              + (tries == 1 ? " attempt" : " attempts") + ": " + error;
          outcomes.add(ended.outcome());
          step.raiseStepFailed(ps, error);
          break;
        }
      }
    }
    if (failure == null) {
      // Deliveries an earlier run left pending (a receiver that was down) are tried again by each run.
      var alerts = new dev.esteira.alerts.Alerts(context.lake(), context.config().alerts(), context.progress());
      try {
        if (alerts.active()) {
          alerts.retry(false);
        }
      } catch (RuntimeException e) {
        // The run succeeded; what it could not deliver stays pending for the next run or `alerts retry`.
        context.progress().report("could not retry pending alerts: " + errorLine(e));
      }
    }
    String state = failure == null ? "succeeded" : "failed";
    long skipped = outcomes.stream().filter(o -> o.state().equals("skipped")).count();
    log.flush(log.runRow(state, failure == null
        ? (outcomes.size() - skipped) + " steps succeeded" + (skipped == 0 ? "" : ", " + skipped + " skipped by when:")
        : null, failure));
    if (failure != null) {
      throw new WorkflowException(failure + " (run " + plan.runId() + "; rerun with --resume to continue from it)");
    }
    return new RunResult(plan.runId(), plan.spec().name(), state, outcomes);
  }

  /**
   * The one line a failed attempt records, the same under the local runner and under Airflow: an
   * Esteira error's own message, anything else prefixed by its class (a bare NullPointerException says
   * little without it).
   */
  static String errorLine(RuntimeException e) {
    String error = e instanceof EsteiraException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    return error == null ? "unknown error" : Messages.firstLine(error);
  }

  /**
   * Whether a failed attempt may succeed if tried again: a commit conflict or an I/O error may pass; a
   * refused contract, a failed expectation, a refused gate or a bad parameter fails the same way again,
   * and retrying it would only write its refusal once more.
   */
  static boolean retryable(Throwable e) {
    if (e instanceof WorkflowException || e instanceof dev.esteira.config.ConfigException) {
      return false;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.util.ConcurrentModificationException || t instanceof java.io.IOException
          || t instanceof java.io.UncheckedIOException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * The run log of one incarnation: rows wait in {@code pending} and go out together with the next
   * {@code running} row, so each step costs one commit; rows are keyed (run_id, step, attempt), so
   * writing a row again replaces it.
   */
  private final class RunLog {
    final Plan plan;
    final int incarnation;
    final Timestamp runStart;
    final List<WorkflowRuns.Attempt> pending = new ArrayList<>();

    RunLog(Plan plan, int incarnation, Timestamp runStart) {
      this.plan = plan;
      this.incarnation = incarnation;
      this.runStart = runStart;
    }

    void flush(WorkflowRuns.Attempt row) {
      pending.add(row);
      new WorkflowRuns(context.lake()).write(new ArrayList<>(pending));
      pending.clear();
    }

    WorkflowRuns.Attempt runRow(String state, String message, String error) {
      boolean ended = !state.equals("running");
      return WorkflowRuns.Attempt.now(plan.runId(), plan.spec().name(), WorkflowTables.RUN_ROW, null, incarnation, incarnation, state,
          Json.write(plan.params()), message, error, runStart, ended, null);
    }
  }

  private static void sleep(Double delaySeconds, int attempt) {
    double d = delaySeconds == null ? 1.0 : delaySeconds;
    try {
      Thread.sleep((long) (d * 1000 * attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
