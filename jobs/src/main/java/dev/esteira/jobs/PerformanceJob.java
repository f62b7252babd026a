package dev.esteira.jobs;

import dev.esteira.alerts.AlertEvent;
import dev.esteira.ct.Policy;
import dev.esteira.ml.ModelSpec;
import dev.esteira.monitor.Alert;
import dev.esteira.monitor.GroundTruth;
import dev.esteira.monitor.PerformanceTables;
import dev.esteira.monitor.TaskPerformance;
import dev.esteira.scoring.PredictionStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Joins a model's stored predictions to the labels that have arrived and records, per version and
 * batch, the realized metrics and the estimated ones (CBPE); decay below the policy's threshold alerts.
 */
public final class PerformanceJob implements Job {
  @Override
  public String name() {
    return "performance";
  }

  @Override
  public String summary() {
    return "Measure every version and scored batch of a model on the labels that arrived (realized) and before them (estimated); alert on decay";
  }

  @Override
  public List<JobParam> params() {
    return List.of(
        JobParam.required("model", "model name"),
        JobParam.optional("labels", "dataset the labels arrive in (default: the policy's labels)", null),
        JobParam.optional("batch", "only this scored batch (default: every batch)", null));
  }

  @Override
  public List<String> outputs() {
    return List.of("decayed", "alerts", "realized_batches", "rows");
  }

  @Override
  public JobOutput run(JobContext ctx, JobParams p) {
    ModelSpec spec = ctx.model(p.get("model"));
    Policy policy = CtJobs.policy(ctx, spec);
    String labels = p.get("labels", policy.labels());
    TaskPerformance task = TaskPerformance.of(spec.task());
    String batch = p.get("batch");
    GroundTruth.Result r = new GroundTruth(ctx.lake(), task).evaluate(
        spec, new PredictionStore(ctx.lake()).scored(spec.name(), batch), labels, batch, policy.groundTruthDecay(spec.task()));
    long realized = r.measured().stream().filter(m -> m.kind().equals(PerformanceTables.REALIZED)).count();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", spec.name());
    out.put("labels", labels);
    out.put("realized_batches", realized);
    out.put("estimated_batches", r.measured().size() - realized);
    out.put("rows", r.rows());
    out.put("decayed", r.decayed());
    out.put("alerts", r.alerts().size());
    return new JobOutput(
        "performance of " + spec.name() + ": " + realized + " version-batches realized on " + labels + ", "
            + (r.measured().size() - realized) + " estimated" + (r.alerts().isEmpty() ? "" : ", " + r.alerts().size() + " decay alerts"),
        out, r.alerts().stream().map(Alert::message).toList())
        .withEvents(r.alerts().stream()
            .map(a -> AlertEvent.decay(spec.name(), a.version(), a.batch(), a.isRealizedDecay(), a.metric(), a.message()))
            .toList());
  }
}
