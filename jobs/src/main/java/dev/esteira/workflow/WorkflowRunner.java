package dev.esteira.workflow;

import static org.apache.spark.sql.functions.col;

import dev.esteira.EsteiraException;
import dev.esteira.Messages;
import dev.esteira.config.Json;
import dev.esteira.jobs.Job;
import dev.esteira.jobs.JobContext;
import dev.esteira.jobs.JobOutput;
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
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

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

  public RunResult run(Plan plan, boolean resume) {
    var lake = context.lake();
    var table = WorkflowTables.WORKFLOW_RUNS;
    Map<String, Integer> attemptsSoFar = new HashMap<>();
    Map<String, String> succeeded = new HashMap<>();
    if (resume) {
      List<Row> previous = lake.read(table).where(col("run_id").equalTo(plan.runId())).collectAsList();
      if (previous.isEmpty()) {
        throw new WorkflowException(
            "nothing to resume: workflow '" + plan.spec().name() + "' has no recorded run " + plan.runId()
                + " with these parameters");
      }
      for (Row r : previous) {
        String step = r.getAs("step");
        attemptsSoFar.merge(step, r.<Integer>getAs("attempt"), Math::max);
        if ("succeeded".equals(r.getAs("state"))) {
          succeeded.put(step, r.getAs("message"));
        }
      }
    } else {
      // A fresh run with the same identity replaces the record of the earlier one.
      lake.replace(table, lake.frame(table, List.of()), "run_id = '" + plan.runId() + "'");
    }
    int runAttempt = attemptsSoFar.getOrDefault(WorkflowTables.RUN_ROW, 0) + 1;
    Timestamp runStart = Timestamp.from(Instant.now());
    String paramsJson = Json.write(plan.params());
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
      context.progress().report(prefix + ": " + ps.job().name() + " " + ps.params());
      int attempt = attemptsSoFar.getOrDefault(id, 0);
      int maxAttempts = ps.retries() + 1;
      for (int tries = 1; tries <= maxAttempts; tries++) {
        attempt++;
        Instant start = Instant.now();
        try (StepHeartbeat beat = StepHeartbeat.start(lake.spark(), prefix, context.progress())) {
          JobOutput out = ps.job().run(context, ps.params());
          record(plan, ps, attempt, "succeeded", out.message(), null, start);
          context.progress().report(prefix + ": " + out.message() + " (" + seconds(start) + ")");
          out.alerts().forEach(a -> context.progress().report("ALERT " + a));
          outcomes.add(new StepOutcome(id, "succeeded", attempt, out.message(), out.alerts()));
          break;
        } catch (RuntimeException e) {
          String error = e instanceof EsteiraException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
          error = error == null ? "unknown error" : Messages.firstLine(error);
          record(plan, ps, attempt, "failed", null, error, start);
          if (tries < maxAttempts) {
            context.progress().report(prefix + ": attempt " + attempt + " failed (" + error + "), retrying");
            sleep(context.config().workflow().retryDelaySeconds(), tries);
          } else {
            failure = "workflow '" + plan.spec().name() + "' failed at step '" + id + "' after " + tries
                + (tries == 1 ? " attempt" : " attempts") + ": " + error;
            outcomes.add(new StepOutcome(id, "failed", attempt, error, List.of()));
          }
        }
      }
    }
    String state = failure == null ? "succeeded" : "failed";
    lake.append(
        WorkflowTables.WORKFLOW_RUNS,
        List.of(row(plan.runId(), plan.spec().name(), WorkflowTables.RUN_ROW, null, runAttempt, state,
            paramsJson, failure == null ? outcomes.size() + " steps succeeded" : null, failure, runStart)));
    if (failure != null) {
      throw new WorkflowException(failure + " (run " + plan.runId() + "; rerun with --resume to continue from it)");
    }
    return new RunResult(plan.runId(), plan.spec().name(), state, outcomes);
  }

  private void record(Plan plan, PlannedStep ps, int attempt, String state, String message, String error, Instant start) {
    // Attempts are numbered per run and step, so appending never duplicates a key.
    context.lake().append(
        WorkflowTables.WORKFLOW_RUNS,
        List.of(row(plan.runId(), plan.spec().name(), ps.step().id(), ps.job().name(), attempt, state,
            Json.write(ps.params().asMap()), message, error, Timestamp.from(start))));
  }

  private static Row row(String runId, String workflow, String step, String job, int attempt, String state,
      String params, String message, String error, Timestamp start) {
    Instant end = Instant.now();
    return RowFactory.create(runId, workflow, step, job, attempt, state, params, message, error, start,
        Timestamp.from(end), end.toEpochMilli() - start.getTime());
  }

  private static String seconds(Instant start) {
    return String.format(java.util.Locale.ROOT, "%.1fs", (Instant.now().toEpochMilli() - start.toEpochMilli()) / 1000.0);
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
