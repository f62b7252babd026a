package dev.esteira.monitor.stats;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * History anomalies on generated batches: the robust z-score against a hand computation, at most 5 %
 * alerts over 40 stable batches, and a halved row count, a null-rate jump, a late batch and a collapsed
 * category set each alerting on the first affected batch (plain Java).
 */
class HistoryAnomaliesTest {
  static final int WINDOW = 14;
  static final int MIN = 7;
  static final double CUT = 3.5;

  @Test
  void theRobustZScoreIsTheModifiedZScoreOfItsWindow() {
    // Row counts 100, 102, 98, 101, 99, 130 (one odd batch), 100: median 100, |deviations| 0, 2, 2, 1,
    // 1, 30, 0 → MAD 1, s = max(1.4826, √100 = 10) = 10: 160 is z = 6; 112 is z = 1.2.
    long[] rows = {100, 102, 98, 101, 99, 130, 100};
    List<HistoryAnomalies.Facts> window = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      window.add(new HistoryAnomalies.Facts("b" + i, rows[i], i * 86_400.0, Map.of(), Map.of(), Map.of()));
    }
    HistoryAnomalies.Check c = HistoryAnomalies.check(window,
        new HistoryAnomalies.Facts("x", 160, 7 * 86_400.0, Map.of(), Map.of(), Map.of()), MIN, CUT).get(0);
    assertEquals("row_count", c.metric());
    assertEquals(100, c.median());
    assertEquals(10, c.scale(), 1e-12);
    assertEquals(6.0, c.z(), 1e-12);
    assertTrue(c.alerting());
    assertFalse(HistoryAnomalies.check(window,
        new HistoryAnomalies.Facts("x", 112, 7 * 86_400.0, Map.of(), Map.of(), Map.of()), MIN, CUT).get(0).alerting());
    // Gaps of exactly one day: s is the floor, 5 % of a day (4,320 s); a batch 6 hours late is z = 5.
    HistoryAnomalies.Check late = HistoryAnomalies.check(window,
        new HistoryAnomalies.Facts("x", 100, 7 * 86_400.0 + 21_600, Map.of(), Map.of(), Map.of()), MIN, CUT).get(1);
    assertEquals("arrival_gap_s", late.metric());
    assertEquals(5, late.z(), 1e-9);
    // Too short a window: insufficient data, never an alert.
    assertEquals(ColumnDrift.Status.INSUFFICIENT_DATA, HistoryAnomalies.check(window.subList(0, 3),
        new HistoryAnomalies.Facts("x", 1, 3 * 86_400.0, Map.of(), Map.of(), Map.of()), MIN, CUT).get(0).status());
  }

  enum Change { NONE, HALF_ROWS, NULLS, LATE, CATEGORIES }

  /** One batch: about 2,000 rows, a 5 % null column, 40 categories drawn, a daily arrival with jitter. */
  static HistoryAnomalies.Facts batch(Random r, int day, Change change) {
    long rows = Math.round(2000 + 60 * r.nextGaussian()) / (change == Change.HALF_ROWS ? 2 : 1);
    long nulls = 0;
    double nullShare = change == Change.NULLS ? 0.12 : 0.05;
    Set<Integer> categories = new HashSet<>();
    for (long i = 0; i < rows; i++) {
      nulls += r.nextDouble() < nullShare ? 1 : 0;
      categories.add(change == Change.CATEGORIES ? r.nextInt(10) : r.nextInt(40));
    }
    double arrival = day * 86_400.0 + 600 * r.nextGaussian() + (change == Change.LATE ? 6 * 3600 : 0);
    return new HistoryAnomalies.Facts("day-" + day, rows, arrival, Map.of("income", (double) nulls / rows),
        Map.of("income", 0.0), Map.of("region", (double) categories.size()));
  }

  static List<HistoryAnomalies.Check> against(List<HistoryAnomalies.Facts> history, HistoryAnomalies.Facts b) {
    List<HistoryAnomalies.Facts> window = history.subList(Math.max(0, history.size() - WINDOW), history.size());
    return HistoryAnomalies.check(window, b, MIN, CUT);
  }

  @Test
  void stableBatchesRaiseAtMostFivePercentAlertsAndEachChangeAlertsOnItsFirstBatch() {
    Random r = new Random(44);
    List<HistoryAnomalies.Facts> history = new ArrayList<>();
    for (int day = 0; day < MIN; day++) {
      history.add(batch(r, day, Change.NONE));
    }
    int checks = 0;
    int alerts = 0;
    int batchesAlerting = 0;
    for (int day = MIN; day < MIN + 40; day++) {
      HistoryAnomalies.Facts b = batch(r, day, Change.NONE);
      List<HistoryAnomalies.Check> cs = against(history, b);
      assertEquals(5, cs.size());
      assertTrue(cs.stream().noneMatch(c -> c.status() == ColumnDrift.Status.INSUFFICIENT_DATA), cs.toString());
      checks += cs.size();
      long a = cs.stream().filter(HistoryAnomalies.Check::alerting).count();
      cs.stream().filter(HistoryAnomalies.Check::alerting).forEach(c -> System.out.println("stable batch alerted: " + c));
      alerts += a;
      batchesAlerting += a > 0 ? 1 : 0;
      history.add(b);
    }
    System.out.printf("history anomalies on 40 stable batches: %d of %d checks (%.1f %%), %d batches%n",
        alerts, checks, 100.0 * alerts / checks, batchesAlerting);
    assertTrue(batchesAlerting <= 2, batchesAlerting + " of 40 stable batches alerted");

    int day = MIN + 40;
    Map<Change, String> expected = Map.of(Change.HALF_ROWS, "row_count", Change.NULLS, "null_rate",
        Change.LATE, "arrival_gap_s", Change.CATEGORIES, "distinct_count");
    for (Map.Entry<Change, String> e : expected.entrySet()) {
      List<HistoryAnomalies.Check> cs = against(history, batch(r, day, e.getKey()));
      assertEquals(List.of(e.getValue()),
          cs.stream().filter(HistoryAnomalies.Check::alerting).map(HistoryAnomalies.Check::metric).toList(),
          e.getKey() + ": " + cs);
    }
  }
}
