package dev.esteira.report;

import static dev.esteira.report.Html.esc;
import static dev.esteira.report.Html.num;

import dev.esteira.EsteiraException;
import dev.esteira.Progress;
import dev.esteira.data.DatasetVersion;
import dev.esteira.data.Datasets;
import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.ModelSpec;
import dev.esteira.monitor.ColumnProfile;
import dev.esteira.monitor.DriftStore;
import dev.esteira.monitor.ProfileStore;
import dev.esteira.monitor.Target;
import dev.esteira.registry.GateResult;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import dev.esteira.registry.RegistryTables;
import dev.esteira.registry.Stage;
import dev.esteira.registry.Transition;
import dev.esteira.scoring.PredictionStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.spark.sql.Row;

/**
 * Self-contained HTML reports: one file per model (versions, metrics, scoring and prediction drift per
 * batch, shadow comparisons, performance, model card) and one per monitored dataset (drift over time,
 * distributions from the stored profiles, null rates). Charts are inline SVG; the pages hold no script
 * and no external URL, so they open anywhere with no network.
 */
public final class Reports {
  private final Lakehouse lake;
  private final Function<String, ModelSpec> specs;
  private final Progress progress;

  /** {@code specs}: the current spec of a model by name (its card falls back on it when the artifact records none). */
  public Reports(Lakehouse lake, Function<String, ModelSpec> specs, Progress progress) {
    this.lake = lake;
    this.specs = specs;
    this.progress = progress;
  }

  /** What was written. */
  public record Written(String kind, String name, Path file) {}

  /** Every registered model, sorted. */
  public List<String> models() {
    return new Registry(lake).models();
  }

  /** Every dataset with stored profiles (a monitored dataset), sorted. */
  public List<String> monitoredDatasets() {
    return new ArrayList<>(new ProfileStore(lake).monitoredDatasets());
  }

  /**
   * Writes the reports of the given models and datasets (null: all of them) into {@code out}, plus an
   * index. Each file is written to a temporary name and moved into place, so a failed build leaves no
   * half-written report.
   */
  public List<Written> write(Path out, List<String> modelNames, List<String> datasetNames) {
    List<String> models = modelNames == null ? models() : modelNames;
    List<String> datasets = datasetNames == null ? monitoredDatasets() : datasetNames;
    List<String> knownModels = modelNames == null ? models : models();
    for (String m : models) {
      if (!knownModels.contains(m)) {
        throw new EsteiraException("report: unknown model '" + m + "' (registered: " + String.join(", ", knownModels) + ")");
      }
    }
    List<String> knownDatasets = datasetNames == null ? datasets : monitoredDatasets();
    for (String d : datasets) {
      if (!knownDatasets.contains(d)) {
        throw new EsteiraException("report: dataset '" + d + "' has no stored profiles (monitored: "
            + String.join(", ", knownDatasets) + "); run `esteira profile --dataset " + d + " --batch B` first");
      }
    }
    if (models.isEmpty() && datasets.isEmpty()) {
      throw new EsteiraException("report: the lakehouse " + lake.root() + " has no registered model and no monitored dataset");
    }
    Map<String, String> pages = new LinkedHashMap<>();
    List<Written> written = new ArrayList<>();
    int total = models.size() + datasets.size();
    int i = 0;
    for (String m : models) {
      i++;
      progress.report("report [" + i + "/" + total + "] model " + m + ": reading the registry, runs, predictions and drift");
      pages.put(fileName("model", m), modelPage(m));
      written.add(new Written("model", m, out.resolve(fileName("model", m))));
    }
    for (String d : datasets) {
      i++;
      progress.report("report [" + i + "/" + total + "] dataset " + d + ": reading versions, profiles and drift");
      pages.put(fileName("dataset", d), datasetPage(d));
      written.add(new Written("dataset", d, out.resolve(fileName("dataset", d))));
    }
    pages.put("index.html", index(written));
    try {
      Files.createDirectories(out);
      for (Map.Entry<String, String> p : pages.entrySet()) {
        Path tmp = out.resolve("." + p.getKey() + ".tmp");
        Files.writeString(tmp, p.getValue(), StandardCharsets.UTF_8);
        Files.move(tmp, out.resolve(p.getKey()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new EsteiraException("report: cannot write into " + out + ": " + e.getMessage());
    }
    written.add(new Written("index", "index", out.resolve("index.html")));
    return written;
  }

  static String fileName(String kind, String name) {
    return kind + "-" + name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".html";
  }

  private String subtitle() {
    return "Esteira report · lakehouse " + lake.root() + " · generated " + Instant.now().toString().replaceFirst("\\.\\d+Z$", "Z");
  }

  private String index(List<Written> written) {
    StringBuilder b = new StringBuilder("<ul>");
    for (Written w : written) {
      b.append("<li>").append(esc(w.kind())).append(" <a href=\"").append(esc(w.file().getFileName().toString()))
          .append("\">").append(esc(w.name())).append("</a></li>");
    }
    b.append("</ul>");
    return Html.page("Esteira reports", subtitle(), null, Html.section("reports", "Reports", null, b.toString()));
  }

  // ---------------------------------------------------------------- model

  /** The HTML page of one model. */
  public String modelPage(String model) {
    Registry registry = new Registry(lake);
    List<ModelVersion> versions = registry.versions(model);
    List<Transition> log = registry.transitions(model);
    StringBuilder body = new StringBuilder();

    // Versions.
    List<List<String>> rows = new ArrayList<>();
    TreeSet<String> metricNames = new TreeSet<>();
    for (ModelVersion v : versions) {
      metricNames.addAll(v.metrics().keySet());
    }
    for (ModelVersion v : versions) {
      List<String> r = new ArrayList<>();
      r.add("v" + v.version());
      r.add("<span class=\"tag st-" + v.stage().label() + "\" data-version=\"" + v.version() + "\" data-stage=\""
          + v.stage().label() + "\">" + esc(v.stage().label()) + "</span>");
      r.add(esc(String.join(", ", v.aliases())));
      r.add(esc(v.dataset() + " v" + v.datasetVersion() + " (" + v.batch() + ")"));
      r.add(esc(v.runId()));
      r.add(esc(v.createdAt()));
      for (String m : metricNames) {
        Double d = v.metrics().get(m);
        r.add("<span class=\"n\">" + (d == null ? "" : num(d)) + "</span>");
      }
      rows.add(r);
    }
    List<String> header = new ArrayList<>(List.of("version", "stage", "aliases", "trained on", "run", "registered"));
    header.addAll(metricNames);
    Map<String, double[]> byVersion = new LinkedHashMap<>();
    for (ModelVersion v : versions) {
      double[] vals = new double[metricNames.size()];
      int k = 0;
      for (String m : metricNames) {
        vals[k++] = v.metrics().getOrDefault(m, Double.NaN);
      }
      byVersion.put("v" + v.version(), vals);
    }
    String versionsBody = versions.isEmpty()
        ? Html.empty("No version registered.")
        : Html.table(header, rows, "versions")
            + "<div class=\"charts\">" + Svg.bars("metrics-by-version", "Holdout metrics per version",
                new ArrayList<>(metricNames), byVersion, "value") + "</div>";
    body.append(Html.section("versions", "Versions", "Each registered version with its current stage and aliases "
        + "(replayed from the registry's log) and its holdout metrics from training.", versionsBody));

    // Scoring per batch, per version (several versions on one batch: a shadow comparison).
    PredictionStore predictions = new PredictionStore(lake);
    List<PredictionStore.BatchSummary> perBatch = predictions.summaries(model);
    List<String> batches = new ArrayList<>();
    Set<Integer> scoredVersions = new TreeSet<>();
    for (PredictionStore.BatchSummary r : perBatch) {
      if (!batches.contains(r.batch())) {
        batches.add(r.batch());
      }
      scoredVersions.add(r.version());
    }
    Map<String, double[]> rowsSeries = new LinkedHashMap<>();
    Map<String, double[]> probSeries = new LinkedHashMap<>();
    Map<String, double[]> posSeries = new LinkedHashMap<>();
    for (int v : scoredVersions) {
      double[] a = nans(batches.size());
      double[] p = nans(batches.size());
      double[] q = nans(batches.size());
      for (PredictionStore.BatchSummary r : perBatch) {
        if (r.version() == v) {
          int i = batches.indexOf(r.batch());
          a[i] = r.rows();
          p[i] = r.meanProbability() == null ? Double.NaN : r.meanProbability();
          q[i] = r.meanPrediction();
        }
      }
      rowsSeries.put("v" + v, a);
      probSeries.put("v" + v, p);
      posSeries.put("v" + v, q);
    }
    String scoring = batches.isEmpty()
        ? Html.empty("No batch scored yet.")
        : "<div class=\"charts\">"
            + Svg.lines("mean-probability", "Mean predicted probability per batch", batches, probSeries, "probability", false)
            + Svg.lines("positive-rate", "Share predicted positive per batch", batches, posSeries, "share", true)
            + Svg.bars("rows-scored", "Rows scored per batch", batches, rowsSeries, "rows") + "</div>";
    body.append(Html.section("scoring", "Scoring per batch", "What each version predicted on each scored batch, in "
        + "arrival order: a moving mean probability or positive share is the first sign of prediction drift.", scoring));

    // Shadow comparisons: two versions on the same rows.
    List<PredictionStore.Agreement> shadow = scoredVersions.size() > 1 ? predictions.agreements(model) : List.of();
    List<List<String>> shadowRows = new ArrayList<>();
    for (PredictionStore.Agreement r : shadow) {
      shadowRows.add(List.of(esc(r.batch()), "v" + r.version() + " vs v" + r.otherVersion(),
          "<span class=\"n\">" + r.rows() + "</span>",
          "<span class=\"n\" data-agreement=\"" + r.agreement() + "\">" + num(r.agreement()) + "</span>",
          "<span class=\"n\">" + (r.meanProbabilityDelta() == null ? "" : num(r.meanProbabilityDelta())) + "</span>"));
    }
    body.append(Html.section("shadow", "Shadow comparisons", "Batches scored by two versions side by side (a champion "
        + "and a shadow challenger): how often they agree on the same rows.",
        shadowRows.isEmpty() ? Html.empty("No batch was scored by more than one version.")
            : Html.table(List.of("batch", "versions", "rows", "agreement", "mean probability difference"), shadowRows, "shadow")));

    // Prediction drift.
    List<DriftStore.DriftMetric> outDrift = new DriftStore(lake).modelOutputMetrics(model);
    body.append(Html.section("prediction-drift", "Prediction drift",
        "Each version's outputs on a batch against its outputs on its training batch (comparison with the baseline).",
        driftMap("prediction-drift-map", outDrift, true, batches)));

    // Performance on ground truth.
    body.append(Html.section("performance", "Performance over time",
        "Metrics of each version on batches whose labels have arrived (realized) or estimated before they do.",
        PerformanceSection.render(lake, model, batches)));

    // Transitions.
    List<List<String>> logRows = new ArrayList<>();
    for (Transition t : log) {
      StringBuilder gates = new StringBuilder();
      for (GateResult g : t.gates()) {
        gates.append(g.passed() ? "<span class=\"ok\">✓</span> " : "<span class=\"refused\">✗</span> ")
            .append(esc(g.check())).append(' ').append(g.value() == null ? "" : num(g.value()))
            .append(g.threshold() == null ? "" : " (threshold " + num(g.threshold()) + ")").append("<br>");
      }
      logRows.add(List.of("<span class=\"n\">" + t.seq() + "." + t.ordinal() + "</span>", esc(t.at()), "v" + t.version(),
          esc(t.summary()), t.accepted() ? "<span class=\"ok\">accepted</span>" : "<span class=\"refused\">refused</span>",
          esc(t.actor()), esc(t.reason()), gates.toString()));
    }
    body.append(Html.section("transitions", "Stage and alias log", "Every move of a version, accepted or refused, in "
        + "commit order, with who asked, why, and the gates checked.",
        logRows.isEmpty() ? Html.empty("No transition recorded.")
            : Html.table(List.of("seq", "at", "version", "change", "outcome", "actor", "reason", "gates"), logRows, "log")));

    // Who served when: the periods of the log (registry history), the same replay as the stages above.
    List<List<String>> periodRows = new ArrayList<>();
    for (dev.esteira.registry.RegistryHistory.Period p : registry.history(model).periods()) {
      StringBuilder aliases = new StringBuilder();
      new java.util.TreeMap<>(p.aliases()).forEach((a, v) -> aliases.append(aliases.length() == 0 ? "" : ", ").append(a).append("=v").append(v));
      StringBuilder changes = new StringBuilder();
      for (Transition t : p.changes()) {
        changes.append(changes.length() == 0 ? "" : "; ").append("v").append(t.version()).append(' ').append(t.summary())
            .append(" by ").append(t.actor());
      }
      periodRows.add(List.of(esc(p.from()), "<span class=\"n\">" + p.seq() + "</span>",
          p.production() == null ? "-" : "<span data-served=\"" + p.production() + "\">v" + p.production() + "</span>",
          esc(aliases.toString()), esc(changes.toString())));
    }
    body.append(Html.section("served", "Who served when", "Each period from the commit that changed the version in "
        + "production or an alias: what held from then on (the last row holds now); esteira registry history.",
        periodRows.isEmpty() ? Html.empty("No version has been in production.")
            : Html.table(List.of("from", "commit", "production", "aliases", "change"), periodRows, "served")));

    // Model card: the production version (else the newest).
    ModelVersion card = versions.stream().filter(v -> v.stage() == Stage.PRODUCTION).findFirst()
        .orElse(versions.isEmpty() ? null : versions.get(versions.size() - 1));
    body.append(Html.section("card", "Model card", "What the version in production (or the newest) is, how it was "
        + "trained and how it does per slice.", card == null ? Html.empty("No version.") : card(registry, card)));

    ModelVersion prod = versions.stream().filter(v -> v.stage() == Stage.PRODUCTION).findFirst().orElse(null);
    String sub = subtitle() + (prod == null ? " · no version in production" : " · in production: v" + prod.version());
    return Html.page("Model " + model, sub, nav("versions", "scoring", "shadow", "prediction-drift", "performance",
        "transitions", "card"), body.toString());
  }

  /** The card section: the same document as {@code esteira registry card} ({@link ModelCard#build}), as HTML. */
  @SuppressWarnings("unchecked")
  private String card(Registry registry, ModelVersion v) {
    Map<String, Object> c;
    try {
      c = ModelCard.build(lake, registry, v, specs.apply(v.model()));
    } catch (EsteiraException e) {
      return Html.empty("No model card: " + e.getMessage());
    }
    StringBuilder b = new StringBuilder();
    Map<String, Object> risk = (Map<String, Object>) c.get("risk");
    List<List<String>> facts = new ArrayList<>();
    facts.add(List.of("version", "v" + c.get("version") + " (" + esc(c.get("stage")) + ")"));
    facts.add(List.of("aliases", esc(String.join(", ", (List<String>) c.get("aliases")))));
    facts.add(List.of("tags", cell(c.get("tags"))));
    facts.add(List.of("task", esc(c.get("task"))));
    facts.add(List.of("purpose", esc(c.get("purpose"))));
    facts.add(List.of("owner", esc(c.get("owner"))));
    facts.add(List.of("risk", esc(risk.get("level") + ": " + risk.get("rule"))));
    facts.add(List.of("description", esc(c.get("description"))));
    facts.add(List.of("spec", esc(c.get("spec_source"))));
    b.append(Html.table(List.of("", ""), facts, "card"));

    b.append("<h3>Model</h3>").append(keyValues((Map<String, Object>) c.get("model_details"), "card-model"));

    Map<String, Object> data = (Map<String, Object>) c.get("data");
    b.append("<h3>Data</h3><p>Trained on dataset ").append(esc(data.get("dataset"))).append(", batch ")
        .append(esc(data.get("batch"))).append(", version ").append(esc(data.get("dataset_version"))).append(" (")
        .append(esc(data.get("train_rows"))).append(" training rows, ").append(esc(data.get("holdout_rows")))
        .append(" holdout rows).</p>")
        .append(rows((List<Map<String, Object>>) data.get("batch_versions"), "card-data", "No dataset version recorded."));

    b.append("<h3>Metrics (holdout)</h3>")
        .append(rows((List<Map<String, Object>>) c.get("metrics"), "card-metrics", "No metric."));
    b.append("<h3>Feature importance (holdout)</h3>")
        .append(rows((List<Map<String, Object>>) c.get("feature_importance"), "card-importance",
            "Not computed for this version (esteira importance computes it)."));

    Map<String, Map<String, Double>> slices = (Map<String, Map<String, Double>>) c.get("slice_metrics");
    b.append("<h3>Metrics per slice</h3>");
    if (slices.isEmpty()) {
      b.append(Html.empty("No slice metrics."));
    } else {
      TreeSet<String> metricNames = new TreeSet<>();
      slices.values().forEach(m -> metricNames.addAll(m.keySet()));
      List<List<String>> srows = new ArrayList<>();
      slices.forEach((slice, values) -> {
        List<String> row = new ArrayList<>(List.of(esc(slice)));
        for (String m : metricNames) {
          row.add(cell(values.get(m)));
        }
        srows.add(row);
      });
      List<String> h = new ArrayList<>(List.of("slice"));
      h.addAll(metricNames);
      b.append(Html.table(h, srows, "slices"));
    }

    b.append("<h3>Fairness gaps across slices</h3>")
        .append(rows((List<Map<String, Object>>) c.get("fairness_gaps"), "card-fairness", "No slice declared."));
    b.append("<h3>Gates (in force at risk ").append(esc(risk.get("level"))).append(")</h3>")
        .append(rows((List<Map<String, Object>>) c.get("gates"), "card-gates", "No gate declared."));
    b.append("<h3>Lineage</h3>").append(keyValues((Map<String, Object>) c.get("lineage"), "card-lineage"));
    b.append("<h3>Transitions</h3>")
        .append(rows((List<Map<String, Object>>) c.get("transitions"), "card-transitions", "No transition recorded."));
    return b.toString();
  }

  /** A map of the card as a two-column table. */
  private static String keyValues(Map<String, Object> m, String cssClass) {
    List<List<String>> rows = new ArrayList<>();
    m.forEach((k, v) -> rows.add(List.of(esc(k), cell(v))));
    return Html.table(List.of("", ""), rows, cssClass);
  }

  /** A list of rows of the card as a table, its header the keys of the first row. */
  private static String rows(List<Map<String, Object>> rows, String cssClass, String none) {
    if (rows.isEmpty()) {
      return Html.empty(none);
    }
    List<List<String>> cells = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      cells.add(r.values().stream().map(Reports::cell).toList());
    }
    return Html.table(new ArrayList<>(rows.get(0).keySet()), cells, cssClass);
  }

  /** One value of the card as HTML: numbers right-aligned, lists joined. */
  private static String cell(Object v) {
    if (v instanceof Double || v instanceof Float) {
      return "<span class=\"n\">" + num(((Number) v).doubleValue()) + "</span>";
    }
    if (v instanceof Number) {
      return "<span class=\"n\">" + v + "</span>";
    }
    if (v instanceof List<?> l) {
      return esc(String.join("; ", l.stream().map(String::valueOf).toList()));
    }
    if (v instanceof Map<?, ?> m) {
      // key=value pairs, as `registry tag` takes them; a dash for none, as the other empty facts.
      return m.isEmpty() ? "—" : esc(m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining(", ")));
    }
    return v == null ? "" : esc(v);
  }

  // ---------------------------------------------------------------- dataset

  /** The HTML page of one monitored dataset. */
  public String datasetPage(String dataset) {
    Target target = Target.dataset(dataset);
    StringBuilder body = new StringBuilder();
    List<DatasetVersion> versions = new ArrayList<>(new Datasets(lake).versions(dataset));
    versions.sort(java.util.Comparator.comparingLong(DatasetVersion::version).thenComparing(DatasetVersion::createdAt));
    List<ColumnProfile> prof = new ProfileStore(lake).summaries(target);
    List<String> batches = new ArrayList<>();
    LinkedHashSet<String> columns = new LinkedHashSet<>();
    for (ColumnProfile r : prof) {
      if (!batches.contains(r.batch())) {
        batches.add(r.batch());
      }
      columns.add(r.column());
    }
    List<DriftStore.DriftMetric> drift = new DriftStore(lake).metrics(target);
    // The baseline is the reference batch most baseline comparisons used.
    Map<String, Long> baselineRefs = new LinkedHashMap<>();
    drift.stream().filter(m -> m.comparison().equals("baseline"))
        .forEach(m -> baselineRefs.merge(m.referenceBatch(), 1L, Long::sum));
    String baseline = baselineRefs.isEmpty() ? (batches.isEmpty() ? null : batches.get(0))
        : baselineRefs.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();

    // Batches.
    List<List<String>> vrows = new ArrayList<>();
    for (DatasetVersion r : versions) {
      vrows.add(List.of(esc(r.batch()), "<span class=\"n\">" + r.version() + "</span>",
          "<span class=\"n\" data-batch=\"" + esc(r.batch()) + "\" data-rows=\"" + r.rowCount() + "\">"
              + r.rowCount() + "</span>",
          esc(r.tag()), esc(r.contractStatus()), esc(r.expectationsStatus()), esc(r.createdAt())));
    }
    body.append(Html.section("batches", "Batches", "Every ingested batch of the dataset, the Delta version that holds it, "
        + "and its contract and expectation results.",
        Html.table(List.of("batch", "version", "rows", "tag", "contract", "expectations", "ingested"), vrows, "batches")));

    // Drift heat map and alerts.
    String alerts = alertsTable(drift);
    body.append(Html.section("drift", "Drift over time", "One cell per column and batch, compared with the baseline "
        + (baseline == null ? "" : "(" + baseline + ") ") + "from the stored profiles: red when the column drifted, amber "
        + "when the statistic's error bound straddles the threshold. The alerts below list the metrics that decided.",
        driftMap("drift-map", drift, false, batches) + "<h3>Alerts</h3>" + alerts));

    // Null rates.
    Map<String, double[]> nullRates = new LinkedHashMap<>();
    for (String c : columns) {
      nullRates.put(c, nans(batches.size()));
    }
    for (ColumnProfile r : prof) {
      long rowsN = r.rows();
      nullRates.get(r.column())[batches.indexOf(r.batch())] = rowsN == 0 ? Double.NaN : r.nulls() / (double) rowsN;
    }
    body.append(Html.section("nulls", "Null rates", "The share of nulls of each column per batch, from the profiles.",
        batches.isEmpty() ? Html.empty("No profile.")
            : "<div class=\"charts\">" + Svg.lines("null-rates", "Null rate per batch", batches, nullRates, "share", true) + "</div>"));

    // Distributions: baseline against the latest batch (and the one before it).
    StringBuilder dist = new StringBuilder("<div class=\"charts\">");
    List<String> shown = new ArrayList<>();
    if (baseline != null) {
      shown.add(baseline);
    }
    for (int i = batches.size() - 1; i >= 0 && shown.size() < 3; i--) {
      if (!shown.contains(batches.get(i))) {
        shown.add(batches.get(i));
      }
    }
    for (String c : columns) {
      Map<String, ColumnProfile> byBatch = new LinkedHashMap<>();
      for (String b : shown) {
        for (ColumnProfile r : prof) {
          if (r.column().equals(c) && r.batch().equals(b)) {
            byBatch.put(b, r);
          }
        }
      }
      if (byBatch.isEmpty()) {
        continue;
      }
      ColumnProfile any = byBatch.values().iterator().next();
      if ("numeric".equals(any.kind())) {
        List<String> qs = List.of("p01", "p05", "p25", "p50", "p75", "p95", "p99");
        Map<String, double[]> s = new LinkedHashMap<>();
        for (Map.Entry<String, ColumnProfile> e : byBatch.entrySet()) {
          ColumnProfile r = e.getValue();
          double[] v = nans(qs.size());
          if (r.quantiles() != null) {
            Map<String, Double> q = r.quantiles();
            for (int i = 0; i < qs.size(); i++) {
              Double d = q.get(qs.get(i));
              v[i] = d == null ? Double.NaN : d;
            }
          }
          s.put(e.getKey(), v);
        }
        dist.append(Svg.lines("quantiles-" + c, c + ": quantiles", qs, s, c, false));
      } else {
        TreeSet<String> cats = new TreeSet<>();
        for (ColumnProfile r : byBatch.values()) {
          if (r.categoryCounts() != null) {
            cats.addAll(r.categoryCounts().keySet());
          }
        }
        List<String> catList = new ArrayList<>(cats);
        if (catList.size() > 20) {
          continue;
        }
        Map<String, double[]> s = new LinkedHashMap<>();
        for (Map.Entry<String, ColumnProfile> e : byBatch.entrySet()) {
          ColumnProfile r = e.getValue();
          double[] v = new double[catList.size()];
          if (r.categoryCounts() != null) {
            Map<String, Long> cc = r.categoryCounts();
            long total = cc.values().stream().mapToLong(Long::longValue).sum()
                + (r.categoryOther() == null ? 0 : r.categoryOther());
            for (int i = 0; i < v.length; i++) {
              Long n = cc.get(catList.get(i));
              v[i] = total == 0 ? Double.NaN : (n == null ? 0 : n) / (double) total;
            }
          }
          s.put(e.getKey(), v);
        }
        dist.append(Svg.bars("categories-" + c, c + ": share of each category", catList, s, "share"));
      }
    }
    dist.append("</div>");
    body.append(Html.section("distributions", "Distributions", "Each column in the baseline and the latest batches, drawn "
        + "from the stored profiles (no rescan): numbers by their quantiles p01…p99, categories by their shares.",
        batches.isEmpty() ? Html.empty("No profile.") : dist.toString()));
    return Html.page("Dataset " + dataset, subtitle() + " · " + batches.size() + " profiled batches",
        nav("batches", "drift", "nulls", "distributions"), body.toString());
  }

  private static String alertsTable(List<DriftStore.DriftMetric> drift) {
    List<List<String>> rows = new ArrayList<>();
    for (DriftStore.DriftMetric r : drift) {
      if (!r.alerting() || !List.of("drift", "inconclusive").contains(r.status())) {
        continue;
      }
      rows.add(List.of(esc(r.batch()), esc(r.column()), esc(r.comparison()) + " (" + esc(r.referenceBatch()) + ")",
          esc(r.metric()), "<span class=\"n\">" + (r.value() == null ? "" : num(r.value())) + "</span>",
          "<span class=\"n\">" + (r.threshold() == null ? "" : num(r.threshold())) + "</span>",
          esc(r.status())));
    }
    return rows.isEmpty() ? Html.empty("No alert.")
        : Html.table(List.of("batch", "column", "compared with", "metric", "value", "threshold", "status"), rows, "alerts");
  }

  /** One cell of the drift heat map: the baseline comparisons of a column of a target's batch, counted. */
  private record DriftCell(Target target, String column, String batch, long drifted, long inconclusive, long decided) {}

  /**
   * A heat map of the baseline comparison: one cell per column (per version for model outputs) and batch.
   * A cell is {@code drift} when a metric drifted, else {@code inconclusive} when one was, else
   * {@code insufficient_data} when every deciding metric had too few rows, else {@code ok}; its value is
   * the number of drifted metrics.
   */
  static String driftMap(String id, List<DriftStore.DriftMetric> drift, boolean perVersion, List<String> batchOrder) {
    Map<List<Object>, DriftCell> byCell = new LinkedHashMap<>();
    for (DriftStore.DriftMetric m : drift) {
      if (!m.comparison().equals("baseline")) {
        continue;
      }
      List<Object> key = List.of(m.target(), m.column(), m.batch());
      DriftCell c = byCell.getOrDefault(key, new DriftCell(m.target(), m.column(), m.batch(), 0, 0, 0));
      byCell.put(key, new DriftCell(c.target(), c.column(), c.batch(), c.drifted() + (m.drifted() ? 1 : 0),
          c.inconclusive() + (m.status().equals("inconclusive") ? 1 : 0),
          c.decided() + (List.of("ok", "drift", "inconclusive").contains(m.status()) ? 1 : 0)));
    }
    List<DriftCell> cells = new ArrayList<>(byCell.values());
    cells.sort(java.util.Comparator.comparing((DriftCell c) -> c.target().format()).thenComparing(DriftCell::column));
    if (cells.isEmpty()) {
      return Html.empty("No drift computed yet.");
    }
    List<String> rows = new ArrayList<>();
    List<String> cols = new ArrayList<>();
    for (String b : batchOrder) {
      if (cells.stream().anyMatch(r -> r.batch().equals(b))) {
        cols.add(b);
      }
    }
    for (DriftCell r : cells) {
      if (!cols.contains(r.batch())) {
        cols.add(r.batch());
      }
      String name = rowName(r, perVersion);
      if (!rows.contains(name)) {
        rows.add(name);
      }
    }
    Svg.Cell[][] grid = new Svg.Cell[rows.size()][cols.size()];
    for (DriftCell r : cells) {
      long drifted = r.drifted();
      String status = drifted > 0 ? "drift" : r.inconclusive() > 0 ? "inconclusive" : r.decided() == 0 ? "insufficient_data" : "ok";
      String label = status + (drifted > 0 ? " (" + drifted + " metrics)" : "");
      grid[rows.indexOf(rowName(r, perVersion))][cols.indexOf(r.batch())] = new Svg.Cell(status, drifted, label);
    }
    return "<div class=\"charts\">" + Svg.heatMap(id, "Drift against the baseline, per column and batch", rows, cols, grid) + "</div>";
  }

  private static String rowName(DriftCell r, boolean perVersion) {
    if (perVersion && r.target() instanceof Target.ModelOutputTarget t) {
      return "v" + t.version() + " " + r.column();
    }
    return r.column();
  }

  private static double[] nans(int n) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, Double.NaN);
    return a;
  }

  private static String nav(String... ids) {
    StringBuilder b = new StringBuilder("<a href=\"index.html\">all reports</a>");
    for (String id : ids) {
      b.append("<a href=\"#").append(id).append("\">").append(id.replace('-', ' ')).append("</a>");
    }
    return b.toString();
  }
}
