package dev.esteira.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.esteira.Progress;
import dev.esteira.config.ConfigException;
import dev.esteira.config.Yaml;
import dev.esteira.data.DatasetSpec;
import dev.esteira.data.Datasets;
import dev.esteira.demo.TaskDemoData;
import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.ModelSpec;
import dev.esteira.ml.Risk;
import dev.esteira.ml.Run;
import dev.esteira.ml.Task;
import dev.esteira.ml.Trainer;
import dev.esteira.monitor.Monitoring;
import dev.esteira.registry.GateResult;
import dev.esteira.registry.Gates;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import dev.esteira.registry.Stage;
import dev.esteira.scoring.PredictionTables;
import dev.esteira.scoring.Scorer;
import dev.esteira.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Regression and clustering end to end on the built-in demo data (tiny batches): train, gate, register,
 * score, metrics checked by hand on collected rows; reproduce; the model card.
 */
class TasksTest {
  static final Path MODELS = TestSpark.confDir().resolve("models");
  static Path lakeDir;
  static Lakehouse lake;
  static Datasets datasets;
  static Registry registry;
  static Path houses;
  static Path customers;
  static Run houseRun;
  /** house_price v1 (houseRun) promoted to production once, before the tests: the promotion's result. */
  static Registry.TransitionResult houseProduction;
  /** The houses dataset version of a second reference batch (other rows), ingested after v1 was trained. */
  static long otherReference;
  /** Hand-computed mean absolute error per region of the house model's holdout. */
  static Map<String, Double> maeByRegion = new HashMap<>();

  @BeforeAll
  static void setUp() {
    lake = TestSpark.freshLakehouse("tasks");
    lakeDir = Path.of(lake.root().replaceFirst("^file:", ""));
    datasets = new Datasets(lake);
    registry = new Registry(lake);
    houses = TestSpark.newDir("houses");
    customers = TestSpark.newDir("customers");
    TaskDemoData.generate(houses, "regression", 3L, 400, 60, 1);
    TaskDemoData.generate(customers, "clustering", 3L, 300, 60, 1);
    // Shared by the regression tests, done once here rather than by whichever test ran first: house_price
    // trained on the reference batch, its holdout's MAE per region by hand, v1 registered and promoted to
    // production, then the reference batch re-ingested with other rows (a newer dataset version).
    DatasetSpec ds = DatasetSpec.load(TestSpark.confDir().resolve("datasets"), "houses");
    datasets.ingest(ds, houses.resolve("reference.csv").toString(), null, "reference");
    ModelSpec spec = spec("house_price");
    houseRun = new Trainer(lake, Progress.NONE).train(spec, datasets.readBatch("houses", "reference"), false).run();
    Map<String, double[]> byRegion = new HashMap<>();
    for (Row r : houseHoldout()) {
      double[] acc = byRegion.computeIfAbsent(r.getString(2), k -> new double[2]);
      acc[0] += Math.abs(r.getDouble(0) - r.getDouble(1));
      acc[1]++;
    }
    byRegion.forEach((region, acc) -> maeByRegion.put(region, acc[0] / acc[1]));
    ModelVersion v1 = registry.register(houseRun);
    assertEquals(1, v1.version());
    assertTrue(registry.promote(spec, 1, Stage.STAGING, "test", null).accepted());
    houseProduction = registry.promote(spec, 1, Stage.PRODUCTION, "test", null);
    Path other = TestSpark.newDir("houses-other");
    TaskDemoData.generate(other, "regression", 4L, 400, 60, 1);
    otherReference = datasets.ingest(ds, other.resolve("reference.csv").toString(), null, "reference").version().version();
  }

  /** price, prediction and region of the house model's holdout rows, predicted by its saved pipeline. */
  static List<Row> houseHoldout() {
    // The dataset as of the version trained on: it held the first reference batch only.
    Dataset<Row> reference = datasets.readVersion("houses", houseRun.datasetVersion());
    Dataset<Row> holdout = reference.where(not(Trainer.seededFraction("house_id", 42).lt(0.8)));
    return PipelineModel.load(houseRun.artifactPath()).transform(holdout)
        .select(col("price"), col("prediction"), col("region")).collectAsList();
  }

  static ModelSpec spec(String name) {
    return ModelSpec.load(MODELS, name);
  }

  /** The spec with other gates and risk: same name, so it governs the same versions. */
  static ModelSpec with(ModelSpec spec, String risk, String gatesYaml) {
    ObjectNode tree = Yaml.mapper().valueToTree(spec);
    try {
      tree.set("gates", Yaml.mapper().readTree(gatesYaml));
    } catch (java.io.IOException e) {
      throw new RuntimeException(e);
    }
    tree.put("risk", risk);
    return Yaml.bind(tree, ModelSpec.class, "test");
  }

  @Test
  void metricNamesAreCheckedPerTaskWhenTheSpecIsLoaded() throws Exception {
    Path dir = TestSpark.newDir("bad-specs");
    String text = Files.readString(MODELS.resolve("house_price.yaml"));
    Files.writeString(dir.resolve("house_price.yaml"), text.replace("limits: {rmse: 40, r2: 0.8}", "limits: {auc_roc: 0.7}"));
    ConfigException e = assertThrows(ConfigException.class, () -> ModelSpec.load(dir, "house_price"));
    assertEquals(dir.resolve("house_price.yaml") + ": gates.production.limits.auc_roc: unknown metric 'auc_roc' "
        + "for task regression (known: mse, rmse, mae, r2)", e.getMessage());
    assertFalse(e.getMessage().contains("\n"));

    Files.writeString(dir.resolve("house_price.yaml"), text.replace("metric: rmse ", "metric: silhouette "));
    e = assertThrows(ConfigException.class, () -> ModelSpec.load(dir, "house_price"));
    assertTrue(e.getMessage().contains("tuning.metric: unknown metric 'silhouette' for task regression"), e.getMessage());

    Files.writeString(dir.resolve("house_price.yaml"), text.replace("{region: {mae: 15}}", "{region: {wcss: 15}}"));
    e = assertThrows(ConfigException.class, () -> ModelSpec.load(dir, "house_price"));
    assertTrue(e.getMessage().contains("gates.production.max_gap.region.wcss: unknown metric"), e.getMessage());

    Files.writeString(dir.resolve("house_price.yaml"), text.replace("type: linear_regression", "type: kmeans"));
    e = assertThrows(ConfigException.class, () -> ModelSpec.load(dir, "house_price"));
    assertTrue(e.getMessage().contains("estimator.type: unknown estimator type 'kmeans' for task regression"), e.getMessage());

    String clustering = Files.readString(MODELS.resolve("customer_segments.yaml"));
    Files.writeString(dir.resolve("customer_segments.yaml"), clustering.replace("min: {silhouette: 0.5}", "min: {r2: 0.5}"));
    e = assertThrows(ConfigException.class, () -> ModelSpec.load(dir, "customer_segments"));
    assertTrue(e.getMessage().contains("gates.production.min.r2: unknown metric 'r2' for task clustering "
        + "(known: silhouette, within_cluster_cost)"), e.getMessage());

    // The bundled specs load, and a classification spec without task: stays classification.
    assertEquals(Task.REGRESSION, spec("house_price").task());
    assertEquals(Task.CLUSTERING, spec("customer_segments").task());
    assertEquals(Task.CLASSIFICATION, spec("loan_default").task());
    assertEquals(Risk.MEDIUM, spec("house_price").risk());
  }

  @Test
  void riskMovesThresholdsTowardsTheIdealNeverAway() {
    assertEquals(0.70, Risk.LOW.tighten(0.70, 1, true), 1e-12);
    assertEquals(0.73, Risk.MEDIUM.tighten(0.70, 1, true), 1e-12);
    assertEquals(0.775, Risk.HIGH.tighten(0.70, 1, true), 1e-12);
    assertEquals(7.5, Risk.HIGH.tighten(10, 0, false), 1e-12);
    assertEquals(0.99, Risk.HIGH.tighten(0.99, 1, false), 1e-12, "a ceiling on AUC is not loosened");
  }

  @Test
  void regressionTrainsWithMetricsEqualToAHandComputation() {
    assertEquals("succeeded", houseRun.status());
    List<Row> rows = houseHoldout();
    assertEquals(houseRun.holdoutRows().longValue(), rows.size());
    double sse = 0;
    double sae = 0;
    double mean = rows.stream().mapToDouble(r -> r.getDouble(0)).average().orElseThrow();
    double sst = 0;
    Map<String, double[]> byRegion = new HashMap<>();
    for (Row r : rows) {
      double err = r.getDouble(0) - r.getDouble(1);
      sse += err * err;
      sae += Math.abs(err);
      sst += (r.getDouble(0) - mean) * (r.getDouble(0) - mean);
      double[] acc = byRegion.computeIfAbsent(r.getString(2), k -> new double[2]);
      acc[0] += Math.abs(err);
      acc[1]++;
    }
    int n = rows.size();
    Map<String, Double> m = houseRun.metrics();
    assertEquals(sse / n, m.get("mse"), 1e-6 * m.get("mse"));
    assertEquals(Math.sqrt(sse / n), m.get("rmse"), 1e-6);
    assertEquals(sae / n, m.get("mae"), 1e-6);
    assertEquals(1 - sse / sst, m.get("r2"), 1e-9);
    assertTrue(m.get("r2") > 0.8, "the demo's price is learnable: " + m);
    assertEquals(maeByRegion.keySet(), byRegion.keySet());
    byRegion.forEach((region, acc) -> {
      assertEquals(acc[0] / acc[1], houseRun.sliceMetrics().get("region=" + region).get("mae"), 1e-6);
    });
  }

  @Test
  void gatesKnowWhichWayEachMetricImprovesAndTightenWithRisk() {
    ModelSpec spec = spec("house_price");
    ModelVersion v = registry.register(houseRun);
    double rmse = houseRun.metrics().get("rmse");
    // limits: a ceiling for RMSE (lower is better), a floor for R².
    assertTrue(passed(with(spec, "low", "{production: {limits: {rmse: " + (rmse + 0.01) + "}}}"), v, Optional.empty()));
    assertFalse(passed(with(spec, "low", "{production: {limits: {rmse: " + (rmse - 0.01) + "}}}"), v, Optional.empty()));
    // The same declared ceiling, 10% above the RMSE: passes at low risk, refused at high (0.75 × ceiling).
    String ceiling = "{production: {limits: {rmse: " + rmse * 1.1 + "}}}";
    assertTrue(passed(with(spec, "low", ceiling), v, Optional.empty()));
    assertFalse(passed(with(spec, "high", ceiling), v, Optional.empty()));
    List<GateResult> high = Gates.check(with(spec, "high", ceiling), v, Stage.PRODUCTION, Optional.empty(), Map.of());
    assertEquals(rmse * 1.1 * 0.75, high.get(0).threshold(), 1e-9);
    assertEquals("max rmse (risk high)", high.get(0).check());

    // beat_champion on RMSE: a champion with a larger RMSE is beaten, one with a smaller is not.
    String beat = "{production: {beat_champion: rmse}}";
    assertTrue(passed(with(spec, "low", beat), v, Optional.of(champion(v, Map.of("rmse", rmse + 1)))));
    assertFalse(passed(with(spec, "low", beat), v, Optional.of(champion(v, Map.of("rmse", rmse - 1)))));

    // Fairness: the gap of MAE across regions, computed by hand, bounds the gate.
    double gap = maeByRegion.values().stream().mapToDouble(d -> d).max().orElseThrow()
        - maeByRegion.values().stream().mapToDouble(d -> d).min().orElseThrow();
    var slices = houseRun.sliceMetrics();
    List<GateResult> fair = Gates.check(with(spec, "low", "{production: {max_gap: {region: {mae: " + (gap + 0.01) + "}}}}"),
        v, Stage.PRODUCTION, Optional.empty(), slices);
    assertTrue(fair.get(0).passed());
    assertEquals(gap, fair.get(0).value(), 1e-6);
    assertFalse(Gates.check(with(spec, "low", "{production: {max_gap: {region: {mae: " + (gap - 0.01) + "}}}}"),
        v, Stage.PRODUCTION, Optional.empty(), slices).get(0).passed());
  }

  static boolean passed(ModelSpec spec, ModelVersion v, Optional<ModelVersion> champion) {
    return Gates.check(spec, v, Stage.PRODUCTION, champion, Map.of()).stream().allMatch(GateResult::passed);
  }

  static ModelVersion champion(ModelVersion v, Map<String, Double> metrics) {
    return new ModelVersion(v.model(), v.version() + 100, "x", v.artifactPath(), v.artifactSha256(), metrics,
        v.dataset(), v.datasetVersion(), v.batch(), v.configHash(), v.codeVersion(), v.createdAt(),
        Stage.PRODUCTION, List.of(), Map.of(), null);
  }

  @Test
  void regressionIsPromotedThroughItsGatesAndScores() {
    ModelSpec spec = spec("house_price");
    Registry.TransitionResult prod = houseProduction;
    assertTrue(prod.accepted(), prod.message());
    assertTrue(prod.gates().stream().anyMatch(g -> g.check().equals("max rmse (risk medium)")), prod.gates().toString());
    DatasetSpec ds = DatasetSpec.load(TestSpark.confDir().resolve("datasets"), "houses");
    datasets.ingest(ds, houses.resolve("daily/day-01.csv").toString(), null, "day-01");
    var day = datasets.readBatch("houses", "day-01");
    Scorer.ScoreResult r = new Scorer(lake).score(spec, day, Monitoring.profiler(lake, TestSpark.config().drift()));
    assertEquals(60, r.rows());
    assertTrue(Double.isNaN(r.meanProbability()), "a regression has no probability");
    PipelineModel model = registry.load(registry.version("house_price", 1));
    Map<String, Double> expected = new HashMap<>();
    for (Row row : model.transform(day.frame()).select("house_id", "prediction").collectAsList()) {
      expected.put(row.getString(0), row.getDouble(1));
    }
    List<Row> logged = lake.read(PredictionTables.PREDICTIONS)
        .where(col("model").equalTo("house_price").and(col("batch").equalTo("day-01")))
        .select("row_id", "prediction", "probability").collectAsList();
    assertEquals(60, logged.size());
    for (Row row : logged) {
      assertEquals(expected.get(row.getString(0)), row.getDouble(1), 0.0);
      assertTrue(row.isNullAt(2));
    }
  }

  @Test
  void theExplainJobStoresContributionsThatAddUpToThePipelinesPredictions() {
    dev.esteira.jobs.Job job = dev.esteira.jobs.Jobs.get("explain");
    var params = dev.esteira.jobs.JobParams.of(job, Map.of("model", "house_price", "batch", "reference", "rows", "2"), "test");
    dev.esteira.jobs.JobOutput out = job.run(TestSpark.context(lake), params);
    var batch = datasets.readBatch("houses", "reference");
    Map<String, Double> expected = new HashMap<>();
    for (Row row : registry.load(registry.version("house_price", 1)).transform(batch.frame())
        .select("house_id", "prediction").collectAsList()) {
      expected.put(row.getString(0), row.getDouble(1));
    }
    var store = new dev.esteira.explain.ExplanationStore(lake);
    List<dev.esteira.explain.ExplanationStore.Explanation> rows = store.rows("house_price", 1, "reference", -1);
    assertEquals(expected.size(), rows.size());
    for (var e : rows) {
      assertEquals(expected.get(e.rowId()), e.outputValue(), 1e-9, "the model's own prediction");
      double sum = e.baseValue();
      for (double c : e.contributions().values()) {
        sum += c;
      }
      assertEquals(e.outputValue(), sum, 1e-9, "contributions add up to the prediction");
      assertEquals(java.util.Set.of("area_m2", "rooms", "age_years", "distance_km", "neighbourhood"),
          e.contributions().keySet(), "one contribution per declared column, one-hot slots summed");
    }
    assertEquals("linear", out.data().get("method"));
    assertTrue(out.message().contains("largest mean |contribution|: "), out.message());
    assertEquals(2, out.message().lines().filter(l -> l.startsWith("  row ")).count(), out.message());
  }

  @Test
  void importanceIsStoredShownInTheCardAndAShiftedBatchRaisesAttributionDrift() throws Exception {
    dev.esteira.jobs.Job job = dev.esteira.jobs.Jobs.get("importance");
    dev.esteira.jobs.JobOutput out = job.run(TestSpark.context(lake),
        dev.esteira.jobs.JobParams.of(job, Map.of("model", "house_price"), "test"));
    var holdout = new dev.esteira.explain.ImportanceStore(lake)
        .of("house_price", houseRun.runId(), dev.esteira.explain.ImportanceStore.HOLDOUT);
    assertEquals(List.of(1, 2, 3, 4, 5), holdout.stream().map(e -> e.rank()).toList());
    for (var e : holdout) {
      assertEquals("rmse", e.metric());
      assertTrue(e.importanceLow() <= e.importance() && e.importance() <= e.importanceHigh(), e.toString());
      assertEquals("abs_coefficient", e.modelImportanceKind());
    }
    String top = holdout.get(0).column();
    assertTrue(out.message().contains("1. " + top), out.message());
    String card = dev.esteira.report.ModelCard.markdown(dev.esteira.report.ModelCard.build(lake, registry,
        registry.version("house_price", 1), spec("house_price")));
    assertTrue(card.contains("## Feature importance (holdout)") && card.contains("| 1 | " + top + " |"), card);

    // On purpose: a batch where the top column never varies, so the model cannot lean on it there.
    List<String> lines = Files.readAllLines(houses.resolve("reference.csv"));
    int at = List.of(lines.get(0).split(",")).indexOf(top);
    String constant = lines.get(1).split(",")[at];
    List<String> shifted = new ArrayList<>(List.of(lines.get(0)));
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      cells[at] = constant;
      shifted.add(String.join(",", cells));
    }
    Path csv = TestSpark.newDir("houses-shifted").resolve("shifted.csv");
    Files.write(csv, shifted);
    datasets.ingest(DatasetSpec.load(TestSpark.confDir().resolve("datasets"), "houses"), csv.toString(), null, "shifted");
    dev.esteira.jobs.JobOutput drift = job.run(TestSpark.context(lake),
        dev.esteira.jobs.JobParams.of(job, Map.of("model", "house_price", "batch", "shifted"), "test"));
    assertEquals(true, drift.data().get("attribution_drift"), drift.message());
    assertEquals(1, drift.events().size());
    assertEquals("attribution:house_price:v1", drift.events().get(0).subject());
    assertTrue(drift.alerts().get(0).contains(top + " rank 1→5"), drift.alerts().toString());
  }

  @Test
  void clusteringTrainsGatesAndScoresWithSilhouetteAndCostEqualToAHandComputation() {
    DatasetSpec ds = DatasetSpec.load(TestSpark.confDir().resolve("datasets"), "customers");
    datasets.ingest(ds, customers.resolve("reference.csv").toString(), null, "reference");
    ModelSpec spec = spec("customer_segments");
    Run run = new Trainer(lake, Progress.NONE).train(spec, datasets.readBatch("customers", "reference"), false).run();
    Dataset<Row> reference = datasets.readBatch("customers", "reference").frame();
    Dataset<Row> holdout = reference.where(not(Trainer.seededFraction("customer_id", 42).lt(0.8)));
    List<Row> rows = PipelineModel.load(run.artifactPath()).transform(holdout)
        .select(col("features"), col("prediction")).collectAsList();
    List<double[]> x = new ArrayList<>();
    List<Integer> c = new ArrayList<>();
    for (Row r : rows) {
      x.add(((Vector) r.get(0)).toArray());
      c.add(r.getInt(1));
    }
    // Silhouette with squared Euclidean distance: a = mean distance to the rest of its own cluster,
    // b = the smallest mean distance to another cluster; s = (b - a) / max(a, b), 0 for a singleton.
    int n = x.size();
    double total = 0;
    for (int i = 0; i < n; i++) {
      Map<Integer, double[]> sums = new HashMap<>();
      for (int j = 0; j < n; j++) {
        double[] acc = sums.computeIfAbsent(c.get(j), k -> new double[2]);
        acc[0] += sq(x.get(i), x.get(j));
        acc[1]++;
      }
      double[] own = sums.get(c.get(i));
      if (own[1] == 1) {
        continue;
      }
      double a = own[0] / (own[1] - 1);
      double b = Double.MAX_VALUE;
      for (var e : sums.entrySet()) {
        if (!e.getKey().equals(c.get(i))) {
          b = Math.min(b, e.getValue()[0] / e.getValue()[1]);
        }
      }
      total += (b - a) / Math.max(a, b);
    }
    assertEquals(total / n, run.metrics().get("silhouette"), 1e-6);
    // Within-cluster cost: squared distances to the mean of each cluster's rows.
    Map<Integer, double[]> centre = new HashMap<>();
    Map<Integer, Integer> count = new HashMap<>();
    for (int i = 0; i < n; i++) {
      double[] s = centre.computeIfAbsent(c.get(i), k -> new double[x.get(0).length]);
      for (int d = 0; d < s.length; d++) {
        s[d] += x.get(i)[d];
      }
      count.merge(c.get(i), 1, Integer::sum);
    }
    centre.forEach((k, s) -> {
      for (int d = 0; d < s.length; d++) {
        s[d] /= count.get(k);
      }
    });
    double cost = 0;
    for (int i = 0; i < n; i++) {
      cost += sq(x.get(i), centre.get(c.get(i)));
    }
    assertEquals(cost, run.metrics().get("within_cluster_cost"), 1e-6 * cost);
    assertTrue(run.metrics().get("silhouette") > 0.5, "three well separated segments: " + run.metrics());

    ModelVersion v = registry.register(run);
    assertTrue(registry.promote(spec, v.version(), Stage.STAGING, "test", null).accepted());
    // A floor on the silhouette above what it reached is refused (higher is better).
    ModelSpec strict = with(spec, "low", "{production: {min: {silhouette: " + (run.metrics().get("silhouette") + 0.01) + "}}}");
    assertFalse(registry.promote(strict, v.version(), Stage.PRODUCTION, "test", null).accepted());
    assertTrue(registry.promote(spec, v.version(), Stage.PRODUCTION, "test", null).accepted());

    datasets.ingest(ds, customers.resolve("daily/day-01.csv").toString(), null, "day-01");
    new Scorer(lake).score(spec, datasets.readBatch("customers", "day-01"),
        Monitoring.profiler(lake, TestSpark.config().drift()));
    long k = c.stream().distinct().count();
    List<Row> logged = lake.read(PredictionTables.PREDICTIONS).where(col("model").equalTo("customer_segments"))
        .select("prediction").collectAsList();
    assertEquals(60, logged.size());
    for (Row r : logged) {
      double p = r.getDouble(0);
      assertTrue(p >= 0 && p < Math.max(k, 2) + 2 && p == Math.rint(p), "a cluster index: " + p);
    }
  }

  static double sq(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return s;
  }

  @Test
  void reproduceFindsTheSameModelFromTheRecordedDataAndADifferentOneFromOtherData() throws Exception {
    CommandLineTest.Result same = InProcessCli.run(lakeDir, "--format", "json", "reproduce", "house_price", "1");
    assertEquals(0, same.code(), same.err());
    JsonNode doc = new ObjectMapper().readTree(same.out());
    assertTrue(doc.get("identical").asBoolean(), same.out());
    assertEquals(0, doc.get("predictions_differing").asLong());
    assertEquals(400, doc.get("rows_compared").asLong());
    assertEquals(houseRun.metrics().get("rmse"), doc.get("reproduced_metrics").get("rmse").asDouble(), 0.0);
    assertNotEquals(houseRun.runId(), doc.get("reproduce_run_id").asText());
    // The reproduction is a run of its own kind; the original is untouched and still the one registered.
    assertEquals("reproduce", dev.esteira.ml.Runs.find(lake, doc.get("reproduce_run_id").asText()).orElseThrow().kind());
    assertEquals(houseRun.runId(), dev.esteira.ml.Runs.latest(lake, "house_price").orElseThrow().runId());

    // The reference batch re-ingested with other rows (in the set-up): a new dataset version. Retrained on it, it differs.
    long newer = otherReference;
    assertTrue(newer > houseRun.datasetVersion());
    CommandLineTest.Result differs = InProcessCli.run(lakeDir, "reproduce", "house_price", "1",
        "--dataset-version", Long.toString(newer));
    assertEquals(1, differs.code(), differs.out() + differs.err());
    assertTrue(differs.out().contains("NOT reproduced"), differs.out());
    assertTrue(differs.err().contains("esteira: error: house_price v1 not reproduced"), differs.err());
  }

  @Test
  void theModelCardSaysWhatTheVersionIsAndItsFairnessGaps() throws Exception {
    CommandLineTest.Result json = InProcessCli.run(lakeDir, "--format", "json", "registry", "card", "house_price", "1");
    assertEquals(0, json.code(), json.err());
    JsonNode card = new ObjectMapper().readTree(json.out());
    assertEquals("pricing-team@example.com", card.get("owner").asText());
    assertTrue(card.get("purpose").asText().contains("asking price"));
    assertEquals("medium", card.get("risk").get("level").asText());
    assertEquals("regression", card.get("task").asText());
    assertEquals("production", card.get("stage").asText());
    long trainedOn = registry.version("house_price", 1).datasetVersion();
    assertEquals(trainedOn, card.get("data").get("dataset_version").asLong());
    assertEquals(2, card.get("data").get("batch_versions").size(), "the batch's two versions, one trained on");
    assertEquals(houseRun.metrics().get("r2"), card.get("metrics").get(3).get("value").asDouble(), 0.0);
    JsonNode gap = null;
    for (JsonNode g : card.get("fairness_gaps")) {
      if (g.get("slice").asText().equals("region") && g.get("metric").asText().equals("mae")) {
        gap = g;
      }
    }
    assertNotNull(gap, card.get("fairness_gaps").toString());
    double max = maeByRegion.values().stream().mapToDouble(d -> d).max().orElseThrow();
    double min = maeByRegion.values().stream().mapToDouble(d -> d).min().orElseThrow();
    assertEquals(max - min, gap.get("gap").asDouble(), 1e-6);
    assertEquals(13.5, gap.get("bound").asDouble(), 1e-12, "15 declared, tightened 10% towards 0 at medium risk");
    assertEquals(maeByRegion.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey(), gap.get("best").asText());
    List<String> stages = new ArrayList<>();
    card.get("transitions").forEach(t -> stages.add(t.get("change").asText()));
    assertEquals(List.of("none -> staging", "staging -> production"), stages);

    CommandLineTest.Result md = InProcessCli.run(lakeDir, "registry", "card", "house_price", "1");
    assertEquals(0, md.code(), md.err());
    assertTrue(md.out().startsWith("# Model card: house_price v1"), md.out());
    for (String section : List.of("## Data", "## Metrics (holdout)", "## Metrics per slice", "## Fairness gaps across slices",
        "## Gates", "## Lineage", "## Transitions")) {
      assertTrue(md.out().contains(section), section);
    }
    assertTrue(md.out().contains("| region | mae |"), md.out());
  }

  @Test
  void theDemoDataOfEachTaskIsWrittenWithoutSpark() throws Exception {
    Path out = TestSpark.newDir("demo-tasks");
    CommandLineTest.Result r = InProcessCli.run(lakeDir, "demo-data", "--task", "clustering", "--out", out.toString(),
        "--days", "2", "--rows", "100", "--reference-rows", "200");
    assertEquals(0, r.code(), r.err());
    assertEquals(201, Files.readAllLines(out.resolve("reference.csv")).size());
    assertEquals(101, Files.readAllLines(out.resolve("daily/day-02.csv")).size());
    CommandLineTest.Result bad = InProcessCli.run(lakeDir, "demo", "--task", "ranking");
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("--task: unknown task 'ranking'"), bad.err());
  }
}
