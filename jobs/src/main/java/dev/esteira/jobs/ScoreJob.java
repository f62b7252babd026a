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
    // Scoring is row by row (a row's id routes it): a small batch is read on the driver.
    var data = new Datasets(ctx.lake()).readBatchForRowWork(dataset, p.get("batch"));
    var profiler = Monitoring.profiler(ctx.lake(), ctx.config().drift());
    var routing = new dev.esteira.ct.ContinuousTraining(ctx.lake(), ctx.config(), ctx.progress())
        .routing(spec, CtJobs.policy(ctx, spec));
    if (routing.isPresent()) {
      return routed(spec, dataset, new Scorer(ctx.lake()).score(spec, routing.get(), data, profiler));
    }
    Scorer.ScoreResult r = new Scorer(ctx.lake()).score(spec, data, profiler);
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

  private static JobOutput routed(ModelSpec spec, String dataset, Scorer.RoutedResult r) {
    var routing = r.routing();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", spec.name());
    out.put("version", routing.champion());
    out.put("dataset", dataset);
    out.put("batch", r.batch());
    out.put("rows", r.servedByChampion() + r.servedByChallenger());
    out.put("mean_probability", Double.isNaN(r.champion().meanProbability()) ? null : r.champion().meanProbability());
    out.put("experiment", routing.experiment());
    out.put("challenger", routing.challenger());
    out.put("share", routing.share());
    out.put("served", Map.of("v" + routing.champion(), r.servedByChampion(), "v" + routing.challenger(), r.servedByChallenger()));
    out.put("shadow", routing.shadow());
    return JobOutput.of("scored " + (r.servedByChampion() + r.servedByChallenger()) + " rows of " + dataset + " batch "
        + r.batch() + " in experiment " + routing.experiment() + ": v" + routing.challenger() + " served "
        + r.servedByChallenger() + " (share " + routing.share() + "%), v" + routing.champion() + " served "
        + r.servedByChampion() + (routing.shadow() ? "; each scored the other's rows in shadow" : ""), out);
  }
}
