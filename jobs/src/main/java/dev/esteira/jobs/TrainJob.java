package dev.esteira.jobs;

import dev.esteira.data.Datasets;
import dev.esteira.ml.ModelSpec;
import dev.esteira.ml.Trainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Trains and evaluates a model spec on one dataset batch; the run goes to {@code runs}. */
public final class TrainJob implements Job {
  @Override
  public String name() {
    return "train";
  }

  @Override
  public String summary() {
    return "Train a model declared in conf/models/ on a dataset batch and evaluate it on a seeded holdout";
  }

  @Override
  public List<JobParam> params() {
    return List.of(
        JobParam.required("model", "model name (conf/models/NAME.yaml)"),
        JobParam.optional("batch", "dataset batch to train on (default: the spec's batch)", null),
        JobParam.flag("force", "retrain even when a run with the same inputs exists"));
  }

  @Override
  public JobOutput run(JobContext ctx, JobParams p) {
    ModelSpec spec = ctx.model(p.get("model"));
    String batch = p.get("batch", spec.batch());
    if (batch == null) {
      throw new dev.esteira.EsteiraException("model '" + spec.name() + "': give --batch (the spec names none)");
    }
    var data = new Datasets(ctx.lake()).readBatch(spec.dataset(), batch);
    Trainer.TrainResult r = new Trainer(ctx.lake(), ctx.progress()).train(spec, data, p.flag("force"));
    // Global importance on the holdout, once per run (a reused run keeps the importances it has).
    var importance = new dev.esteira.explain.Importances(ctx.lake(), ctx.progress()).onHoldout(spec, r.run(), data.frame());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("run_id", r.run().runId());
    out.put("model", spec.name());
    out.put("dataset", spec.dataset());
    out.put("dataset_version", r.run().datasetVersion());
    out.put("metrics", r.run().metrics());
    out.put("reused", r.reused());
    out.put("importance", importance.stream().map(e -> e.column()).toList());
    String msg =
        (r.reused() ? "run " + r.run().runId() + " already exists for these inputs"
                    : "trained " + spec.name() + " as run " + r.run().runId())
            + ": " + spec.task().metricNames().stream()
                .map(m -> m + "=" + fmt(r.run().metrics().get(m))).collect(java.util.stream.Collectors.joining(" "));
    return JobOutput.of(msg, out);
  }

  static String fmt(Double d) {
    return d == null ? "n/a" : String.format(java.util.Locale.ROOT, "%.4f", d);
  }
}
