package dev.esteira.report;

import dev.esteira.data.DatasetVersion;
import dev.esteira.data.Datasets;
import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.Fairness;
import dev.esteira.ml.Metric;
import dev.esteira.ml.ModelSpec;
import dev.esteira.ml.Run;
import dev.esteira.ml.Runs;
import dev.esteira.ml.Trainer;
import dev.esteira.registry.Gates;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import dev.esteira.registry.Transition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The model card of a version (governance): what it is for and who owns it, its risk level and what that
 * does to its gates, the data and dataset version it learnt from, its metrics overall and per slice, the
 * fairness gaps across slices, its gates, lineage and every transition. One document, as a map (JSON) or
 * as Markdown; built only from the registry, the runs, the dataset versions and the spec the artifact
 * recorded (the current spec file when the artifact records none).
 */
public final class ModelCard {
  private ModelCard() {}

  public static Map<String, Object> build(Lakehouse lake, Registry registry, ModelVersion v, ModelSpec currentSpec) {
    Optional<ModelSpec> recorded = Trainer.recordedSpec(lake, v.artifactPath());
    ModelSpec spec = recorded.orElse(currentSpec);
    Optional<Run> run = Runs.find(lake, v.runId());
    Map<String, Map<String, Double>> slices = run.map(Run::sliceMetrics).orElse(Map.of());

    Map<String, Object> card = new LinkedHashMap<>();
    card.put("model", v.model());
    card.put("version", v.version());
    card.put("stage", v.stage().label());
    card.put("aliases", v.aliases());
    card.put("tags", new TreeMap<>(v.tags()));
    card.put("description", v.description() != null ? v.description() : spec.description());
    card.put("purpose", spec.purpose());
    card.put("owner", spec.owner());
    card.put("task", spec.task().label());
    Map<String, Object> risk = new LinkedHashMap<>();
    risk.put("level", spec.risk().label());
    risk.put("tightening", spec.risk().fraction());
    risk.put("rule", "each gate threshold moves " + percent(spec.risk().fraction())
        + " of the way from its declared value towards the metric's ideal value");
    card.put("risk", risk);
    card.put("spec_source", recorded.isPresent() ? "recorded in the artifact" : "current spec file");

    Map<String, Object> model = new LinkedHashMap<>();
    model.put("estimator", spec.estimator().type());
    model.put("params", run.map(Run::params).orElse(null));
    model.put("label", spec.label());
    model.put("features_numeric", spec.features().numeric());
    model.put("features_categorical", spec.features().categorical());
    model.put("seed", spec.split().seed());
    model.put("train_fraction", spec.split().train());
    model.put("spark_version", run.map(Run::sparkVersion).orElse(null));
    model.put("code_version", v.codeVersion());
    model.put("config_hash", v.configHash());
    model.put("artifact_path", v.artifactPath());
    model.put("artifact_sha256", v.artifactSha256());
    card.put("model_details", model);

    Map<String, Object> data = new LinkedHashMap<>();
    data.put("dataset", v.dataset());
    data.put("batch", v.batch());
    data.put("dataset_version", v.datasetVersion());
    data.put("train_rows", run.map(Run::trainRows).orElse(null));
    data.put("holdout_rows", run.map(Run::holdoutRows).orElse(null));
    List<Map<String, Object>> versions = new ArrayList<>();
    if (v.dataset() != null) {
      for (DatasetVersion dv : new Datasets(lake).versions(v.dataset())) {
        if (!dv.batch().equals(v.batch())) {
          continue;
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("version", dv.version());
        d.put("trained_on", v.datasetVersion() != null && dv.version() == v.datasetVersion());
        d.put("rows", dv.rowCount());
        d.put("content_fingerprint", dv.contentFingerprint());
        d.put("contract", dv.contractStatus());
        d.put("expectations", dv.expectationsStatus());
        d.put("created_at", String.valueOf(dv.createdAt()));
        versions.add(d);
      }
    }
    data.put("batch_versions", versions);
    card.put("data", data);

    List<Map<String, Object>> metrics = new ArrayList<>();
    for (Metric m : spec.task().metrics()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("metric", m.name());
      row.put("value", v.metrics().get(m.name()));
      row.put("direction", m.direction());
      metrics.add(row);
    }
    card.put("metrics", metrics);
    card.put("slice_metrics", new TreeMap<>(slices));

    ModelSpec.Gate production = spec.gates().get("production");
    List<Map<String, Object>> gaps = new ArrayList<>();
    for (Fairness.Gap g : Fairness.gaps(slices, spec.slices(), spec.task())) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("slice", g.column());
      row.put("metric", g.metric());
      row.put("gap", g.gap());
      row.put("best", g.best());
      row.put("best_value", g.bestValue());
      row.put("worst", g.worst());
      row.put("worst_value", g.worstValue());
      Double bound = production == null ? null
          : production.maxGap().getOrDefault(g.column(), Map.of()).get(g.metric());
      Double effective = bound == null ? null : spec.risk().tighten(bound, 0.0, false);
      row.put("bound", effective);
      row.put("within_bound", effective == null ? null : g.gap() <= effective);
      gaps.add(row);
    }
    card.put("fairness_gaps", gaps);

    List<Map<String, Object>> gates = new ArrayList<>();
    for (String stage : new TreeSet<>(spec.gates().keySet())) {
      for (Gates.Threshold t : Gates.thresholds(spec, stage)) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("stage", stage);
        row.put("check", t.check());
        row.put("declared", t.declared());
        row.put("in_force", t.effective());
        gates.add(row);
      }
      ModelSpec.Gate g = spec.gates().get(stage);
      if (g.beatChampion() != null) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("stage", stage);
        row.put("check", "beat champion on " + g.beatChampion() + " by " + g.minDelta());
        row.put("declared", g.minDelta());
        row.put("in_force", g.minDelta());
        gates.add(row);
      }
    }
    card.put("gates", gates);

    Map<String, Object> lineage = new LinkedHashMap<>();
    lineage.put("run_id", v.runId());
    lineage.put("run_started_at", run.map(r -> String.valueOf(r.startedAt())).orElse(null));
    lineage.put("run_ended_at", run.map(r -> String.valueOf(r.endedAt())).orElse(null));
    lineage.put("registered_at", String.valueOf(v.createdAt()));
    card.put("lineage", lineage);

    // Global importance on the holdout (computed when the version's run was trained; none before #19).
    List<Map<String, Object>> importance = new ArrayList<>();
    for (dev.esteira.explain.ImportanceStore.Entry e
        : new dev.esteira.explain.ImportanceStore(lake).of(v.model(), v.runId(), dev.esteira.explain.ImportanceStore.HOLDOUT)) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("rank", e.rank());
      row.put("column", e.column());
      row.put("metric", e.metric());
      row.put("permutation_importance", e.importance());
      row.put("low", e.importanceLow());
      row.put("high", e.importanceHigh());
      row.put("repeats", e.repeats());
      row.put("rows", e.rows());
      row.put("model_importance", e.modelImportance());
      row.put("model_importance_kind", e.modelImportanceKind());
      importance.add(row);
    }
    card.put("feature_importance", importance);

    List<Map<String, Object>> transitions = new ArrayList<>();
    for (Transition t : registry.transitions(v.model())) {
      if (t.version() != v.version()) {
        continue;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("seq", t.seq());
      row.put("at", String.valueOf(t.at()));
      row.put("change", t.summary().trim());
      row.put("accepted", t.accepted());
      row.put("actor", t.actor());
      row.put("reason", t.reason());
      row.put("gates", t.gates().stream().map(gr -> gr.check() + (gr.passed() ? " passed" : " FAILED")
          + " (" + num(gr.value()) + " vs " + num(gr.threshold()) + ")").toList());
      transitions.add(row);
    }
    card.put("transitions", transitions);
    return card;
  }

  /** The card as Markdown. */
  @SuppressWarnings("unchecked")
  public static String markdown(Map<String, Object> c) {
    StringBuilder md = new StringBuilder();
    md.append("# Model card: ").append(c.get("model")).append(" v").append(c.get("version")).append("\n\n");
    Map<String, Object> risk = (Map<String, Object>) c.get("risk");
    table(md, row("", ""), row(
        row("stage", c.get("stage")),
        row("aliases", String.join(", ", (List<String>) c.get("aliases"))),
        row("task", c.get("task")),
        row("purpose", c.get("purpose")),
        row("owner", c.get("owner")),
        row("risk", risk.get("level") + ": " + risk.get("rule")),
        row("description", c.get("description")),
        row("spec", c.get("spec_source"))));

    md.append("\n## Model\n\n");
    Map<String, Object> model = (Map<String, Object>) c.get("model_details");
    List<List<Object>> rows = new ArrayList<>();
    model.forEach((k, v) -> rows.add(row(k, v instanceof List<?> l ? String.join(", ", (List<String>) l) : v)));
    table(md, row("", ""), rows);

    md.append("\n## Data\n\n");
    Map<String, Object> data = (Map<String, Object>) c.get("data");
    md.append("Trained on dataset `").append(data.get("dataset")).append("`, batch `").append(data.get("batch"))
        .append("`, version ").append(data.get("dataset_version")).append(" (").append(data.get("train_rows"))
        .append(" training rows, ").append(data.get("holdout_rows")).append(" holdout rows). Versions of that batch:\n\n");
    List<List<Object>> dv = new ArrayList<>();
    for (Map<String, Object> d : (List<Map<String, Object>>) data.get("batch_versions")) {
      dv.add(row(d.get("version") + (Boolean.TRUE.equals(d.get("trained_on")) ? " (trained on)" : ""),
          d.get("rows"), d.get("content_fingerprint"), d.get("contract"), d.get("expectations"), d.get("created_at")));
    }
    table(md, row("version", "rows", "content fingerprint", "contract", "expectations", "ingested at"), dv);

    md.append("\n## Metrics (holdout)\n\n");
    List<List<Object>> ms = new ArrayList<>();
    for (Map<String, Object> m : (List<Map<String, Object>>) c.get("metrics")) {
      ms.add(row(m.get("metric"), num((Double) m.get("value")), m.get("direction")));
    }
    table(md, row("metric", "value", "direction"), ms);

    Map<String, Map<String, Double>> slices = (Map<String, Map<String, Double>>) c.get("slice_metrics");
    List<Map<String, Object>> importance = (List<Map<String, Object>>) c.getOrDefault("feature_importance", List.of());
    md.append("\n## Feature importance (holdout)\n\n");
    if (importance.isEmpty()) {
      md.append("Not computed for this version (`esteira importance --model M --version V` computes it).\n");
    } else {
      Map<String, Object> first = importance.get(0);
      md.append("Permutation importance: how much ").append(first.get("metric")).append(" worsens when the column is "
          + "shuffled (mean and range over ").append(first.get("repeats")).append(" shuffles of ").append(first.get("rows"))
          .append(" holdout rows); the model's own importance where MLlib has one (")
          .append(first.get("model_importance_kind") == null ? "none" : first.get("model_importance_kind")).append(").\n\n");
      List<List<Object>> irows = new ArrayList<>();
      for (Map<String, Object> r : importance) {
        irows.add(row(r.get("rank"), r.get("column"), num((Double) r.get("permutation_importance")),
            "[" + num((Double) r.get("low")) + ", " + num((Double) r.get("high")) + "]", num((Double) r.get("model_importance"))));
      }
      table(md, row("rank", "column", "importance", "range", "model's own"), irows);
    }
    md.append("\n## Metrics per slice\n\n");
    if (slices.isEmpty()) {
      md.append("No slices declared.\n");
    } else {
      List<String> names = new ArrayList<>();
      for (Map<String, Object> m : (List<Map<String, Object>>) c.get("metrics")) {
        names.add((String) m.get("metric"));
      }
      List<Object> headers = new ArrayList<>(List.of("slice", "rows"));
      headers.addAll(names);
      List<List<Object>> sr = new ArrayList<>();
      slices.forEach((slice, values) -> {
        List<Object> r = new ArrayList<>();
        r.add(slice);
        Double n = values.get("rows");
        r.add(n == null ? "" : String.valueOf(n.longValue()));
        for (String name : names) {
          r.add(num(values.get(name)));
        }
        sr.add(r);
      });
      table(md, headers, sr);
    }

    md.append("\n## Fairness gaps across slices\n\n")
        .append("The gap of a metric across a slice column is its best slice value minus its worst (absolute); "
            + "a production gate's `max_gap` bounds it.\n\n");
    List<List<Object>> fr = new ArrayList<>();
    for (Map<String, Object> g : (List<Map<String, Object>>) c.get("fairness_gaps")) {
      fr.add(row(g.get("slice"), g.get("metric"), num((Double) g.get("gap")),
          g.get("best") + " (" + num((Double) g.get("best_value")) + ")",
          g.get("worst") + " (" + num((Double) g.get("worst_value")) + ")",
          g.get("bound") == null ? "-" : num((Double) g.get("bound")) + (Boolean.TRUE.equals(g.get("within_bound")) ? " ok" : " EXCEEDED")));
    }
    table(md, row("slice", "metric", "gap", "best", "worst", "bound"), fr);

    md.append("\n## Gates\n\n");
    List<List<Object>> gr = new ArrayList<>();
    for (Map<String, Object> g : (List<Map<String, Object>>) c.get("gates")) {
      gr.add(row(g.get("stage"), g.get("check"), num((Double) g.get("declared")), num((Double) g.get("in_force"))));
    }
    table(md, row("stage", "check", "declared", "in force (risk " + risk.get("level") + ")"), gr);

    md.append("\n## Lineage\n\n");
    List<List<Object>> lr = new ArrayList<>();
    ((Map<String, Object>) c.get("lineage")).forEach((k, v) -> lr.add(row(k, v)));
    table(md, row("", ""), lr);

    md.append("\n## Transitions\n\n");
    List<List<Object>> tr = new ArrayList<>();
    for (Map<String, Object> t : (List<Map<String, Object>>) c.get("transitions")) {
      tr.add(row(t.get("seq"), t.get("at"), t.get("change"), t.get("actor"), t.get("reason"),
          String.join("; ", (List<String>) t.get("gates"))));
    }
    table(md, row("seq", "at", "change", "actor", "reason", "gates"), tr);
    return md.toString();
  }

  private static void table(StringBuilder md, List<?> headers, List<?> rows) {
    md.append('|');
    headers.forEach(h -> md.append(' ').append(h).append(" |"));
    md.append("\n|");
    headers.forEach(h -> md.append(" --- |"));
    md.append('\n');
    for (Object r : rows) {
      md.append('|');
      for (Object o : (List<?>) r) {
        md.append(' ').append(o == null ? "" : String.valueOf(o).replace("|", "\\|").replace("\n", " ")).append(" |");
      }
      md.append('\n');
    }
    if (rows.isEmpty()) {
      md.append("|").append(" |".repeat(headers.size())).append('\n');
    }
  }

  static String num(Double d) {
    return d == null ? "" : d.isNaN() ? "NaN" : String.format(Locale.ROOT, "%.4f", d);
  }

  private static String percent(double f) {
    return String.format(Locale.ROOT, "%.0f%%", f * 100);
  }

  /** A table row that may hold nulls (List.of refuses them). */
  private static List<Object> row(Object... cells) {
    return java.util.Arrays.asList(cells);
  }
}
