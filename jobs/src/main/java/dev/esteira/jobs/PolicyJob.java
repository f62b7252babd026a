package dev.esteira.jobs;

import dev.esteira.ct.ContinuousTraining;
import dev.esteira.ml.ModelSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Says whether the model's policy retrains it now, and why: outputs for a workflow's {@code when:}. */
public final class PolicyJob implements Job {
  @Override
  public String name() {
    return "policy";
  }

  @Override
  public String summary() {
    return "Decide from the model's policy (drift, decay, schedule) whether to retrain it, and on which labelled batches";
  }

  @Override
  public List<JobParam> params() {
    return List.of(
        JobParam.required("model", "model name"),
        JobParam.required("batch", "the batch of the night (for the record)"));
  }

  @Override
  public List<String> outputs() {
    return List.of("retrain", "trigger", "window", "challenger");
  }

  @Override
  public JobOutput run(JobContext ctx, JobParams p) {
    ModelSpec spec = ctx.model(p.get("model"));
    ContinuousTraining.Decision d =
        new ContinuousTraining(ctx.lake(), ctx.config(), ctx.progress()).decide(spec, CtJobs.policy(ctx, spec), p.get("batch"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", spec.name());
    out.put("retrain", d.retrain());
    out.put("trigger", d.trigger());
    out.put("window", d.window().batches());
    out.put("challenger", d.challenger() != null);
    out.put("reason", d.reason());
    return JobOutput.of((d.retrain() ? "retrain " : "no retraining of ") + spec.name() + ": " + d.reason(), out);
  }
}
