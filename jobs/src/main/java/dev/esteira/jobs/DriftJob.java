package dev.esteira.jobs;

import dev.esteira.ml.ModelSpec;
import dev.esteira.monitor.DriftDetector;
import dev.esteira.registry.Registry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Compares a batch's stored profile with the training baseline and the previous batch. */
public final class DriftJob implements Job {
  @Override
  public String name() {
    return "drift";
  }

  @Override
  public String summary() {
    return "Compare a batch's profile with the training baseline and the previous batch; alert on drift";
  }

  @Override
  public List<JobParam> params() {
    return List.of(
        JobParam.required("model", "model whose features and baseline to use"),
        JobParam.required("batch", "profiled batch to compare"),
        JobParam.optional("dataset", "dataset (default: the model's dataset)", null),
        JobParam.optional("baseline", "baseline batch (default: the production version's training batch)", null),
        JobParam.optional("previous", "previous batch: a name, 'auto' (the batch before by name) or 'none'", "auto"));
  }

  @Override
  public JobOutput run(JobContext ctx, JobParams p) {
    ModelSpec spec = ctx.model(p.get("model"));
    String dataset = p.get("dataset", spec.dataset());
    String baseline = p.get("baseline");
    if (baseline == null) {
      baseline = new Registry(ctx.lake()).requireProduction(spec.name()).batch();
    }
    DriftDetector.DriftResult r =
        new DriftDetector(ctx.lake(), ctx.config().drift())
            .compare(spec.name(), dataset, p.get("batch"), baseline, p.get("previous"));
    List<String> alerts = new ArrayList<>();
    for (String column : r.alertingColumns()) {
      List<String> why =
          r.metrics().stream()
              .filter(m -> m.alerting() && m.column().equals(column))
              .map(m -> m.comparison() + " " + m.metric() + "=" + String.format(java.util.Locale.ROOT, "%.4g", m.value()))
              .toList();
      alerts.add("drift in " + dataset + "." + column + " batch " + r.batch() + ": " + String.join(", ", why));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", spec.name());
    out.put("dataset", dataset);
    out.put("batch", r.batch());
    out.put("baseline", baseline);
    out.put("previous", r.previous());
    out.put("metrics", r.metrics().size());
    out.put("drifted_columns", r.alertingColumns());
    String msg =
        r.alertingColumns().isEmpty()
            ? "no drift in " + dataset + " batch " + r.batch() + " (" + r.metrics().size() + " metrics)"
            : "DRIFT in " + dataset + " batch " + r.batch() + ": " + r.alertingColumns();
    return new JobOutput(msg, out, alerts);
  }
}
