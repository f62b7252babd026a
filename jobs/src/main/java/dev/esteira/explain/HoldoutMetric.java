package dev.esteira.explain;

import java.util.Arrays;
import java.util.List;

/**
 * The task metrics on rows held in memory ({score, prediction} per row and the label), for permutation
 * importance, which evaluates the same rows many times: AUC-ROC (Mann–Whitney, ties counted half), AUC-PR
 * (trapezoids between the precision–recall points of each distinct score, starting at recall 0 with the
 * first point's precision, as MLlib does), accuracy, precision, recall and F1 of the positive class; MSE,
 * RMSE, MAE and R². Scores are the positive class's probability; predictions are classes or values.
 */
public final class HoldoutMetric {
  private HoldoutMetric() {}

  public static final List<String> NAMES =
      List.of("auc_roc", "auc_pr", "accuracy", "precision", "recall", "f1", "mse", "rmse", "mae", "r2");

  public static boolean higherIsBetter(String metric) {
    return !List.of("mse", "rmse", "mae").contains(metric);
  }

  public static double of(String metric, double[][] out, double[] label) {
    int n = label.length;
    switch (metric) {
      case "auc_roc":
        return aucRoc(out, label);
      case "auc_pr":
        return aucPr(out, label);
      case "accuracy", "precision", "recall", "f1": {
        double tp = 0, fp = 0, fn = 0, correct = 0;
        for (int i = 0; i < n; i++) {
          boolean p = out[i][1] == 1.0;
          boolean y = label[i] == 1.0;
          correct += p == y ? 1 : 0;
          tp += p && y ? 1 : 0;
          fp += p && !y ? 1 : 0;
          fn += !p && y ? 1 : 0;
        }
        double precision = tp + fp == 0 ? 0 : tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : tp / (tp + fn);
        return switch (metric) {
          case "accuracy" -> correct / n;
          case "precision" -> precision;
          case "recall" -> recall;
          default -> precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        };
      }
      case "mse", "rmse", "mae", "r2": {
        double se = 0, ae = 0, mean = 0;
        for (double y : label) {
          mean += y / n;
        }
        double st = 0;
        for (int i = 0; i < n; i++) {
          double e = out[i][1] - label[i];
          se += e * e;
          ae += Math.abs(e);
          st += (label[i] - mean) * (label[i] - mean);
        }
        return switch (metric) {
          case "mse" -> se / n;
          case "rmse" -> Math.sqrt(se / n);
          case "mae" -> ae / n;
          default -> 1 - se / st;
        };
      }
      default:
        throw new IllegalArgumentException("no in-memory metric '" + metric + "' (known: " + NAMES + ")");
    }
  }

  /** Sorted by score, ranks averaged over ties: AUC = (sum of positives' ranks - P(P+1)/2) / (P·N). */
  static double aucRoc(double[][] out, double[] label) {
    int n = label.length;
    Integer[] idx = order(out);
    double rankSumPos = 0;
    long pos = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && out[idx[j + 1]][0] == out[idx[i]][0]) {
        j++;
      }
      double avgRank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (label[idx[k]] == 1.0) {
          rankSumPos += avgRank;
          pos++;
        }
      }
      i = j + 1;
    }
    long neg = n - pos;
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }

  static double aucPr(double[][] out, double[] label) {
    int n = label.length;
    Integer[] idx = order(out);
    double totalPos = Arrays.stream(label).filter(y -> y == 1.0).count();
    if (totalPos == 0) {
      return Double.NaN;
    }
    double tp = 0, fp = 0, area = 0, prevRecall = 0, prevPrecision = -1;
    int i = n - 1;
    while (i >= 0) {
      int j = i;
      while (j - 1 >= 0 && out[idx[j - 1]][0] == out[idx[i]][0]) {
        j--;
      }
      for (int k = j; k <= i; k++) {
        if (label[idx[k]] == 1.0) {
          tp++;
        } else {
          fp++;
        }
      }
      double recall = tp / totalPos;
      double precision = tp / (tp + fp);
      if (prevPrecision < 0) {
        prevPrecision = precision;
      }
      area += (recall - prevRecall) * (precision + prevPrecision) / 2;
      prevRecall = recall;
      prevPrecision = precision;
      i = j - 1;
    }
    return area;
  }

  private static Integer[] order(double[][] out) {
    Integer[] idx = new Integer[out.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Double.compare(out[a][0], out[b][0]));
    return idx;
  }
}
