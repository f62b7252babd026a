package dev.esteira.monitor;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.data.DatasetSpec;
import dev.esteira.data.Datasets;
import dev.esteira.demo.DemoData;
import dev.esteira.jobs.DriftJob;
import dev.esteira.jobs.JobParams;
import dev.esteira.lake.Lakehouse;
import dev.esteira.monitor.stats.CategoricalProfile;
import dev.esteira.monitor.stats.NumericProfile;
import dev.esteira.monitor.stats.SketchStatistics;
import dev.esteira.monitor.stats.WeightedSample;
import dev.esteira.testing.Csv;
import dev.esteira.testing.Oracles;
import dev.esteira.testing.TestSpark;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Profiles computed by Spark are checked against plain-Java computations on the raw CSV, stored drift
 * metrics against brute-force statistics of the raw samples within their stored bounds; batches are
 * named so that sorting names would pick the wrong previous batch.
 */
class ProfileAndDriftTest {
  static Lakehouse lake;
  static DatasetSpec loans;
  static Path data;
  static Profiler profiler;
  static Map<String, ColumnProfile> reference;
  static Map<String, ColumnProfile> stable;
  static Map<String, ColumnProfile> drifted;
  static DriftDetector.DriftResult drift10;
  static final String TARGET = "dataset:loans";

  @BeforeAll
  static void setUp() {
    lake = TestSpark.freshLakehouse("drift");
    Datasets datasets = new Datasets(lake);
    loans = DatasetSpec.load(TestSpark.confDir().resolve("datasets"), "loans");
    data = TestSpark.newDir("drift-input");
    // Day 1 is stable, days 2 and 3 drift. They arrive as day-9, day-10 and a late backfill.
    DemoData.generate(data, new DemoData.Options(3L, 3, 2, 3000, 1500, 1));
    datasets.ingest(loans, data.resolve("reference.csv").toString(), null, "reference");
    datasets.tag("loans", datasets.latest("loans", "reference").orElseThrow().version(), "training");
    datasets.ingest(loans, data.resolve("daily/day-01.csv").toString(), null, "day-9");
    datasets.ingest(loans, data.resolve("daily/day-02.csv").toString(), null, "day-10");
    datasets.ingest(loans, data.resolve("daily/day-03.csv").toString(), null, "backfill-a");
    profiler = Monitoring.profiler(lake, TestSpark.config().drift());
    reference = byColumn(profiler.profile(loans, datasets.readBatch("loans", "reference")));
    stable = byColumn(profiler.profile(loans, datasets.readBatch("loans", "day-9")));
    drifted = byColumn(profiler.profile(loans, datasets.readBatch("loans", "day-10")));
    profiler.profile(loans, datasets.readBatch("loans", "backfill-a"));
    DriftDetector detector = Monitoring.detector(lake, TestSpark.config().drift());
    detector.compare(TARGET, "day-9", "reference", "auto", 0);
    drift10 = detector.compare(TARGET, "day-10", "reference", "auto", 2);
  }

  static Map<String, ColumnProfile> byColumn(List<ColumnProfile> profiles) {
    return profiles.stream().collect(Collectors.toMap(ColumnProfile::column, p -> p));
  }

  static final List<String> NUMERIC = List.of("age", "income", "loan_amount", "credit_score", "employment_years");
  static final List<String> CATEGORICAL = List.of("home_ownership", "purpose", "region");

  /** Raw CSV numbers of a column, the empty cells (nulls) left out. */
  static double[] raw(Csv csv, String column) {
    return csv.column(column).stream().filter(s -> s != null && !s.isEmpty()).mapToDouble(Double::parseDouble).toArray();
  }

  @Test
  void numericProfilesMatchThePlainJavaComputationOnTheRawFile() {
    for (String file : List.of("reference.csv", "daily/day-02.csv")) {
      Csv csv = Csv.read(data.resolve(file));
      Map<String, ColumnProfile> profiles = file.startsWith("ref") ? reference : drifted;
      for (String column : NUMERIC) {
        ColumnProfile p = profiles.get(column);
        double[] v = raw(csv, column);
        org.apache.commons.math3.stat.descriptive.DescriptiveStatistics d =
            new org.apache.commons.math3.stat.descriptive.DescriptiveStatistics(v);
        assertEquals(csv.column(column).size(), p.rows(), column);
        assertEquals(csv.column(column).size() - v.length, p.nulls(), column);
        assertEquals(d.getMean(), p.mean(), 1e-9 * Math.abs(d.getMean()), column);
        assertEquals(d.getStandardDeviation(), p.stddev(), 1e-9 * d.getStandardDeviation(), column);
        assertEquals(d.getMin(), p.min(), column);
        assertEquals(d.getMax(), p.max(), column);
        // The stored sketch is the sample itself (exact) or within its rank error of it.
        NumericProfile sketch = p.numericProfile();
        double ks = SketchStatistics.ks(sketch.sample(), WeightedSample.ofValues(v));
        assertTrue(ks <= sketch.rankError() + 1e-12, column + " sketch vs raw: " + ks);
        assertEquals(v.length <= NumericProfile.DEFAULT_K, p.exact(), column);
      }
    }
  }

  @Test
  void categoricalProfilesCountEveryCategory() {
    Csv csv = Csv.read(data.resolve("daily/day-02.csv"));
    for (String column : CATEGORICAL) {
      Map<String, Long> expected = new HashMap<>();
      csv.column(column).forEach(v -> expected.merge(v, 1L, Long::sum));
      assertEquals(expected, drifted.get(column).categoryCounts(), column);
      CategoricalProfile sketch = drifted.get(column).categoricalProfile();
      assertTrue(sketch.exact());
      assertEquals(expected, sketch.counts(), column);
    }
  }

  @Test
  void storedDriftMetricsAgreeWithTheRawSamplesWithinTheirBounds() {
    Csv ref = Csv.read(data.resolve("reference.csv"));
    Csv cur = Csv.read(data.resolve("daily/day-02.csv"));
    List<Row> rows =
        lake.read(MonitorTables.DRIFT_METRICS)
            .where(col("batch").equalTo("day-10").and(col("comparison").equalTo("baseline")))
            .collectAsList();
    int checked = 0;
    for (Row r : rows) {
      String column = r.getAs("column");
      String metric = r.getAs("metric");
      if (!NUMERIC.contains(column) || !(metric.equals("ks") || metric.equals("wasserstein"))) {
        continue;
      }
      double[] a = raw(ref, column);
      double[] b = raw(cur, column);
      double value = r.getAs("value");
      double bound = r.getAs("error_bound");
      double exact = metric.equals("ks")
          ? new org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest().kolmogorovSmirnovStatistic(a, b)
          : Oracles.wasserstein1(a, b) / reference.get(column).stddev();
      assertTrue(Math.abs(value - exact) <= bound + 1e-9, column + " " + metric + ": " + value + " ± " + bound + " vs " + exact);
      checked++;
    }
    assertEquals(NUMERIC.size() * 2, checked);
  }

  @Test
  void theWassersteinOracleIsTheIntegralOfTheCdfDifference() {
    // A shift of every value by c moves the distribution by exactly c.
    assertEquals(2.5, Oracles.wasserstein1(new double[] {1, 2, 3}, new double[] {3.5, 4.5, 5.5}), 1e-12);
    // Half the mass moved from 0 to 1: the CDFs differ by 1/2 on [0, 1).
    assertEquals(0.5, Oracles.wasserstein1(new double[] {0, 0}, new double[] {0, 1}), 1e-12);
    assertEquals(0.0, Oracles.wasserstein1(new double[] {4, 1, 2}, new double[] {2, 4, 1}), 1e-12);
  }

  @Test
  void theKnownDriftAlertsAndTheStableColumnsDoNot() {
    assertEquals(Set.copyOf(DemoData.DRIFTING), Set.copyOf(drift10.alertingColumns()));
    List<Row> day9Alerts =
        lake.read(MonitorTables.DRIFT_METRICS).where(col("batch").equalTo("day-9").and(col("alerting"))).collectAsList();
    // No column alerts on the stable day, nor does the dataset verdict.
    assertEquals(List.of(), day9Alerts);
  }

  @Test
  void thePreviousBatchIsTheOneThatArrivedBeforeNotTheOneBeforeByName() {
    assertEquals("day-9", drift10.previous());
    assertTrue(drift10.metrics().stream().anyMatch(m -> m.comparison().equals("previous") && m.metric().alerting()
        && m.column().equals("income")));
    assertEquals(List.of("day-10", "day-9", "reference"), profiler.arrivedBefore(TARGET, "backfill-a", 5));
    // The window merges the two batches that arrived before day-10, from their stored sketches.
    assertTrue(drift10.metrics().stream().anyMatch(m -> m.comparison().equals("window")
        && m.referenceBatch().equals("day-9,reference")));
  }

  @Test
  void aDatasetIsMonitoredWithoutAModelAgainstItsTrainingTag() {
    DriftJob job = new DriftJob();
    var out = job.run(TestSpark.context(lake), JobParams.of(job, Map.of("dataset", "loans", "batch", "backfill-a"), "test"));
    assertEquals("reference", out.data().get("baseline"));
    assertEquals("day-10", out.data().get("previous"));
    List<Row> alerts = lake.read(MonitorTables.DRIFT_METRICS)
        .where(col("batch").equalTo("backfill-a").and(col("comparison").equalTo("baseline")).and(col("alerting"))
            .and(col("kind").notEqual(DriftDetector.DATASET_KIND)))
        .collectAsList();
    assertEquals(Set.copyOf(DemoData.DRIFTING), alerts.stream().map(r -> (String) r.getAs("column")).collect(Collectors.toSet()));
    // The output names the columns as the dataset declares them, the target beside them.
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> drifted = (List<Map<String, Object>>) out.data().get("drifted_columns");
    assertEquals(Set.copyOf(DemoData.DRIFTING), drifted.stream().map(c -> (String) c.get("column")).collect(Collectors.toSet()));
    assertTrue(drifted.stream().allMatch(c -> c.get("target").equals(TARGET)), drifted.toString());
    assertTrue(out.message().startsWith("DRIFT in loans batch backfill-a: "), out.message());
    assertTrue(DemoData.DRIFTING.stream().allMatch(c -> out.message().contains(c)) && !out.message().contains("dataset:"),
        out.message());
    // The dataset verdict against the baseline fires, naming only drifting columns.
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> verdicts = (List<Map<String, Object>>) out.data().get("dataset_drift");
    Map<String, Object> vsBaseline = verdicts.stream().filter(v -> v.get("comparison").equals("baseline")).findFirst().orElseThrow();
    assertEquals(true, vsBaseline.get("drift"), verdicts.toString());
    assertTrue(DemoData.DRIFTING.containsAll((List<?>) vsBaseline.get("columns")), verdicts.toString());
    assertEquals(loans.features().size(), vsBaseline.get("columns_tested"));
    List<Row> verdictRows = lake.read(MonitorTables.DRIFT_METRICS)
        .where(col("batch").equalTo("backfill-a").and(col("comparison").equalTo("baseline"))
            .and(col("column").equalTo(DriftDetector.DATASET_COLUMN)))
        .collectAsList();
    assertEquals(Set.of("dataset_drift", "simes_p"), verdictRows.stream().map(r -> (String) r.getAs("metric")).collect(Collectors.toSet()));
    assertTrue(verdictRows.stream().anyMatch(r -> r.getAs("metric").equals("dataset_drift") && r.<Boolean>getAs("alerting")));
  }

  @Test
  void comparingAgainReplacesTheMetrics() {
    long before = lake.read(MonitorTables.DRIFT_METRICS).count();
    Monitoring.detector(lake, TestSpark.config().drift()).compare(TARGET, "day-10", "reference", "auto", 2);
    assertEquals(before, lake.read(MonitorTables.DRIFT_METRICS).count());
  }

  @Test
  void aWideTableIsProfiledInOneSparkJob() throws Exception {
    int numeric = 300;
    int categorical = 100;
    int rows = 200;
    StructType schema = new StructType();
    List<Profiler.Monitored> columns = new ArrayList<>();
    for (int c = 0; c < numeric; c++) {
      schema = schema.add("n" + c, DataTypes.DoubleType, true);
      columns.add(new Profiler.Monitored("n" + c, ColumnAccumulator.Kind.NUMERIC, "double"));
    }
    for (int c = 0; c < categorical; c++) {
      schema = schema.add("s" + c, DataTypes.StringType, true);
      columns.add(new Profiler.Monitored("s" + c, ColumnAccumulator.Kind.CATEGORICAL, "string"));
    }
    Random r = new Random(11);
    List<Row> data = new ArrayList<>();
    double[][] values = new double[numeric][rows];
    for (int i = 0; i < rows; i++) {
      Object[] v = new Object[numeric + categorical];
      for (int c = 0; c < numeric; c++) {
        double x = c % 10 == 0 && i % 7 == 0 ? Double.NaN : Math.exp(r.nextGaussian()) + c;
        values[c][i] = x;
        v[c] = c % 10 == 1 && i % 5 == 0 ? null : x;
      }
      for (int c = 0; c < categorical; c++) {
        v[numeric + c] = i % 11 == 0 ? null : "k" + (i % (c + 2));
      }
      data.add(RowFactory.create(v));
    }
    // Three partitions and no shuffle, as a scan of a batch's files gives.
    Dataset<Row> frame = TestSpark.spark().createDataFrame(
        new org.apache.spark.api.java.JavaSparkContext(TestSpark.spark().sparkContext()).parallelize(data, 3), schema);
    AtomicInteger jobs = new AtomicInteger();
    AtomicInteger tasks = new AtomicInteger();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        jobs.incrementAndGet();
      }

      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
        tasks.incrementAndGet();
      }
    };
    TestSpark.spark().sparkContext().addSparkListener(listener);
    List<ColumnProfile> profiles;
    try {
      profiles = profiler.compute(
          new ColumnProfile.Origin("dataset:wide", "wide", "b1", 0, new Timestamp(0)), frame, columns);
      TestSpark.spark().sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      TestSpark.spark().sparkContext().removeSparkListener(listener);
    }
    assertEquals(1, jobs.get(), "one Spark job for " + columns.size() + " columns");
    // One set of sketches per core reaches the driver, not one per file split (three here).
    int cores = TestSpark.spark().sparkContext().defaultParallelism();
    assertTrue(cores < 3 && tasks.get() <= cores, tasks.get() + " tasks for " + cores + " cores");
    assertEquals(numeric + categorical, profiles.size());
    for (int c = 0; c < numeric; c++) {
      ColumnProfile p = profiles.get(c);
      int cc = c;
      double[] finite = java.util.stream.IntStream.range(0, rows)
          .filter(i -> !(cc % 10 == 1 && i % 5 == 0)).mapToDouble(i -> values[cc][i]).filter(Double::isFinite).toArray();
      assertEquals(rows, p.rows());
      assertEquals(c % 10 == 1 ? rows / 5 : 0, p.nulls(), "n" + c);
      assertEquals(c % 10 == 0 ? (rows + 6) / 7 : 0, p.nans(), "n" + c);
      assertEquals(Arrays.stream(finite).average().orElseThrow(), p.mean(), 1e-9 * (c + 1), "n" + c);
      assertTrue(p.exact());
    }
    ColumnProfile s5 = profiles.get(numeric + 5);
    assertEquals(7, s5.categoryCounts().size());
    assertEquals((rows + 10) / 11, s5.nulls());
  }

  @Test
  void manyDistinctCategoriesAreCountedExactlyAcrossPartitions() {
    // 9,000 distinct values drawn uniformly, about 6,000 of them in each partition: each task passes the accumulator's
    // limit of pending distinct values (4,096) and hands its counts over more than once.
    int rows = 30_000;
    Random r = new Random(5);
    List<Row> data = new ArrayList<>();
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < rows; i++) {
      String v = i % 97 == 0 ? null : "c" + r.nextInt(9_000);
      data.add(RowFactory.create(v));
      if (v != null) {
        expected.merge(v, 1L, Long::sum);
      }
    }
    StructType schema = new StructType().add("c", DataTypes.StringType, true);
    Dataset<Row> frame = TestSpark.spark().createDataFrame(
        new org.apache.spark.api.java.JavaSparkContext(TestSpark.spark().sparkContext()).parallelize(data, 3), schema);
    ColumnProfile p = profiler.compute(
        new ColumnProfile.Origin("dataset:many", "many", "b1", 0, new Timestamp(0)), frame,
        List.of(new Profiler.Monitored("c", ColumnAccumulator.Kind.CATEGORICAL, "string"))).get(0);
    assertTrue(expected.size() > 4_096 && expected.size() < CategoricalProfile.DEFAULT_CAP, "distinct: " + expected.size());
    assertEquals(rows, p.rows());
    assertEquals((rows + 96) / 97, p.nulls());
    assertEquals(expected, p.categoryCounts());
  }

  @Test
  void anIngestProfilesTheBatchInItsContractPassAndTheProfileStepFindsItDone() throws Exception {
    Lakehouse own = TestSpark.freshLakehouse("ingest-profile");
    Datasets datasets = new Datasets(own);
    Profiler p = Monitoring.profiler(own, TestSpark.config().drift());
    var ingested = p.ingestProfiled(datasets, loans, data.resolve("daily/day-02.csv").toString(), null, "b");
    List<ColumnProfile> stored = p.stored(TARGET, "b");
    assertEquals(loans.features().size(), stored.size());
    // The same batch profiled by the profile step's own pass over the stored Delta batch.
    var batch = datasets.readBatch("loans", "b");
    Map<String, ColumnProfile> separate = byColumn(p.compute(
        new ColumnProfile.Origin(TARGET, "loans", "b", batch.version().version(), batch.version().createdAt()),
        batch.frame(), loans.features().stream().map(Profiler.Monitored::of).toList()));
    for (ColumnProfile along : stored) {
      ColumnProfile alone = separate.get(along.column());
      assertEquals(ingested.version().version(), along.datasetVersion(), along.column());
      assertEquals(alone.rows(), along.rows(), along.column());
      assertEquals(alone.nulls(), along.nulls(), along.column());
      if (along.kind().equals(ColumnProfile.NUMERIC)) {
        assertEquals(alone.min(), along.min(), along.column());
        assertEquals(alone.max(), along.max(), along.column());
        assertEquals(alone.mean(), along.mean(), 1e-9 * Math.abs(alone.mean()), along.column());
        assertTrue(along.exact(), along.column());
        assertEquals(0.0, SketchStatistics.ks(along.numericProfile().sample(), alone.numericProfile().sample()),
            along.column());
      } else {
        assertEquals(alone.categoryCounts(), along.categoryCounts(), along.column());
      }
    }
    // The profile step reuses them: no pass, no commit.
    long commits = own.currentVersion(MonitorTables.PROFILES);
    dev.esteira.jobs.ProfileJob job = new dev.esteira.jobs.ProfileJob();
    var out = job.run(TestSpark.context(own), JobParams.of(job, Map.of("dataset", "loans", "batch", "b"), "test"));
    assertEquals(true, out.data().get("profiled_by_ingest"));
    assertEquals(commits, own.currentVersion(MonitorTables.PROFILES));

    // Ingesting the same file again changes nothing; a refused batch stores no profile.
    p.ingestProfiled(datasets, loans, data.resolve("daily/day-02.csv").toString(), null, "b");
    assertEquals(commits, own.currentVersion(MonitorTables.PROFILES));
    List<String> lines = new ArrayList<>(java.nio.file.Files.readAllLines(data.resolve("daily/day-01.csv")));
    int age = Arrays.asList(lines.get(0).split(",")).indexOf("age");
    String[] first = lines.get(1).split(",", -1);
    first[age] = "abc";
    lines.set(1, String.join(",", first));
    Path bad = TestSpark.newDir("ingest-profile-bad").resolve("bad.csv");
    java.nio.file.Files.write(bad, lines);
    assertThrows(dev.esteira.data.ContractViolation.class,
        () -> p.ingestProfiled(datasets, loans, bad.toString(), null, "c"));
    assertEquals(commits, own.currentVersion(MonitorTables.PROFILES));
    assertTrue(p.stored(TARGET, "c").isEmpty());

    // A batch rewritten by an ingest that did not profile it is profiled again by the step.
    long rewritten = datasets.ingest(loans, data.resolve("daily/day-01.csv").toString(), null, "b").version().version();
    out = job.run(TestSpark.context(own), JobParams.of(job, Map.of("dataset", "loans", "batch", "b"), "test"));
    assertEquals(false, out.data().get("profiled_by_ingest"));
    assertTrue(p.stored(TARGET, "b").stream().allMatch(x -> x.datasetVersion() == rewritten));
  }

  @Test
  void timestampAndDateColumnsAreProfiledAsEpochNumbers() {
    StructType schema = new StructType().add("t", DataTypes.TimestampType, true).add("d", DataTypes.DateType, true);
    List<Row> data = List.of(
        RowFactory.create(Timestamp.valueOf("2026-01-01 00:00:00"), Date.valueOf("2026-01-01")),
        RowFactory.create(Timestamp.valueOf("2026-01-02 00:00:00"), Date.valueOf("2026-01-03")),
        RowFactory.create(null, null));
    List<ColumnProfile> p = profiler.compute(
        new ColumnProfile.Origin("dataset:times", "times", "b1", 0, new Timestamp(0)),
        TestSpark.spark().createDataFrame(data, schema),
        List.of(new Profiler.Monitored("t", ColumnAccumulator.Kind.NUMERIC, "timestamp"),
            new Profiler.Monitored("d", ColumnAccumulator.Kind.NUMERIC, "date")));
    assertEquals(Timestamp.valueOf("2026-01-01 00:00:00").getTime() / 1000.0, p.get(0).min());
    assertEquals(86_400.0, p.get(0).max() - p.get(0).min());
    assertEquals(Date.valueOf("2026-01-03").toLocalDate().toEpochDay(), p.get(1).max());
    assertEquals(1, p.get(1).nulls());
  }
}
