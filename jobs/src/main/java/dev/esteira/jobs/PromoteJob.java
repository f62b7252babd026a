package dev.esteira.jobs;

import dev.esteira.EsteiraException;
import dev.esteira.alerts.AlertEvent;
import dev.esteira.alerts.AlertingException;
import dev.esteira.ml.ModelSpec;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import dev.esteira.registry.Stage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Moves a model version to a stage through the spec's gates; a refusal is recorded and fails the job. */
public final class PromoteJob implements Job {
  @Override
  public String name() {
    return "promote";
  }

  @Override
  public String summary() {
    return "Promote a model version to staging or production through its metric gates";
  }

  // The stages a version can be promoted to: the registry refuses 'none' (Stage.parse reads any case).
  private static final List<String> TARGETS =
      Arrays.stream(Stage.values()).filter(s -> s != Stage.NONE).map(Stage::label).toList();

  @Override
  public List<JobParam> params() {
    return List.of(
        JobParam.required("model", "model name"),
        JobParam.required("stage", "target stage").must(JobParam.Rule.oneOfAnyCase(TARGETS)),
        JobParam.optional("version", "version to promote (default: the newest registered)", null)
            .as(JobParam.Type.WHOLE_NUMBER).must(JobParam.Rule.atLeast(1)),
        JobParam.optional("reason", "why, for the audit trail", null));
  }

  @Override
  public JobOutput run(JobContext ctx, JobParams p) {
    ModelSpec spec = ctx.model(p.get("model"));
    Registry registry = new Registry(ctx.lake());
    Integer version = p.integer("version");
    if (version == null) {
      List<ModelVersion> all = registry.versions(spec.name());
      if (all.isEmpty()) {
        throw new EsteiraException("unknown model '" + spec.name() + "': no version registered");
      }
      version = all.get(all.size() - 1).version();
    }
    Registry.TransitionResult r =
        registry.promote(spec, version, Stage.parse(p.get("stage")), ctx.actor(), p.get("reason"));
    String stage = Stage.parse(p.get("stage")).label();
    if (!r.accepted()) {
      throw new AlertingException(r.message(), List.of(event(r, stage)));
    }
    return JobOutput.of(r.message(), describe(r)).withEvents(List.of(event(r, stage)));
  }

  /**
   * The promotion as an alert event: the model, version and stage identify it, so a rerun that finds the
   * version already promoted (or refused again) raises the same event, which is then not sent twice.
   */
  static AlertEvent event(Registry.TransitionResult r, String stage) {
    return AlertEvent.promotion(r.version().model(), r.version().version(), stage, r.accepted(), "", r.message());
  }

  public static Map<String, Object> describe(Registry.TransitionResult r) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("model", r.version().model());
    data.put("version", r.version().version());
    data.put("from", r.from().label());
    data.put("to", r.to().label());
    data.put("accepted", r.accepted());
    data.put("unchanged", r.unchanged());
    data.put("gates", r.gates());
    return data;
  }
}
