package dev.esteira.jobs;

import dev.esteira.ct.ContinuousTraining;
import dev.esteira.ml.ModelSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Scores a batch with the model's challenger, beside the champion's predictions; nothing without one. */
public final class ShadowScoreJob implements Job {
  @Override
  public String name() {
    return "shadow";
  }

  @Override
  public String summary() {
    return "Score a batch with the challenger in shadow (its predictions stored beside the champion's); no-op without a challenger";
  }

  @Override
  public List<JobParam> params() {
    return List.of(JobParam.required("model", "model name"), JobParam.required("batch", "dataset batch to score"));
  }

  @Override
  public List<String> outputs() {
    return List.of("challenger");
  }

  @Override
  public JobOutput run(JobContext ctx, JobParams p) {
    ModelSpec spec = ctx.model(p.get("model"));
    var ct = new ContinuousTraining(ctx.lake(), ctx.config(), ctx.progress());
    var routing = ct.routing(spec, CtJobs.policy(ctx, spec));
    if (routing.isPresent()) {
      // A rollout's challenger serves its share in the score step, which scored the rest in shadow.
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("model", spec.name());
      out.put("challenger", routing.get().challenger());
      out.put("batch", p.get("batch"));
      return JobOutput.of("challenger " + spec.name() + " v" + routing.get().challenger() + " is in experiment "
          + routing.get().experiment() + ": the score step routed " + p.get("batch"), out);
    }
    var v = ct.shadow(spec, p.get("batch"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", spec.name());
    out.put("challenger", v.orElse(null));
    out.put("batch", p.get("batch"));
    return JobOutput.of(v.map(x -> "challenger " + spec.name() + " v" + x + " scored " + p.get("batch") + " in shadow")
        .orElse("no challenger of " + spec.name() + " to shadow-score"), out);
  }
}
