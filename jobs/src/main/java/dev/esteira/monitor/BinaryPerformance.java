package dev.esteira.monitor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary classification metrics from score bins, plain Java. A bin holds rows of (nearly) one score and
 * one predicted class, with how many of them are positive: counted from labels (realized performance)
 * or expected from calibrated probabilities (estimated performance). The same arithmetic serves both,
 * so an estimate and its realized value differ only by the positives they are given.
 *
 * <p>The confusion matrix is exact for the given positives. ROC AUC is the probability that a positive
 * scores above a negative, ties (rows of one bin) counted half: on bins narrower than the scores'
 * spacing it is the Mann–Whitney statistic.
 */
public final class BinaryPerformance {
  private BinaryPerformance() {}

  /** Metric names, in the order they are reported. */
  public static final List<String> NAMES =
      List.of("accuracy", "precision", "recall", "f1", "auc_roc", "tp", "fp", "tn", "fn");

  /** Rows of score {@code score} predicted {@code predictedPositive}; {@code positives} of them positive. */
  public record Bin(double score, boolean predictedPositive, double rows, double positives) {}

  public static Map<String, Double> metrics(List<Bin> bins) {
    double tp = 0, fp = 0, tn = 0, fn = 0;
    for (Bin b : bins) {
      double neg = b.rows() - b.positives();
      if (b.predictedPositive()) {
        tp += b.positives();
        fp += neg;
      } else {
        fn += b.positives();
        tn += neg;
      }
    }
    double n = tp + fp + tn + fn;
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("accuracy", ratio(tp + tn, n));
    double precision = ratio(tp, tp + fp);
    double recall = ratio(tp, tp + fn);
    m.put("precision", precision);
    m.put("recall", recall);
    m.put("f1", precision + recall > 0 ? 2 * precision * recall / (precision + recall) : Double.NaN);
    m.put("auc_roc", aucRoc(bins));
    m.put("tp", tp);
    m.put("fp", fp);
    m.put("tn", tn);
    m.put("fn", fn);
    return m;
  }

  /** Σ over negatives of the positives scored above them (ties half), over P·N; NaN with one class. */
  static double aucRoc(List<Bin> bins) {
    List<Bin> sorted = new ArrayList<>(bins);
    sorted.sort(Comparator.comparingDouble(Bin::score).reversed());
    double positives = 0, negatives = 0, pairs = 0, above = 0;
    int i = 0;
    while (i < sorted.size()) {
      // Rows of equal score are ties whatever class was predicted for them.
      double pos = 0, neg = 0;
      int j = i;
      while (j < sorted.size() && sorted.get(j).score() == sorted.get(i).score()) {
        pos += sorted.get(j).positives();
        neg += sorted.get(j).rows() - sorted.get(j).positives();
        j++;
      }
      pairs += neg * (above + pos / 2);
      above += pos;
      positives += pos;
      negatives += neg;
      i = j;
    }
    return positives > 0 && negatives > 0 ? pairs / (positives * negatives) : Double.NaN;
  }

  private static double ratio(double a, double b) {
    return b > 0 ? a / b : Double.NaN;
  }
}
