package dev.esteira.monitor;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.data.Datasets;
import dev.esteira.lake.Lakehouse;
import dev.esteira.monitor.stats.ColumnDrift;
import dev.esteira.monitor.stats.DriftPolicy;
import dev.esteira.testing.Oracles;
import dev.esteira.testing.TestSpark;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The heavy-tailed case that used to end "inconclusive" (a sketch's Wasserstein bound straddling the
 * threshold) is answered exactly from the batches' rows, read as of the versions that were profiled: the
 * stored value equals the Wasserstein-1 distance computed here on the raw samples, independently of the
 * project's code. A target whose rows are gone stays inconclusive and says so.
 */
class ExactResolutionTest {
  /** A coarse sketch (rank error about 1.6 %) so that 6,000 rows a batch are past its exact size. */
  static final int K = 256;
  static final int N = 6000;
  static Lakehouse lake;
  static Profiler profiler;
  static DriftDetector detector;
  static final DriftPolicy POLICY = DriftPolicy.defaults();
  static double[][] ref;
  static double[][] cur;
  static final List<String> COLUMNS = List.of("delay", "tail");

  /** Column 0: log-normal, the current batch's log shifted by 0.157 (W ≈ 0.13 reference SDs); 1: Pareto 1.5, unchanged. */
  static double[][] generate(Random r, double shift) {
    double[][] v = new double[2][N];
    for (int i = 0; i < N; i++) {
      v[0][i] = Math.exp(shift + r.nextGaussian());
      v[1][i] = Math.pow(1 - r.nextDouble(), -1 / 1.5);
    }
    return v;
  }

  static Dataset<Row> frame(double[][] v) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      rows.add(RowFactory.create(v[0][i], v[1][i]));
    }
    StructType schema = new StructType().add("delay", DataTypes.DoubleType, true).add("tail", DataTypes.DoubleType, true);
    return TestSpark.spark().createDataFrame(rows, schema);
  }

  /** Writes a batch into the dataset's Delta table as an ingest does (partition {@code _batch}): one commit. */
  static void write(String dataset, String batch, double[][] v) {
    frame(v).withColumn(Datasets.BATCH_COLUMN, lit(batch)).write().format("delta").mode("overwrite")
        .option("replaceWhere", Datasets.BATCH_COLUMN + " = '" + batch + "'").partitionBy(Datasets.BATCH_COLUMN)
        .save(lake.datasetPath(dataset));
  }

  /** A batch's profiles as the profiler computes them (built here without a Spark job: fewer seconds). */
  static List<ColumnProfile> profile(String dataset, String batch, long version, double[][] v) {
    ColumnProfile.Origin origin =
        new ColumnProfile.Origin("dataset:" + dataset, dataset, batch, version, new Timestamp(version));
    List<ColumnProfile> out = new ArrayList<>();
    for (int c = 0; c < COLUMNS.size(); c++) {
      dev.esteira.monitor.stats.NumericProfile p = new dev.esteira.monitor.stats.NumericProfile(K);
      Arrays.stream(v[c]).forEach(p::add);
      out.add(ColumnProfile.numeric(origin, COLUMNS.get(c), "double", p, new Timestamp(0)));
    }
    return out;
  }

  /** Stores profiles of several batches in one commit (the profiler commits one batch at a time). */
  static void store(List<ColumnProfile> profiles) {
    lake.append(MonitorTables.PROFILES, profiles.stream().map(ProfileStore::toRow).toList());
  }

  @BeforeAll
  static void setUp() {
    lake = TestSpark.freshLakehouse("exact");
    profiler = new Profiler(lake, K, 100);
    detector = new DriftDetector(lake, profiler, POLICY);
    Random r = new Random(22);
    ref = generate(r, 0);
    cur = generate(r, 0.157);
    // Delta numbers a fresh table's commits 0, 1, 2.
    write("flights", "jan", ref);
    write("flights", "may", cur);
    List<ColumnProfile> both = new ArrayList<>(profile("flights", "jan", 0, ref));
    both.addAll(profile("flights", "may", 1, cur));
    store(both);
    // The May batch is rewritten after it was profiled: the exact pass must read the version profiled.
    write("flights", "may", generate(new Random(99), 3));
  }

  @Test
  void anInconclusiveHeavyTailIsAnsweredExactlyFromTheProfiledRows() {
    // From the sketches alone, both columns are inconclusive.
    for (int c = 0; c < 2; c++) {
      String column = COLUMNS.get(c);
      ColumnProfile a = profiler.stored("dataset:flights", "jan").stream().filter(p -> p.column().equals(column)).findFirst().orElseThrow();
      ColumnProfile b = profiler.stored("dataset:flights", "may").stream().filter(p -> p.column().equals(column)).findFirst().orElseThrow();
      assertFalse(a.exact());
      assertTrue(ColumnDrift.inconclusive(ColumnDrift.numeric(a.numericProfile(), b.numericProfile(), POLICY)), column);
    }
    DriftDetector.DriftResult result = detector.compare("dataset:flights", "may", "jan", "none", 0);
    assertEquals(List.of(), result.unresolved());
    for (int c = 0; c < 2; c++) {
      String column = COLUMNS.get(c);
      double sd = new DescriptiveStatistics(ref[c]).getStandardDeviation();
      double w = Oracles.wasserstein1(ref[c], cur[c]) / sd;
      double d = new KolmogorovSmirnovTest().kolmogorovSmirnovStatistic(ref[c], cur[c]);
      List<DriftDetector.Metric> metrics = result.metrics().stream().filter(m -> m.column().equals(column)).toList();
      DriftDetector.Metric wm = metrics.stream().filter(m -> m.metric().metric().equals("wasserstein")).findFirst().orElseThrow();
      DriftDetector.Metric ks = metrics.stream().filter(m -> m.metric().metric().equals("ks")).findFirst().orElseThrow();
      assertTrue(wm.metric().exact() && ks.metric().exact(), column);
      assertEquals(w, wm.metric().value(), 1e-9 * w, column);
      assertEquals(d, ks.metric().value(), 1e-12, column);
      assertEquals(0.0, wm.metric().errorBound());
      assertTrue(metrics.stream().noneMatch(m -> m.metric().status() == ColumnDrift.Status.INCONCLUSIVE), column);
      System.out.printf("exact %s: W = %.4f reference SDs, D = %.4f, status %s%n", column, w, d, wm.metric().status());
    }
    // The shifted log-normal is past the threshold and significant: drift; the unchanged Pareto is not.
    assertTrue(Oracles.wasserstein1(ref[0], cur[0]) / new DescriptiveStatistics(ref[0]).getStandardDeviation() > 0.1);
    assertEquals(List.of("delay"), result.alertingColumns());
    // Stored as computed, marked exact.
    List<DriftStore.DriftMetric> stored = new DriftStore(lake).metrics(Target.dataset("flights")).stream()
        .filter(m -> m.batch().equals("may")).toList();
    assertTrue(stored.stream().filter(m -> ColumnDrift.RESOLVED.contains(m.metric())).allMatch(DriftStore.DriftMetric::exact));
    assertTrue(stored.stream().filter(m -> m.metric().equals("psi")).noneMatch(DriftStore.DriftMetric::exact));
    assertEquals(6, stored.stream().filter(DriftStore.DriftMetric::exact).count());
  }

  @Test
  void whenTheRowsAreGoneTheColumnStaysInconclusiveAndSaysWhy() {
    // A batch profiled at a dataset version that no longer exists (vacuumed, or the table rewritten).
    Timestamp at = new Timestamp(0);
    ColumnProfile.Origin origin = new ColumnProfile.Origin("dataset:flights", "flights", "june", 42, at);
    List<ColumnProfile> june = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      dev.esteira.monitor.stats.NumericProfile p = new dev.esteira.monitor.stats.NumericProfile(K);
      Arrays.stream(cur[c]).forEach(p::add);
      june.add(ColumnProfile.numeric(origin, COLUMNS.get(c), "double", p, at));
    }
    DriftDetector.DriftResult result = detector.compare("dataset:flights", "june", "jan", "none", 0, june);
    assertEquals(2, result.unresolved().size(), result.unresolved().toString());
    assertTrue(result.unresolved().get(0).startsWith("delay (baseline jan): the batches' rows are gone ("),
        result.unresolved().get(0));
    assertEquals(1, result.unresolved().get(0).lines().count());
    assertTrue(result.metrics().stream().anyMatch(m -> m.metric().status() == ColumnDrift.Status.INCONCLUSIVE));
    assertTrue(result.metrics().stream().noneMatch(m -> m.metric().exact()));
  }

  @Test
  void aHalvedBatchIsAHistoryAnomalyStoredWithItsThreshold() {
    // Three batches of about 1,000 rows a day apart, then one of 500: the row count's robust z against
    // them, computed here: median 1,000, MAD 10 (× 1.4826 = 14.8) under the floor √1,000.
    DriftPolicy p = new DriftPolicy(POLICY.bins(), POLICY.minRows(), POLICY.smallSampleRows(), POLICY.pValue(),
        POLICY.thresholds(), POLICY.datasetLevel(), 14, 3, 3.5);
    DriftDetector d = new DriftDetector(lake, profiler, p);
    long[] rows = {1000, 1010, 990, 500};
    List<ColumnProfile> last = null;
    List<ColumnProfile> all = new ArrayList<>();
    for (int b = 0; b < rows.length; b++) {
      Timestamp at = new Timestamp(b * 86_400_000L);
      ColumnProfile.Origin origin = new ColumnProfile.Origin("dataset:hist", "hist", "h" + b, b, at);
      dev.esteira.monitor.stats.NumericProfile np = new dev.esteira.monitor.stats.NumericProfile(K);
      for (int i = 0; i < rows[b]; i++) {
        np.add(i % 7);
      }
      last = List.of(ColumnProfile.numeric(origin, "x", "double", np, at));
      all.addAll(last);
    }
    store(all);
    DriftDetector.DriftResult r = d.compare("dataset:hist", "h3", null, "none", 0, last);
    DriftDetector.Metric count = r.metrics().stream()
        .filter(m -> m.kind().equals(DriftDetector.HISTORY) && m.metric().metric().equals("row_count_z")).findFirst()
        .orElseThrow();
    assertEquals((500 - 1000) / Math.sqrt(1000), count.metric().value(), 1e-9);
    assertTrue(count.metric().alerting());
    assertEquals("h0,h1,h2", count.referenceBatch());
    // The arrival gap (one day, like the window's) and the null rate (0, like the window's) are no anomaly.
    assertEquals(List.of("row_count_z"), r.metrics().stream().filter(m -> m.metric().alerting())
        .map(m -> m.metric().metric()).toList());
    DriftStore.DriftMetric stored = new DriftStore(lake).metrics(Target.dataset("hist")).stream()
        .filter(m -> m.metric().equals("row_count_z")).findFirst().orElseThrow();
    assertEquals(3.5, stored.threshold());
    assertTrue(stored.alerting());
    // A history anomaly is not a column's drift for a policy's on_drift.
    assertEquals(java.util.Map.of(), new DriftStore(lake).alertingColumns(Target.dataset("hist"), null));
  }
}
