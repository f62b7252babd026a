package dev.esteira.jobs;

import dev.esteira.EsteiraException;
import dev.esteira.alerts.AlertEvent;
import dev.esteira.data.Datasets;
import dev.esteira.ml.ModelSpec;
import dev.esteira.monitor.ColumnProfile;
import dev.esteira.monitor.DriftDetector;
import dev.esteira.monitor.Monitoring;
import dev.esteira.monitor.Profiler;
import dev.esteira.monitor.stats.ColumnDrift;
import dev.esteira.monitor.stats.HistoryAnomalies;
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
    List<Map<String, Object>> drifted = new ArrayList<>();
    List<Map<String, Object>> inconclusive = new ArrayList<>();
    List<Map<String, Object>> insufficient = new ArrayList<>();
    List<Map<String, Object>> verdicts = new ArrayList<>();
    List<Map<String, Object>> anomalies = new ArrayList<>();
    int metrics = 0;
    int columns = 0;
    for (DriftDetector.DriftResult r : results) {
      metrics += r.metrics().size();
      int before = alerts.size();
      Map<String, String> decisions = DriftJob.decisions(r);
      columns += decisions.size();
      decisions.forEach((column, decision) -> {
        switch (decision) {
          case "drift" -> drifted.add(named(r.target(), column));
          case "inconclusive" -> inconclusive.add(named(r.target(), column));
          case "insufficient_data" -> insufficient.add(named(r.target(), column));
          default -> { }
        }
      });
      for (String column : r.alertingColumns()) {
        List<String> why =
            r.metrics().stream()
                .filter(m -> m.metric().alerting() && m.column().equals(column))
                .map(m -> m.comparison() + " " + m.metric().metric() + "="
                    + String.format(Locale.ROOT, "%.4g", m.metric().value()) + (m.metric().exact() ? " (exact)" : ""))
                .toList();
        alerts.add("drift in " + column + " (" + r.target() + ") batch " + r.batch() + ": " + String.join(", ", why));
      }
      for (String u : r.unresolved()) {
        inconclusive.stream().filter(m -> m.get("target").equals(r.target()) && u.startsWith(m.get("column") + " ("))
            .forEach(m -> m.put("why", u.substring(u.indexOf(": ") + 2)));
      }
      for (DriftDetector.Metric m : r.metrics()) {
        if (m.kind().equals(DriftDetector.HISTORY) && m.metric().alerting()) {
          Map<String, Object> a = named(r.target(), m.column());
          a.put("metric", m.metric().metric());
          a.put("robust_z", m.metric().value());
          a.put("threshold", m.metric().threshold());
          anomalies.add(a);
          alerts.add("anomaly in " + (m.column().equals(HistoryAnomalies.BATCH) ? "the batch" : m.column()) + " ("
              + r.target() + ") batch " + r.batch() + ": " + m.metric().metric() + "="
              + String.format(Locale.ROOT, "%.3g", m.metric().value()) + " against the " + m.referenceBatch().split(",").length
              + " batches before it (cut " + m.metric().threshold() + ")");
        }
      }
      for (DriftDetector.DatasetVerdict v : r.datasetVerdicts()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", r.target());
        m.put("comparison", v.comparison());
        m.put("reference", v.reference());
        m.put("drift", v.verdict().drift());
        m.put("columns_tested", v.verdict().tested());
        m.put("columns", v.verdict().drifted());
        m.put("simes_p", v.verdict().tested() == 0 ? null : v.verdict().simesP());
        m.put("false_alarm_rate", ctx.config().drift().datasetLevel());
        verdicts.add(m);
        if (v.verdict().drift()) {
          alerts.add("dataset drift of " + r.target() + " batch " + r.batch() + " against " + v.comparison() + " "
              + v.reference() + ": " + String.join(", ", v.verdict().drifted()) + " of " + v.verdict().tested()
              + " columns (Benjamini-Hochberg, false-alarm rate " + ctx.config().drift().datasetLevel() + ")");
        }
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
    out.put("columns", columns);
    out.put("drifted_columns", drifted);
    out.put("inconclusive_columns", inconclusive);
    out.put("insufficient_data_columns", insufficient);
    out.put("dataset_drift", verdicts);
    out.put("history_anomalies", anomalies);
    boolean datasetDrift = verdicts.stream().anyMatch(v -> Boolean.TRUE.equals(v.get("drift")));
    String where = dataset + " batch " + p.get("batch");
    StringBuilder msg = new StringBuilder(
        drifted.isEmpty() ? "no drift in " + where + " (" + columns + " columns, " + metrics + " metrics)"
            : "DRIFT in " + where + ": " + names(drifted));
    if (datasetDrift) {
      msg.append("; dataset verdict: drift");
    }
    if (!inconclusive.isEmpty()) {
      msg.append("; INCONCLUSIVE (not resolvable from the rows, see inconclusive_columns): ").append(names(inconclusive));
    }
    if (!anomalies.isEmpty()) {
      msg.append("; history anomalies: ").append(anomalies.stream()
          .map(a -> (a.get("column").equals(HistoryAnomalies.BATCH) ? "" : a.get("column") + " ") + a.get("metric"))
          .collect(java.util.stream.Collectors.joining(", ")));
    }
    if (!insufficient.isEmpty()) {
      msg.append("; insufficient data: ").append(names(insufficient));
    }
    return new JobOutput(msg.toString(), out, alerts, events);
  }

  /** A column as users know it, with the target it belongs to. */
  private static Map<String, Object> named(String target, String column) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("column", column);
    m.put("target", target);
    return m;
  }

  /** "income, purpose" for a dataset's columns; a model's outputs with their target beside them. */
  private static String names(List<Map<String, Object>> columns) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> c : columns) {
      String target = (String) c.get("target");
      out.add(target.startsWith("dataset:") ? (String) c.get("column") : c.get("column") + " (" + target + ")");
    }
    return String.join(", ", out);
  }

  /**
   * Each column's decision over every comparison: {@code drift} if a metric alerted, else
   * {@code inconclusive} if one still is, else {@code insufficient_data} if a side had too few values,
   * else {@code ok}. The dataset verdict's and the history anomalies' rows are not a column's drift.
   */
  static Map<String, String> decisions(DriftDetector.DriftResult r) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (DriftDetector.Metric m : r.metrics()) {
      if (m.kind().equals(DriftDetector.DATASET_KIND) || m.kind().equals(DriftDetector.HISTORY)) {
        continue;
      }
      String now = m.metric().alerting() ? "drift"
          : m.metric().status() == ColumnDrift.Status.INCONCLUSIVE ? "inconclusive"
          : m.metric().status() == ColumnDrift.Status.INSUFFICIENT_DATA ? "insufficient_data" : "ok";
      out.merge(m.column(), now, (a, b) -> RANK.indexOf(a) <= RANK.indexOf(b) ? a : b);
    }
    return out;
  }

  private static final List<String> RANK = List.of("drift", "inconclusive", "insufficient_data", "ok");
}
