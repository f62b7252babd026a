package dev.esteira.jobs;

import dev.esteira.EsteiraException;
import dev.esteira.alerts.AlertEvent;
import dev.esteira.data.Datasets;
import dev.esteira.ml.ModelSpec;
import dev.esteira.monitor.ColumnProfile;
import dev.esteira.monitor.DriftDetector;
import dev.esteira.monitor.Monitoring;
import dev.esteira.monitor.Profiler;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import dev.esteira.scoring.Scorer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares a batch's stored profile with a baseline, the batch that arrived before it and optionally a
 * window of earlier batches: a dataset's columns (with or without a model) and, for a model, the
 * distribution of its production version's outputs (prediction drift).
 */
public final class DriftJob implements Job {
  @Override
  public String name() {
    return "drift";
  }

  @Override
  public String summary() {
    return "Compare a batch's profile with the baseline and the previous batch (a dataset, and a model's outputs); alert on drift";
  }

  @Override
  public List<JobParam> params() {
    return List.of(
        JobParam.optional("model", "model whose dataset and outputs to check (none: a dataset alone)", null),
        JobParam.required("batch", "profiled batch to compare"),
        JobParam.optional("dataset", "dataset (default: the model's dataset)", null),
        JobParam.optional("baseline", "baseline batch (default: the production version's training batch, "
            + "or without a model the batch tagged --baseline-tag)", null),
        JobParam.optional("baseline_tag", "dataset tag naming the baseline when there is no model", "training"),
        JobParam.optional("previous", "previous batch: a name, 'auto' (the batch that arrived before) or 'none'", "auto"),
        JobParam.optional("window", "also compare with the merged profiles of this many earlier batches (0: no)", "0")
            .as(JobParam.Type.WHOLE_NUMBER).must(JobParam.Rule.atLeast(0)),
        JobParam.optional("outputs", "with a model: also check its outputs' distribution (true|false)", "true")
            .as(JobParam.Type.BOOLEAN));
  }

  @Override
  public JobOutput run(JobContext ctx, JobParams p) {
    String modelName = p.get("model");
    ModelSpec spec = modelName == null ? null : ctx.model(modelName);
    String dataset = p.get("dataset", spec == null ? null : spec.dataset());
    if (dataset == null) {
      throw new EsteiraException("job 'drift': give --dataset or --model");
    }
    Datasets datasets = new Datasets(ctx.lake());
    ModelVersion production = spec == null ? null : new Registry(ctx.lake()).requireProduction(spec.name());
    String baseline = p.get("baseline");
    if (baseline == null) {
      baseline = production != null ? production.batch() : datasets.tagged(dataset, p.get("baseline_tag")).batch();
    }
    // Both checked with the parameters (type and rule), before anything ran.
    int window = p.integer("window");
    boolean checkOutputs = p.flag("outputs");
    DriftDetector detector = Monitoring.detector(ctx.lake(), ctx.config().drift());
    List<DriftDetector.DriftResult> results = new ArrayList<>();
    results.add(detector.compare(Profiler.datasetTarget(dataset), p.get("batch"), baseline, p.get("previous"), window));
    if (production != null && checkOutputs) {
      Profiler profiler = Monitoring.profiler(ctx.lake(), ctx.config().drift());
      String target = Profiler.modelTarget(spec.name(), production.version());
      if (profiler.stored(target, baseline).isEmpty()) {
        // The holdout's scores are not stored: the reference is the version's scores on its training batch.
        List<ColumnProfile> ref =
            new Scorer(ctx.lake()).profileOutputs(spec, datasets.readBatch(dataset, baseline), profiler);
        ctx.progress().report("profiled " + target + " outputs on baseline batch " + baseline + " (" + ref.get(0).rows() + " rows)");
      }
      if (profiler.stored(target, p.get("batch")).isEmpty()) {
        throw new EsteiraException(
            target + " has no scores for batch '" + p.get("batch") + "': run score first (or --outputs false)");
      }
      results.add(detector.compare(target, p.get("batch"), baseline, p.get("previous"), window));
    }
    List<String> alerts = new ArrayList<>();
    List<AlertEvent> events = new ArrayList<>();
    List<String> drifted = new ArrayList<>();
    int metrics = 0;
    for (DriftDetector.DriftResult r : results) {
      metrics += r.metrics().size();
      int before = alerts.size();
      for (String column : r.alertingColumns()) {
        drifted.add(r.target() + "." + column);
        List<String> why =
            r.metrics().stream()
                .filter(m -> m.metric().alerting() && m.column().equals(column))
                .map(m -> m.comparison() + " " + m.metric().metric() + "="
                    + String.format(Locale.ROOT, "%.4g", m.metric().value()))
                .toList();
        alerts.add("drift in " + r.target() + "." + column + " batch " + r.batch() + ": " + String.join(", ", why));
      }
      if (alerts.size() > before) {
        // One event per target and batch (its id derived from them): a person hears of a drifted batch once.
        events.add(AlertEvent.drift(modelName, dataset, r.target(), r.batch(),
            String.join("; ", alerts.subList(before, alerts.size()))));
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", modelName);
    out.put("dataset", dataset);
    out.put("batch", p.get("batch"));
    out.put("baseline", baseline);
    out.put("previous", results.get(0).previous());
    out.put("metrics", metrics);
    out.put("drifted_columns", drifted);
    String msg =
        drifted.isEmpty()
            ? "no drift in " + dataset + " batch " + p.get("batch") + " (" + metrics + " metrics)"
            : "DRIFT in " + dataset + " batch " + p.get("batch") + ": " + drifted;
    return new JobOutput(msg, out, alerts, events);
  }
}
