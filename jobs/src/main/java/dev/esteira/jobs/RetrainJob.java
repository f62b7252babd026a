package dev.esteira.jobs;

import dev.esteira.ct.ContinuousTraining;
import dev.esteira.ct.Policy;
import dev.esteira.ml.ModelSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Retrains a model on the window its policy chooses, registers the candidate, gives it the challenger
 * alias and shadow-scores the batches after its window. Fails when the policy does not retrain now.
 */
public final class RetrainJob implements Job {
  @Override
  public String name() {
    return "retrain";
  }

  @Override
  public String summary() {
    return "Retrain on the policy's window of labelled batches; the candidate becomes the challenger and scores in shadow";
  }

  @Override
  public List<JobParam> params() {
    return List.of(
        JobParam.required("model", "model name"),
        JobParam.required("batch", "the batch of the night: names the window batch"));
  }

  @Override
  public List<String> outputs() {
    return List.of("version", "challenger");
  }

  @Override
  public JobOutput run(JobContext ctx, JobParams p) {
    ModelSpec spec = ctx.model(p.get("model"));
    Policy policy = CtJobs.policy(ctx, spec);
    ContinuousTraining ct = new ContinuousTraining(ctx.lake(), ctx.config(), ctx.progress());
    ContinuousTraining.Decision d = ct.decide(spec, policy, p.get("batch"));
    ContinuousTraining.Retrained r = ct.retrain(spec, ctx.dataset(spec.dataset()), policy, d, p.get("batch"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", spec.name());
    out.put("version", r.candidate().version());
    out.put("challenger", r.challenger());
    out.put("trigger", d.trigger());
    out.put("window", d.window().batches());
    out.put("shadow_scored", r.shadowScored());
    return JobOutput.of(r.message(), out);
  }
}
