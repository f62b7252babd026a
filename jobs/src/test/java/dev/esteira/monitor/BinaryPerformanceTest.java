package dev.esteira.monitor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The metrics arithmetic against independent, row-by-row computations. */
class BinaryPerformanceTest {

  @Test
  void rowBinsGiveTheConfusionMatrixAndTheMannWhitneyAuc() {
    SplittableRandom r = new SplittableRandom(3);
    int n = 700;
    double[] score = new double[n];
    int[] label = new int[n];
    List<BinaryPerformance.Bin> bins = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // Scores on a coarse grid, so that ties (counted half) occur.
      score[i] = Math.round(r.nextDouble() * 50) / 50.0;
      label[i] = r.nextDouble() < 0.2 + 0.6 * score[i] ? 1 : 0;
      bins.add(new BinaryPerformance.Bin(score[i], score[i] >= 0.5, 1, label[i]));
    }
    Map<String, Double> m = BinaryPerformance.metrics(bins);
    int tp = 0, fp = 0, tn = 0, fn = 0;
    for (int i = 0; i < n; i++) {
      boolean pred = score[i] >= 0.5;
      if (pred && label[i] == 1) tp++;
      else if (pred) fp++;
      else if (label[i] == 1) fn++;
      else tn++;
    }
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (label[i] == 1 && label[j] == 0) {
          pairs++;
          wins += score[i] > score[j] ? 1 : score[i] == score[j] ? 0.5 : 0;
        }
      }
    }
    assertEquals(tp, m.get("tp"));
    assertEquals(fn, m.get("fn"));
    assertEquals(fp, m.get("fp"));
    assertEquals(tn, m.get("tn"));
    assertEquals((double) (tp + tn) / n, m.get("accuracy"), 1e-12);
    double precision = (double) tp / (tp + fp);
    double recall = (double) tp / (tp + fn);
    assertEquals(precision, m.get("precision"), 1e-12);
    assertEquals(recall, m.get("recall"), 1e-12);
    assertEquals(2 * precision * recall / (precision + recall), m.get("f1"), 1e-12);
    assertEquals(wins / pairs, m.get("auc_roc"), 1e-12);
  }

  @Test
  void expectedPositivesGiveTheExpectedConfusionMatrix() {
    // Two bins, probabilities 0.9 (predicted positive) and 0.2 (negative), 10 rows each.
    Map<String, Double> m = BinaryPerformance.metrics(List.of(
        new BinaryPerformance.Bin(0.9, true, 10, 9), new BinaryPerformance.Bin(0.2, false, 10, 2)));
    assertEquals(9, m.get("tp"), 1e-12);
    assertEquals(1, m.get("fp"), 1e-12);
    assertEquals(2, m.get("fn"), 1e-12);
    assertEquals(8, m.get("tn"), 1e-12);
    assertEquals(17 / 20.0, m.get("accuracy"), 1e-12);
    // P(pos above neg): negatives of the low bin (8) are below all 9 high positives, ties half.
    double auc = (8 * (9 + 1) + 1 * (4.5)) / (11.0 * 9.0);
    assertEquals(auc, m.get("auc_roc"), 1e-12);
    assertTrue(Double.isNaN(BinaryPerformance.metrics(List.of(new BinaryPerformance.Bin(0.5, true, 3, 3))).get("auc_roc")));
  }

  @Test
  void calibrationInterpolatesLikeMllibAndIsConstantBeyondItsBoundaries() {
    Calibration c = new Calibration(new double[] {0.1, 0.5, 0.9}, new double[] {0.0, 0.4, 1.0}, 10);
    assertEquals(0.0, c.apply(0.0));
    assertEquals(0.2, c.apply(0.3), 1e-12);
    assertEquals(0.4, c.apply(0.5), 1e-12);
    assertEquals(0.7, c.apply(0.7), 1e-12);
    assertEquals(1.0, c.apply(0.95));
  }
}
