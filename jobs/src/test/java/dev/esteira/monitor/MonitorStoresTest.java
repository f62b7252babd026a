package dev.esteira.monitor;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.lake.Lakehouse;
import dev.esteira.testing.TestSpark;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The typed queries of the monitor's stores on small real Delta tables: what continuous training and the
 * demo ask of drift_metrics and performance must select exactly the target, model, version and batches
 * asked for, and a keyed rewrite must replace rather than add.
 */
class MonitorStoresTest {
  static final Timestamp AT = new Timestamp(0);
  static final Target LOANS = Target.dataset("loans");
  static Lakehouse lake;

  static DriftStore.DriftMetric metric(Target t, String batch, String column, String metric, boolean alerting) {
    return new DriftStore.DriftMetric(t, "loans", batch, "baseline", "reference", column, "numeric", metric, 0.3, null,
        0.2, alerting ? "drift" : "ok", alerting, alerting, false, AT);
  }

  static PerformanceStore.Performance perf(String model, int version, String batch, String kind, long labelled,
      boolean alerting) {
    return new PerformanceStore.Performance(model, version, batch, kind, "auc_roc", 0.7, labelled, 1000, 0.8, 0.75,
        alerting, AT);
  }

  @BeforeAll
  static void setUp() {
    lake = TestSpark.freshLakehouse("monitor-stores");
    DriftStore drift = new DriftStore(lake);
    drift.replace(LOANS, "day-01", List.of(metric(LOANS, "day-01", "income", "psi", false)));
    drift.replace(LOANS, "day-02", List.of(
        metric(LOANS, "day-02", "income", "psi", true), metric(LOANS, "day-02", "income", "ks", true),
        metric(LOANS, "day-02", "purpose", "chi2", true), metric(LOANS, "day-02", "age", "psi", false)));
    drift.replace(LOANS, "day-03", List.of(metric(LOANS, "day-03", "age", "psi", true)));
    // The same batch and column under other targets: another dataset whose name starts like this one,
    // and a model's outputs. Neither may leak into the dataset's answers.
    Target other = Target.dataset("loans_eu");
    drift.replace(other, "day-02", List.of(metric(other, "day-02", "term", "psi", true)));
    Target outputs = Target.modelOutputs("loan_default", 2);
    drift.replace(outputs, "day-02", List.of(metric(outputs, "day-02", "probability", "psi", true)));
    Target longer = Target.modelOutputs("loan_default_eu", 1);
    drift.replace(longer, "day-02", List.of(metric(longer, "day-02", "probability", "psi", true)));

    PerformanceStore perf = new PerformanceStore(lake);
    perf.replace("loan_default", null, List.of(
        perf("loan_default", 1, "day-01", PerformanceTables.REALIZED, 500, false),
        perf("loan_default", 1, "day-02", PerformanceTables.REALIZED, 150, true),
        perf("loan_default", 1, "day-03", PerformanceTables.REALIZED, 300, true),
        perf("loan_default", 1, "day-04", PerformanceTables.ESTIMATED, 0, true),
        perf("loan_default", 2, "day-01", PerformanceTables.REALIZED, 900, true)));
    perf.replace("other", null, List.of(perf("other", 1, "day-09", PerformanceTables.REALIZED, 900, true)));
  }

  @Test
  void alertingColumnsAreThoseOfTheTargetAndBatchesAsked() {
    Map<String, SortedSet<String>> asked = new DriftStore(lake).alertingColumns(LOANS, List.of("day-01", "day-02"));
    // day-01 has no alert, so it is left out; age did not alert on day-02; loans_eu's term is another target.
    assertEquals(Map.of("day-02", Set.of("income", "purpose")), asked);
    assertEquals(List.of("income", "purpose"), new ArrayList<>(asked.get("day-02")), "sorted");
    Map<String, SortedSet<String>> all = new DriftStore(lake).alertingColumns(LOANS, null);
    assertEquals(Map.of("day-02", Set.of("income", "purpose"), "day-03", Set.of("age")), all);
  }

  @Test
  void aKeyedRewriteOfABatchReplacesItsMetrics() {
    Target t = Target.dataset("rewritten");
    DriftStore drift = new DriftStore(lake);
    drift.replace(t, "b", List.of(metric(t, "b", "x", "psi", true), metric(t, "b", "y", "psi", true)));
    drift.replace(t, "b", List.of(metric(t, "b", "x", "psi", false)));
    List<DriftStore.DriftMetric> stored = drift.metrics(t);
    assertEquals(1, stored.size());
    assertEquals(t, stored.get(0).target(), "the target reads back as the value written");
    assertFalse(stored.get(0).alerting());
  }

  @Test
  void modelOutputMetricsAreThoseOfEveryVersionOfThatModelOnly() {
    List<DriftStore.DriftMetric> m = new DriftStore(lake).modelOutputMetrics("loan_default");
    assertEquals(1, m.size());
    assertEquals(Target.modelOutputs("loan_default", 2), m.get(0).target());
  }

  @Test
  void decayedAndLabelledBatchesOfAVersion() {
    PerformanceStore perf = new PerformanceStore(lake);
    // Estimated decay (day-04) and another version's or model's rows never count.
    assertEquals(Set.of("day-02", "day-03"), perf.decayedBatches("loan_default", 1));
    assertEquals(Set.of("day-01", "day-03"), perf.labelledBatches("loan_default", 1, 200));
    assertEquals(Set.of("day-01", "day-02", "day-03"), perf.labelledBatches("loan_default", 1, 150));
    assertEquals(Set.of(), perf.decayedBatches("loan_default", 3));
    assertEquals(5, perf.of("loan_default").size());
  }
}
