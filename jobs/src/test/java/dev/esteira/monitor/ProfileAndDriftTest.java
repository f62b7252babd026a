package dev.esteira.monitor;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.data.DatasetSpec;
import dev.esteira.data.Datasets;
import dev.esteira.demo.DemoData;
import dev.esteira.lake.Lakehouse;
import dev.esteira.monitor.stats.CategoricalSummary;
import dev.esteira.monitor.stats.DriftStatistics;
import dev.esteira.monitor.stats.NumericSummary;
import dev.esteira.testing.Csv;
import dev.esteira.testing.TestSpark;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Profiles computed by Spark are checked against the same summaries computed in plain Java from the raw
 * CSV, and drift metrics against the statistics applied to those Java summaries.
 */
class ProfileAndDriftTest {
  static Lakehouse lake;
  static DatasetSpec loans;
  static Path data;
  static Map<String, ColumnProfile> reference;
  static Map<String, ColumnProfile> day1;
  static Map<String, ColumnProfile> day2;
  static DriftDetector.DriftResult drift2;

  @BeforeAll
  static void setUp() {
    lake = TestSpark.freshLakehouse("drift");
    Datasets datasets = new Datasets(lake);
    loans = DatasetSpec.load(TestSpark.confDir().resolve("datasets"), "loans");
    data = TestSpark.newDir("drift-input");
    // Day 1 is stable, day 2 drifts.
    DemoData.generate(data, new DemoData.Options(3L, 2, 2, 3000, 1500, 1));
    datasets.ingest(loans, data.resolve("reference.csv").toString(), null, "reference");
    datasets.ingest(loans, data.resolve("daily/day-01.csv").toString(), null, "day-01");
    datasets.ingest(loans, data.resolve("daily/day-02.csv").toString(), null, "day-02");
    Profiler profiler = new Profiler(lake);
    int bins = TestSpark.config().drift().bins();
    reference = byColumn(profiler.profile(loans, datasets.readBatch("loans", "reference"), null, bins));
    day1 = byColumn(profiler.profile(loans, datasets.readBatch("loans", "day-01"), "reference", bins));
    day2 = byColumn(profiler.profile(loans, datasets.readBatch("loans", "day-02"), "reference", bins));
    DriftDetector detector = new DriftDetector(lake, TestSpark.config().drift());
    detector.compare("loan_default", "loans", "day-01", "reference", "auto");
    drift2 = detector.compare("loan_default", "loans", "day-02", "reference", "auto");
  }

  static Map<String, ColumnProfile> byColumn(List<ColumnProfile> profiles) {
    return profiles.stream().collect(Collectors.toMap(ColumnProfile::column, p -> p));
  }

  static final List<String> NUMERIC = List.of("age", "income", "loan_amount", "credit_score", "employment_years");
  static final List<String> CATEGORICAL = List.of("home_ownership", "purpose", "region");

  @Test
  void numericProfilesMatchAPlainJavaSummaryOfTheRawFile() {
    for (String file : List.of("reference.csv", "daily/day-02.csv")) {
      Csv csv = Csv.read(data.resolve(file));
      Map<String, ColumnProfile> profiles = file.startsWith("ref") ? reference : day2;
      for (String column : NUMERIC) {
        ColumnProfile p = profiles.get(column);
        NumericSummary expected = NumericSummary.of(csv.numbers(column), reference.get(column).binEdges());
        assertArrayEquals(expected.binCounts(), p.binCounts(), column + " histogram of " + file);
        assertEquals(expected.count(), p.count(), column);
        assertEquals(expected.nulls(), p.nulls(), column);
        assertEquals(expected.mean(), p.mean(), 1e-9 * Math.abs(expected.mean()), column);
        assertEquals(expected.stddev(), p.stddev(), 1e-9 * expected.stddev(), column);
        assertEquals(expected.min(), p.min(), column);
        assertEquals(expected.max(), p.max(), column);
      }
    }
  }

  @Test
  void baselineEdgesAreTheBaselineQuantiles() {
    double[] income = Csv.read(data.resolve("reference.csv")).numbers("income");
    double[] edges = reference.get("income").binEdges();
    int bins = TestSpark.config().drift().bins();
    assertEquals(bins - 1, edges.length);
    for (int k = 0; k < edges.length; k++) {
      double edge = edges[k];
      double below = Arrays.stream(income).filter(v -> v < edge).count() / (double) income.length;
      // The percentile sketch's rank error is 1/10000; one row more or less is 1/3000.
      assertEquals((k + 1.0) / bins, below, 1.0 / 3000 + 1e-4 + 1e-9, "edge " + k);
    }
    for (String column : NUMERIC) {
      double[] e = reference.get(column).binEdges();
      for (int k = 1; k < e.length; k++) {
        assertTrue(e[k] > e[k - 1], column + " edges increase");
      }
    }
  }

  @Test
  void categoricalProfilesCountEveryCategory() {
    Csv csv = Csv.read(data.resolve("daily/day-02.csv"));
    for (String column : CATEGORICAL) {
      Map<String, Long> expected = new HashMap<>();
      csv.column(column).forEach(v -> expected.merge(v, 1L, Long::sum));
      assertEquals(expected, day2.get(column).categoryCounts(), column);
    }
  }

  @Test
  void storedDriftMetricsEqualTheStatisticsOfTheJavaSummaries() {
    Csv ref = Csv.read(data.resolve("reference.csv"));
    Csv cur = Csv.read(data.resolve("daily/day-02.csv"));
    List<Row> rows =
        lake.read(MonitorTables.DRIFT_METRICS)
            .where(col("batch").equalTo("day-02").and(col("comparison").equalTo("baseline")))
            .collectAsList();
    assertEquals(NUMERIC.size() * 4 + CATEGORICAL.size() * 3, rows.size());
    for (Row r : rows) {
      String column = r.getAs("column");
      String metric = r.getAs("metric");
      double expected;
      if (NUMERIC.contains(column)) {
        double[] edges = reference.get(column).binEdges();
        NumericSummary b = NumericSummary.of(ref.numbers(column), edges);
        NumericSummary c = NumericSummary.of(cur.numbers(column), edges);
        expected = switch (metric) {
          case "psi" -> DriftStatistics.psi(b, c);
          case "ks" -> DriftStatistics.ks(b, c).statistic();
          case "js" -> DriftStatistics.jensenShannon(b, c);
          case "wasserstein" -> DriftStatistics.wasserstein(b, c) / b.stddev();
          default -> throw new AssertionError(metric);
        };
        if (metric.equals("ks")) {
          // The histogram KS brackets the exact statistic of the raw samples.
          double exact = DriftStatistics.ksExact(ref.numbers(column), cur.numbers(column));
          double lower = r.getAs("value");
          double bound = r.getAs("error_bound");
          assertTrue(lower <= exact + 1e-12 && exact <= lower + bound + 1e-12, column + " KS bracket");
        }
      } else {
        CategoricalSummary b = CategoricalSummary.of(ref.column(column));
        CategoricalSummary c = CategoricalSummary.of(cur.column(column));
        expected = switch (metric) {
          case "chi_square_p" -> DriftStatistics.chiSquare(b, c).pValue();
          case "psi" -> DriftStatistics.psi(b, c);
          case "js" -> DriftStatistics.jensenShannon(b, c);
          default -> throw new AssertionError(metric);
        };
      }
      assertEquals(expected, r.<Double>getAs("value"), 1e-9 * Math.max(1, Math.abs(expected)), column + " " + metric);
    }
  }

  @Test
  void theKnownDriftAlertsAndTheStableColumnsDoNot() {
    assertEquals(Set.copyOf(DemoData.DRIFTING), Set.copyOf(drift2.alertingColumns()));
    List<Row> day1Alerts =
        lake.read(MonitorTables.DRIFT_METRICS).where(col("batch").equalTo("day-01").and(col("alerting"))).collectAsList();
    assertEquals(List.of(), day1Alerts);
    // Day 2 compares with day 1 too, found on its own as the previous profiled batch.
    assertEquals("day-01", drift2.previous());
    assertTrue(drift2.metrics().stream().anyMatch(m -> m.comparison().equals("previous") && m.alerting()
        && m.column().equals("income")));
  }

  @Test
  void comparingAgainReplacesTheMetrics() {
    long before = lake.read(MonitorTables.DRIFT_METRICS).count();
    new DriftDetector(lake, TestSpark.config().drift()).compare("loan_default", "loans", "day-02", "reference", "auto");
    assertEquals(before, lake.read(MonitorTables.DRIFT_METRICS).count());
  }
}
