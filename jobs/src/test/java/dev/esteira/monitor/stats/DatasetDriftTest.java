package dev.esteira.monitor.stats;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The dataset verdict: the Benjamini–Hochberg procedure against a hand-computed example, and the
 * verdict's false-alarm rate across 200 stable columns over 40 generated batches, and its power with 5
 * drifted columns among 200 (plain Java, no Spark).
 */
class DatasetDriftTest {
  static final int K = NumericProfile.DEFAULT_K;

  @Test
  void benjaminiHochbergStepsUpAsComputedByHand() {
    // m = 6, q = 0.05: the bounds i·q/m are 0.00833, 0.01667, 0.025, 0.03333, 0.04167, 0.05. Sorted,
    // p(3) = 0.029 misses its bound 0.025 but p(4) = 0.032 meets 0.03333: the largest such i is 4, so
    // the four smallest are rejected (step-up), 0.029 included.
    double[] p = {0.2, 0.012, 0.9, 0.029, 0.004, 0.032};
    assertArrayEquals(new boolean[] {false, true, false, true, true, true}, DatasetDrift.rejected(p, 0.05));
    // Adjusted: m·p(i)/i = 0.024, 0.036, 0.058, 0.048, 0.24, 0.9, then the running minimum from the top.
    assertArrayEquals(new double[] {0.24, 0.036, 0.9, 0.048, 0.024, 0.048}, DatasetDrift.adjusted(p), 1e-12);
    // At q = 0.03 only p(1) = 0.004 <= 0.005 and p(2) = 0.012 > 0.01: one rejection.
    assertArrayEquals(new boolean[] {false, false, false, false, true, false}, DatasetDrift.rejected(p, 0.03));

    List<DatasetDrift.ColumnTest> tests = new ArrayList<>();
    String[] names = {"a", "b", "c", "d", "e", "f"};
    for (int i = 0; i < p.length; i++) {
      tests.add(new DatasetDrift.ColumnTest(names[i], p[i], !names[i].equals("e")));
    }
    DatasetDrift.Verdict v = DatasetDrift.verdict(tests, 0.05);
    assertEquals(6, v.tested());
    assertEquals(0.024, v.simesP(), 1e-12);
    assertEquals(List.of("e", "b", "d", "f"), v.rejected());
    assertEquals(List.of("b", "d", "f"), v.drifted(), "e is rejected but its distance did not pass");
    assertTrue(v.drift());
    // Only e rejected, and its distance did not pass: no dataset drift.
    assertFalse(DatasetDrift.verdict(tests, 0.03).drift());
    assertFalse(DatasetDrift.verdict(List.of(), 0.05).drift());
    assertEquals(5, DatasetDrift.verdict(List.of(new DatasetDrift.ColumnTest("x", Double.NaN, true),
        new DatasetDrift.ColumnTest("y", 0.5, true), new DatasetDrift.ColumnTest("z", 0.5, true),
        new DatasetDrift.ColumnTest("u", 0.5, true), new DatasetDrift.ColumnTest("v", 0.5, true),
        new DatasetDrift.ColumnTest("w", 0.5, true)), 0.05).tested());
  }

  /** 200 columns of four kinds: normal, log-normal, rounded (ties) and 12 categories. */
  static final int COLUMNS = 200;

  static Object[] batch(Random r, int n, double shift, int shifted) {
    Object[] cols = new Object[COLUMNS];
    for (int c = 0; c < COLUMNS; c++) {
      double s = c < shifted ? shift : 0;
      if (c % 4 == 3) {
        String[] v = new String[n];
        for (int i = 0; i < n; i++) {
          int k = r.nextDouble() < s ? 0 : (int) Math.floor(12 * Math.pow(r.nextDouble(), 1.5));
          v[i] = "k" + k;
        }
        cols[c] = CategoricalProfile.of(CategoricalProfile.DEFAULT_CAP, v);
      } else {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
          double g = r.nextGaussian() + s;
          v[i] = c % 4 == 0 ? g : c % 4 == 1 ? Math.exp(g) : Math.round(2 * g);
        }
        cols[c] = NumericProfile.of(K, v);
      }
    }
    return cols;
  }

  /** The columns' tests of one comparison; counts in {@code columnAlarms[0]} the columns that alerted alone. */
  static List<DatasetDrift.ColumnTest> compare(Object[] ref, Object[] cur, int[] columnAlarms) {
    List<DatasetDrift.ColumnTest> tests = new ArrayList<>();
    for (int c = 0; c < COLUMNS; c++) {
      List<ColumnDrift.Metric> m = ref[c] instanceof NumericProfile a
          ? ColumnDrift.numeric(a, (NumericProfile) cur[c], POLICY)
          : ColumnDrift.categorical((CategoricalProfile) ref[c], (CategoricalProfile) cur[c], POLICY);
      if (m.stream().anyMatch(ColumnDrift.Metric::alerting)) {
        columnAlarms[0]++;
      }
      DatasetDrift.ColumnTest t = DatasetDrift.test("c" + c, m);
      if (t != null) {
        tests.add(t);
      }
    }
    return tests;
  }

  static final DriftPolicy POLICY = DriftPolicy.defaults();
  static final double[] LEVELS = {0.05, 0.01};

  @Test
  void onStableColumnsTheDatasetVerdictAlarmsAtMostAtItsLevelAndFindsFiveDriftedAmong200() {
    Random r = new Random(2026);
    Object[] baseline = batch(r, 300, 0, 0);
    Object[] previous = null;
    int comparisons = 0;
    int[] alarms = new int[LEVELS.length];
    int withAColumnAlarm = 0;
    for (int day = 0; day < 40; day++) {
      Object[] b = batch(r, 300, 0, 0);
      for (Object[] ref : previous == null ? List.<Object[]>of(baseline) : List.<Object[]>of(baseline, previous)) {
        int[] columnAlarms = {0};
        List<DatasetDrift.ColumnTest> tests = compare(ref, b, columnAlarms);
        assertEquals(COLUMNS, tests.size());
        comparisons++;
        for (int l = 0; l < LEVELS.length; l++) {
          alarms[l] += DatasetDrift.verdict(tests, LEVELS[l]).drift() ? 1 : 0;
        }
        withAColumnAlarm += columnAlarms[0] > 0 ? 1 : 0;
      }
      previous = b;
    }
    for (int l = 0; l < LEVELS.length; l++) {
      double rate = (double) alarms[l] / comparisons;
      System.out.printf("level %.2f: dataset verdict alarmed on %d of %d stable comparisons (%.1f %%); "
          + "at least one column alarmed alone on %d%n", LEVELS[l], alarms[l], comparisons, 100 * rate, withAColumnAlarm);
      assertTrue(rate <= LEVELS[l], alarms[l] + " of " + comparisons + " at level " + LEVELS[l]);
    }
    // The point of the verdict: alone, 200 columns at p_value 0.01 alarm on most stable nights.
    assertTrue(withAColumnAlarm > comparisons / 2, withAColumnAlarm + " of " + comparisons);

    // Five columns (normal, log-normal, ties, categories, normal) shifted by 0.3 SD among 200 stable ones.
    List<DatasetDrift.ColumnTest> tests = compare(baseline, batch(r, 300, 0.3, 5), new int[1]);
    for (double level : LEVELS) {
      DatasetDrift.Verdict v = DatasetDrift.verdict(tests, level);
      System.out.println("five drifted among 200, level " + level + ": " + v);
      assertTrue(v.drift(), v.toString());
      long named = v.drifted().stream().filter(List.of("c0", "c1", "c2", "c3", "c4")::contains).count();
      assertTrue(named >= 1 && v.drifted().size() - named <= 1, v.toString());
    }
  }
}
