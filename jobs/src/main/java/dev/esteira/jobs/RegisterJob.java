package dev.esteira.jobs;

import dev.esteira.EsteiraException;
import dev.esteira.ml.Run;
import dev.esteira.ml.Runs;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Registers a training run's model as a new model version with its lineage and checksum. */
public final class RegisterJob implements Job {
  @Override
  public String name() {
    return "register";
  }

  @Override
  public String summary() {
    return "Register a training run's model as a new version in the registry";
  }

  @Override
  public List<JobParam> params() {
    return List.of(
        JobParam.required("model", "model name"),
        JobParam.optional("run_id", "run to register (default: the model's newest succeeded run)", null));
  }

  /** Its one write is the registration, a Kernel append (reads of runs and models go through Kernel too). */
  @Override
  public List<dev.esteira.lake.MetaTable> writesWithoutSpark() {
    return List.of(dev.esteira.registry.RegistryTables.MODELS);
  }

  @Override
  public JobOutput run(JobContext ctx, JobParams p) {
    String model = ctx.model(p.get("model")).name();
    Run run =
        p.get("run_id") == null
            ? Runs.latest(ctx.lake(), model)
                .orElseThrow(() -> new EsteiraException("model '" + model + "' has no succeeded run to register"))
            : Runs.find(ctx.lake(), p.get("run_id"))
                .orElseThrow(() -> new EsteiraException("unknown run '" + p.get("run_id") + "'"));
    if (!run.model().equals(model)) {
      throw new EsteiraException("run '" + run.runId() + "' trained model '" + run.model() + "', not '" + model + "'");
    }
    ModelVersion v = new Registry(ctx.lake()).register(run);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("model", v.model());
    data.put("version", v.version());
    data.put("run_id", v.runId());
    data.put("stage", v.stage().label());
    data.put("artifact_sha256", v.artifactSha256());
    return JobOutput.of(
        v.model() + " v" + v.version() + " registered from run " + v.runId() + " (stage " + v.stage().label() + ")",
        data);
  }
}
