package dev.esteira.jobs;

import dev.esteira.alerts.AlertEvent;
import dev.esteira.data.Datasets;
import dev.esteira.explain.AttributionDrift;
import dev.esteira.explain.ImportanceStore;
import dev.esteira.explain.Importances;
import dev.esteira.ml.ModelSpec;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A version's global feature importance on its holdout and, given a labelled batch, on that batch too,
 * compared with the holdout's: attribution drift, alerted through the alert routes as a drift event.
 */
public final class ImportanceJob implements Job {
  @Override
  public String name() {
    return "importance";
  }

  @Override
  public String summary() {
    return "Permutation importance of a version's features on its holdout and, with --batch, on a labelled batch; "
        + "alert when the ranking or share of the top features moves (attribution drift)";
  }

  @Override
  public List<JobParam> params() {
    return List.of(
        JobParam.required("model", "model name"),
        JobParam.optional("version", "model version or alias (default: the production version)", null),
        JobParam.optional("batch", "a labelled batch to compare with the holdout (none: the holdout only)", null),
        JobParam.optional("dataset", "dataset of the batch (default: the model's dataset)", null),
        JobParam.optional("top", "how many top columns (of either side) are watched", "3")
            .as(JobParam.Type.WHOLE_NUMBER).must(JobParam.Rule.atLeast(1)),
        JobParam.optional("max_rank_shift", "alert when a watched column's rank moves by more than this", "1")
            .as(JobParam.Type.WHOLE_NUMBER).must(JobParam.Rule.atLeast(0)),
        JobParam.optional("max_share_change", "alert when a watched column's share of importance moves by more "
            + "than this (0..1)", "0.15")
            .must(JobParam.Rule.matches("0(\\.\\d+)?|1(\\.0+)?", "a number from 0 to 1")));
  }

  @Override
  public JobOutput run(JobContext ctx, JobParams p) {
    ModelSpec spec = ctx.model(p.get("model"));
    Registry registry = new Registry(ctx.lake());
    ModelVersion v = p.get("version") == null
        ? registry.requireProduction(spec.name()) : registry.resolve(spec.name(), p.get("version"));
    Importances importances = new Importances(ctx.lake(), ctx.progress());
    List<ImportanceStore.Entry> holdout = importances.onHoldout(spec, v);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", spec.name());
    out.put("version", v.version());
    out.put("metric", Importances.metric(spec));
    out.put("holdout", table(holdout));
    String subject = spec.name() + " v" + v.version();
    StringBuilder msg = new StringBuilder("importance of " + subject + " on its holdout (" + Importances.metric(spec)
        + " worsening when shuffled): " + words(holdout));
    if (p.get("batch") == null) {
      return JobOutput.of(msg.toString(), out);
    }
    String dataset = p.get("dataset", spec.dataset());
    var data = new Datasets(ctx.lake()).readBatch(dataset, p.get("batch"));
    List<ImportanceStore.Entry> recent = importances.onBatch(spec, v, data);
    out.put("batch", p.get("batch"));
    out.put("recent", table(recent));
    AttributionDrift.Verdict verdict = AttributionDrift.compare(ranked(holdout), ranked(recent), p.integer("top"),
        p.integer("max_rank_shift"), Double.parseDouble(p.get("max_share_change")));
    List<Map<String, Object>> moves = new ArrayList<>();
    for (AttributionDrift.Move m : verdict.moves()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("column", m.column());
      row.put("holdout_rank", m.referenceRank());
      row.put("recent_rank", m.recentRank());
      row.put("holdout_share", m.referenceShare());
      row.put("recent_share", m.recentShare());
      row.put("beyond_bound", m.beyond());
      moves.add(row);
    }
    out.put("attribution_drift", verdict.drift());
    out.put("moves", moves);
    msg.append("\n  on batch ").append(p.get("batch")).append(": ").append(words(recent));
    if (!verdict.drift()) {
      msg.append("\n  no attribution drift");
      return JobOutput.of(msg.toString(), out);
    }
    String alert = "attribution drift of " + subject + " batch " + p.get("batch") + " against its holdout: "
        + verdict.evidence();
    msg.append("\n  ATTRIBUTION DRIFT: ").append(verdict.evidence());
    String target = "attribution:" + spec.name() + ":v" + v.version();
    return new JobOutput(msg.toString(), out, List.of(alert),
        List.of(AlertEvent.drift(spec.name(), dataset, target, p.get("batch"), alert)));
  }

  private static List<AttributionDrift.Ranked> ranked(List<ImportanceStore.Entry> entries) {
    return entries.stream().map(e -> new AttributionDrift.Ranked(e.column(), e.importance(), e.rank())).toList();
  }

  private static String words(List<ImportanceStore.Entry> entries) {
    return String.join(", ", entries.stream()
        .map(e -> String.format(Locale.ROOT, "%d. %s %.4g [%.4g, %.4g]", e.rank(), e.column(), e.importance(),
            e.importanceLow(), e.importanceHigh()))
        .toList());
  }

  private static List<Map<String, Object>> table(List<ImportanceStore.Entry> entries) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ImportanceStore.Entry e : entries) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("column", e.column());
      m.put("rank", e.rank());
      m.put("importance", e.importance());
      m.put("low", e.importanceLow());
      m.put("high", e.importanceHigh());
      m.put("model_importance", e.modelImportance());
      out.add(m);
    }
    return out;
  }
}
