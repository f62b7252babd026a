package dev.esteira.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.esteira.data.DatasetSpec;
import dev.esteira.data.Datasets;
import dev.esteira.demo.DemoData;
import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.Rows;
import dev.esteira.monitor.DriftDetector;
import dev.esteira.monitor.MonitorTables;
import dev.esteira.monitor.Monitoring;
import dev.esteira.monitor.Profiler;
import dev.esteira.registry.RegistryTables;
import dev.esteira.scoring.PredictionTables;
import dev.esteira.testing.Csv;
import dev.esteira.testing.TestSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;

/**
 * {@code esteira report} on a small real lakehouse: dataset batches ingested, profiled and compared by the
 * real jobs (the demo generator puts drift into income and purpose on day 2; day 1 is left out to keep it short), a registry log and the
 * predictions of two versions on one batch written as rows. Every figure the pages draw is read back from
 * the charts' data attributes and checked against an independent computation: the raw CSV files, the raw
 * drift rows, the predictions as written.
 */
class ReportCommandTest {
  static Lakehouse lake;
  static Path data;
  static Path out;
  static String modelPage;
  static String datasetPage;
  static CommandLineTest.Result result;
  static final Map<Integer, double[]> PROBABILITIES = new HashMap<>();

  @BeforeAll
  static void setUp() throws Exception {
    lake = TestSpark.freshLakehouse("report");
    data = TestSpark.newDir("report-input");
    DemoData.generate(data, new DemoData.Options(11L, 2, 2, 500, 300, 1));
    DatasetSpec loans = DatasetSpec.load(TestSpark.confDir().resolve("datasets"), "loans");
    Datasets datasets = new Datasets(lake);
    datasets.ingest(loans, data.resolve("reference.csv").toString(), null, "reference");
    datasets.ingest(loans, data.resolve("daily/day-02.csv").toString(), null, "day-02");
    Profiler profiler = Monitoring.profiler(lake, TestSpark.config().drift());
    for (String b : List.of("reference", "day-02")) {
      profiler.profile(loans, datasets.readBatch("loans", b));
    }
    DriftDetector detector = Monitoring.detector(lake, TestSpark.config().drift());
    detector.compare("dataset:loans", "day-02", "reference", "auto", 0);
    writeRegistry();
    writePredictions();
    out = TestSpark.newDir("report-out");
    result = InProcessCli.run(Path.of(lake.root().replaceFirst("^file:", "")), "report", "--out", out.toString());
    modelPage = Files.readString(out.resolve("model-loan_default.html"), StandardCharsets.UTF_8);
    datasetPage = Files.readString(out.resolve("dataset-loans.html"), StandardCharsets.UTF_8);
  }

  static Object scalaMap(Map<String, ?> m) {
    return JavaConverters.mapAsScalaMap(m);
  }

  static void writeRegistry() {
    Timestamp t0 = Timestamp.valueOf("2026-01-05 10:00:00");
    List<Row> models = new ArrayList<>();
    for (int v = 1; v <= 2; v++) {
      Map<String, Object> m = new HashMap<>();
      m.put("model", "loan_default");
      m.put("version", v);
      m.put("run_id", "run" + v);
      m.put("artifact", "/nowhere/" + v);
      m.put("artifact_sha256", "0".repeat(64));
      m.put("metrics", scalaMap(Map.of("auc_roc", 0.70 + v / 100.0, "accuracy", 0.60 + v / 100.0)));
      m.put("dataset", "loans");
      m.put("dataset_version", 1L);
      m.put("batch", "reference");
      m.put("created_at", new Timestamp(t0.getTime() + v * 1000L));
      models.add(Rows.of(RegistryTables.MODELS.schema(), m));
    }
    lake.append(RegistryTables.MODELS, models);
    List<Row> log = new ArrayList<>();
    log.add(move(1, 1, "stage", "none", "staging", null, true, t0, 1));
    log.add(move(2, 1, "stage", "staging", "production", null, true, t0, 2));
    log.add(move(3, 2, "stage", "none", "staging", null, true, t0, 3));
    log.add(move(4, 2, "stage", "staging", "production", null, false, t0, 4)); // refused: gate failed
    log.add(move(5, 2, "alias", null, null, "challenger", true, t0, 5));
    lake.append(RegistryTables.TRANSITIONS, log);
  }

  static Row move(long seq, int version, String kind, String from, String to, String name, boolean accepted, Timestamp t0, int minute) {
    Map<String, Object> m = new HashMap<>();
    m.put("model", "loan_default");
    m.put("seq", seq);
    m.put("ordinal", 0);
    m.put("version", version);
    m.put("kind", kind);
    m.put("from_stage", from);
    m.put("to_stage", to);
    m.put("name", name);
    m.put("accepted", accepted);
    m.put("actor", "tester");
    m.put("reason", accepted ? "ok" : "beat_champion failed");
    if (!accepted) {
      Row gate = RowFactory.create("beat_champion auc_roc", 0.72, 0.73, false);
      m.put("gate_results", JavaConverters.asScalaBuffer(List.of(gate)).toList());
    }
    m.put("at", new Timestamp(t0.getTime() + minute * 60_000L));
    return Rows.of(RegistryTables.TRANSITIONS.schema(), m);
  }

  /** v1 and v2 both score day-01 (a shadow comparison); v1 alone scores day-02. */
  static void writePredictions() {
    Random r = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (String batch : List.of("day-01", "day-02")) {
      for (int v = 1; v <= (batch.equals("day-01") ? 2 : 1); v++) {
        double[] p = new double[50];
        for (int i = 0; i < p.length; i++) {
          p[i] = r.nextDouble();
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("model", "loan_default");
          m.put("version", v);
          m.put("dataset", "loans");
          m.put("dataset_version", batch.equals("day-01") ? 2L : 3L);
          m.put("batch", batch);
          m.put("row_id", "r" + i);
          m.put("prediction", p[i] > 0.5 ? 1.0 : 0.0);
          m.put("probability", p[i]);
          m.put("scored_at", new Timestamp(0));
          m.put("role", v == 1 ? "served" : "shadow");
          rows.add(Rows.of(PredictionTables.PREDICTIONS.schema(), m));
        }
        PROBABILITIES.put(v * 100 + (batch.equals("day-01") ? 1 : 2), p);
      }
    }
    lake.append(PredictionTables.PREDICTIONS, rows);
  }

  /** data-value of the mark in {@code chart} with the given series and x, or NaN when there is none. */
  static double value(String page, String chart, String series, String x) {
    int start = page.indexOf("data-chart=\"" + chart + "\"");
    assertTrue(start >= 0, "chart " + chart + " is in the page");
    String svg = page.substring(start, page.indexOf("</svg>", start));
    Matcher m = Pattern.compile("data-series=\"" + Pattern.quote(series) + "\" data-x=\"" + Pattern.quote(x)
        + "\" data-value=\"([^\"]+)\"").matcher(svg);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  @Test
  void theCommandWritesOneFilePerModelAndMonitoredDatasetAndAnIndex() {
    assertEquals(0, result.code(), result.err());
    assertTrue(result.out().contains("loan_default") && result.out().contains("loans"), result.out());
    assertTrue(Files.exists(out.resolve("model-loan_default.html")) && Files.exists(out.resolve("dataset-loans.html")));
    assertTrue(Files.exists(out.resolve("index.html")));
  }

  @Test
  void pagesAreSelfContained() {
    for (String page : List.of(modelPage, datasetPage)) {
      assertFalse(page.contains("<script"), "no script");
      assertFalse(Pattern.compile("(?i)(src|href)\\s*=\\s*\"(?!#|index\\.html)").matcher(page).find(), "no external src or href");
      assertFalse(page.contains("http://") || page.contains("https://") || page.contains("url("), "no URL at all");
    }
  }

  @Test
  void driftHeatMapCellsAgreeWithTheRawDriftRows() {
    // Independently: a column drifted on a batch when any of its baseline metric rows says drifted.
    Map<String, Boolean> expected = new HashMap<>();
    for (Row r : lake.read(MonitorTables.DRIFT_METRICS).collectAsList()) {
      if (r.getAs("target").equals("dataset:loans") && r.getAs("comparison").equals("baseline")) {
        expected.merge(r.getAs("column") + "@" + r.getAs("batch"), r.<Boolean>getAs("drifted"), Boolean::logicalOr);
      }
    }
    Matcher m = Pattern.compile("data-row=\"([^\"]+)\" data-col=\"([^\"]+)\" data-status=\"([^\"]+)\"").matcher(
        datasetPage.substring(datasetPage.indexOf("data-chart=\"drift-map\"")));
    Map<String, Boolean> drawn = new HashMap<>();
    while (m.find()) {
      drawn.put(m.group(1) + "@" + m.group(2), m.group(3).equals("drift"));
    }
    assertEquals(expected, drawn);
    // And the generator's truth: income and purpose drift on day 2, nothing on day 1.
    for (String c : DemoData.DRIFTING) {
      assertTrue(drawn.get(c + "@day-02"), c + " drifted on day-02");
    }
    for (String c : DemoData.STABLE) {
      if (drawn.containsKey(c + "@day-02")) {
        assertFalse(drawn.get(c + "@day-02"), c + " is stable");
      }
    }
  }

  @Test
  void nullRatesAndRowCountsAgreeWithTheRawFiles() {
    for (String batch : List.of("reference", "day-02")) {
      Csv csv = Csv.read(data.resolve(batch.equals("reference") ? "reference.csv" : "daily/" + batch + ".csv"));
      for (String column : List.of("income", "employment_years", "purpose")) {
        List<String> cells = csv.column(column);
        double nulls = cells.stream().filter(s -> s == null || s.isEmpty()).count() / (double) cells.size();
        assertEquals(nulls, value(datasetPage, "null-rates", column, batch), 1e-12, column + " null rate in " + batch);
      }
      assertTrue(datasetPage.contains("data-batch=\"" + batch + "\" data-rows=\"" + csv.column("income").size() + "\""),
          "row count of " + batch);
    }
  }

  @Test
  void medianDrawnIsTheRawMedianOfTheBaseline() {
    double[] income = Csv.read(data.resolve("reference.csv")).numbers("income");
    java.util.Arrays.sort(income);
    double p50 = value(datasetPage, "quantiles-income", "reference", "p50");
    // Fewer values than the sketch's k: the sketch is exact, its median a value of the sample at rank n/2.
    int below = 0;
    for (double x : income) {
      if (x < p50) {
        below++;
      }
    }
    assertTrue(Math.abs(below - income.length / 2.0) <= 1, "p50 " + p50 + " has " + below + " of " + income.length + " below");
  }

  @Test
  void modelFiguresAgreeWithWhatWasWritten() {
    for (int key : PROBABILITIES.keySet()) {
      double[] p = PROBABILITIES.get(key);
      double mean = java.util.Arrays.stream(p).average().orElseThrow();
      double positive = java.util.Arrays.stream(p).filter(x -> x > 0.5).count() / (double) p.length;
      String series = "v" + key / 100;
      String batch = "day-0" + key % 100;
      assertEquals(mean, value(modelPage, "mean-probability", series, batch), 1e-9, series + " " + batch);
      assertEquals(positive, value(modelPage, "positive-rate", series, batch), 1e-9, series + " " + batch);
      assertEquals(p.length, value(modelPage, "rows-scored", series, batch), 0);
    }
    assertTrue(Double.isNaN(value(modelPage, "mean-probability", "v2", "day-02")), "v2 never scored day-02");
    // Shadow comparison on day-01: the share of rows where v1 and v2 predict the same class.
    double[] a = PROBABILITIES.get(101);
    double[] b = PROBABILITIES.get(201);
    int same = 0;
    for (int i = 0; i < a.length; i++) {
      same += (a[i] > 0.5) == (b[i] > 0.5) ? 1 : 0;
    }
    Matcher m = Pattern.compile("data-agreement=\"([^\"]+)\"").matcher(modelPage);
    assertTrue(m.find());
    assertEquals(same / (double) a.length, Double.parseDouble(m.group(1)), 1e-12);
    assertEquals(0.72, value(modelPage, "metrics-by-version", "v2", "auc_roc"), 1e-12);
  }

  @Test
  void stagesComeFromReplayingTheLogAndRefusedMovesAreShown() {
    assertTrue(modelPage.contains("data-version=\"1\" data-stage=\"production\""), "v1 in production");
    // v2's move to production was refused: it stays in staging.
    assertTrue(modelPage.contains("data-version=\"2\" data-stage=\"staging\""), "v2 stays in staging");
    assertTrue(modelPage.contains("refused</span>") && modelPage.contains("beat_champion auc_roc"), "the refused move and its gate");
    assertTrue(modelPage.contains("challenger"));
    assertTrue(modelPage.contains("No performance recorded yet"));
  }

  /** The log above, by hand: v1 served from its promotion (minute 2), v2 held the challenger alias from minute 5. */
  @Test
  void whoServedWhenShowsThePeriodsOfTheLog() {
    String served = modelPage.substring(modelPage.indexOf("<section id=\"served\""));
    served = served.substring(0, served.indexOf("</section>"));
    assertEquals(2, served.split("data-served=\"1\"", -1).length - 1, served);
    assertFalse(served.contains("data-served=\"2\""), "v2's promotion was refused: " + served);
    assertTrue(served.contains("challenger=v2"), served);
    assertTrue(served.contains(Timestamp.valueOf("2026-01-05 10:02:00").toInstant().toString()), served);
  }

  @Test
  void theCardSectionShowsTheModelCardDocument() {
    String card = modelPage.substring(modelPage.indexOf("id=\"card\""));
    assertTrue(card.contains("credit-risk@example.com"), "the owner, from the spec, as in esteira registry card");
    for (String part : List.of("Metrics (holdout)", "Fairness gaps across slices", "Gates (in force at risk low)", "Lineage")) {
      assertTrue(card.contains(part), part);
    }
  }

  @Test
  void badInputIsOneLineAndWritesNothing() {
    Path dir = TestSpark.newDir("report-bad");
    CommandLineTest.Result r = InProcessCli.run(Path.of(lake.root().replaceFirst("^file:", "")), "report", "--model", "nope",
        "--out", dir.resolve("x").toString());
    assertEquals(1, r.code());
    assertEquals("esteira: error: report: unknown model 'nope' (registered: loan_default)", r.err().strip());
    assertFalse(Files.exists(dir.resolve("x")));
  }

  @Test
  void performanceIsShownWhenTheTableExists() {
    // Rows of the performance table, written through its store as the performance job writes them; the
    // page was built above without them.
    java.sql.Timestamp at = new java.sql.Timestamp(0);
    dev.esteira.monitor.PerformanceStore store = new dev.esteira.monitor.PerformanceStore(lake);
    store.replace("loan_default", null, List.of(
        new dev.esteira.monitor.PerformanceStore.Performance("loan_default", 1, "day-01", "realized", "auc_roc", 0.61, 50L, 50L, null, null, false, at),
        new dev.esteira.monitor.PerformanceStore.Performance("loan_default", 1, "day-01", "realized", "tp", 17.0, 50L, 50L, null, null, false, at),
        new dev.esteira.monitor.PerformanceStore.Performance("loan_default", 1, "day-02", "estimated", "auc_roc", 0.58, 0L, 50L, null, null, false, at)));
    store.replace("other_model", null, List.of(
        new dev.esteira.monitor.PerformanceStore.Performance("other_model", 1, "day-01", "realized", "auc_roc", 0.99, 50L, 50L, null, null, false, at)));
    String page = new dev.esteira.report.Reports(lake, TestSpark.context(lake)::model, dev.esteira.Progress.NONE).modelPage("loan_default");
    assertFalse(page.contains("No performance recorded yet"));
    assertEquals(0.61, value(page, "performance", "v1 realized auc_roc", "day-01"), 1e-12);
    assertEquals(0.58, value(page, "performance", "v1 estimated auc_roc", "day-02"), 1e-12);
    assertTrue(Double.isNaN(value(page, "performance", "v1 realized tp", "day-01")), "counts are not drawn on the rate axis");
    assertFalse(page.contains("data-value=\"0.99\"") || page.contains(">0.9900<"), "another model's rows are not shown");
  }
}
