package dev.esteira.jobs;

import dev.esteira.data.Datasets;
import dev.esteira.ml.ModelSpec;
import dev.esteira.monitor.Monitoring;
import dev.esteira.scoring.Scorer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Scores a dataset batch with the model's production version and logs every prediction. */
public final class ScoreJob implements Job {
  @Override
  public String name() {
    return "score";
  }

  @Override
  public String summary() {
    return "Score a dataset batch with the production model and profile its outputs; rescoring replaces that version's predictions";
  }

  @Override
  public List<JobParam> params() {
    return List.of(
        JobParam.required("model", "model name"),
        JobParam.required("batch", "dataset batch to score"),
        JobParam.optional("dataset", "dataset to read (default: the model's dataset)", null));
  }

  @Override
  public JobOutput run(JobContext ctx, JobParams p) {
    ModelSpec spec = ctx.model(p.get("model"));
    String dataset = p.get("dataset", spec.dataset());
    var data = new Datasets(ctx.lake()).readBatch(dataset, p.get("batch"));
    Scorer.ScoreResult r =
        new Scorer(ctx.lake()).score(spec, data, Monitoring.profiler(ctx.lake(), ctx.config().drift()));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", spec.name());
    out.put("version", r.version().version());
    out.put("dataset", dataset);
    out.put("batch", r.batch());
    out.put("rows", r.rows());
    // No probability (regression, k-means): null rather than NaN, which JSON cannot carry.
    out.put("mean_probability", Double.isNaN(r.meanProbability()) ? null : r.meanProbability());
    return JobOutput.of(
        "scored " + r.rows() + " rows of " + dataset + " batch " + r.batch() + " with " + spec.name() + " v"
            + r.version().version(),
        out);
  }
}
