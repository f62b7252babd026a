package dev.esteira.jobs;

import dev.esteira.alerts.AlertEvent;
import dev.esteira.ct.ContinuousTraining;
import dev.esteira.ml.ModelSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares the challenger with the champion on the same recent labelled rows and, with enough of them,
 * promotes it or refuses it (both written to the transition log). A refusal is the policy working, not
 * a failed step.
 */
public final class ChallengeJob implements Job {
  @Override
  public String name() {
    return "challenge";
  }

  @Override
  public String summary() {
    return "Promote the challenger when it beats the champion on the same recent labelled rows by the gate's margin; refuse it otherwise";
  }

  @Override
  public List<JobParam> params() {
    return List.of(JobParam.required("model", "model name"));
  }

  @Override
  public List<String> outputs() {
    return List.of("state", "promoted");
  }

  @Override
  public JobOutput run(JobContext ctx, JobParams p) {
    ModelSpec spec = ctx.model(p.get("model"));
    ContinuousTraining.Challenge c =
        new ContinuousTraining(ctx.lake(), ctx.config(), ctx.progress()).challenge(spec, CtJobs.policy(ctx, spec));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", spec.name());
    out.put("state", c.state());
    out.put("promoted", c.state().equals("promoted"));
    out.put("challenger", c.challenger());
    out.put("champion", c.champion());
    out.put("challenger_value", c.challengerValue());
    out.put("champion_value", c.championValue());
    out.put("labelled", c.labelled());
    out.put("batches", c.batches());
    List<AlertEvent> events = c.state().equals("promoted") || c.state().equals("refused")
        // The champion it was measured against is part of the decision: a later challenge is another event.
        ? List.of(AlertEvent.promotion(spec.name(), c.challenger(), "production", c.state().equals("promoted"),
            "challenge of v" + c.champion(), c.message()))
        : List.of();
    return new JobOutput(c.message(), out, c.state().equals("refused") ? List.of("challenger refused: " + c.message()) : List.of(),
        events);
  }
}
