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
    var ct = new ContinuousTraining(ctx.lake(), ctx.config(), ctx.progress());
    var policy = CtJobs.policy(ctx, spec);
    var rollout = ct.rollout(spec, policy);
    if (rollout.isPresent()) {
      return rollout(spec, rollout.get());
    }
    if (policy.rollout() != null) {
      Map<String, Object> none = new LinkedHashMap<>();
      none.put("model", spec.name());
      none.put("state", "none");
      none.put("promoted", false);
      return JobOutput.of("no challenger on trial in " + spec.name() + "'s rollout", none);
    }
    ContinuousTraining.Challenge c = ct.challenge(spec, policy);
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

  /** A rollout's nightly look as this step's output: the same keys, with the decision and its interval. */
  private static JobOutput rollout(ModelSpec spec, dev.esteira.ct.Rollouts.Look look) {
    var d = look.decision();
    String state = switch (d.action()) {
      case WAIT -> "waiting";
      case HOLD -> "held";
      case WIDEN -> "widened";
      case PROMOTE -> look.message().startsWith("promoted") ? "promoted" : "refused";
      case ROLLBACK -> "rolled_back";
    };
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", spec.name());
    out.put("state", state);
    out.put("promoted", state.equals("promoted"));
    out.put("challenger", look.routing().challenger());
    out.put("champion", look.routing().champion());
    out.put("experiment", look.routing().experiment());
    out.put("metric", look.metric());
    out.put("share", d.share());
    out.put("next_share", d.nextShare());
    out.put("estimate", finite(d.look().estimate()));
    out.put("lower", finite(d.look().lower()));
    out.put("upper", finite(d.look().upper()));
    out.put("labelled", d.look().rows());
    out.put("rows_needed", d.rowsNeeded() < 0 ? null : d.rowsNeeded());
    List<AlertEvent> events = switch (state) {
      case "promoted", "refused" -> List.of(AlertEvent.promotion(spec.name(), look.routing().challenger(), "production",
          state.equals("promoted"), "rollout " + look.routing().experiment(), look.message()));
      case "rolled_back" -> List.of(AlertEvent.rollback(spec.name(), look.routing().challenger(),
          "rollout " + look.routing().experiment(), look.message()));
      default -> List.of();
    };
    return new JobOutput(look.message(), out, state.equals("rolled_back") ? List.of(look.message()) : List.of(), events);
  }

  private static Double finite(double d) {
    return Double.isFinite(d) ? d : null;
  }
}
