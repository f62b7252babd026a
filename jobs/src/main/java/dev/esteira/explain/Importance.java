package dev.esteira.explain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Permutation importance in plain Java, on rows already collected: a column's importance is how much the
 * task's metric worsens when that column's values are shuffled among the rows (its one-hot slots moved
 * together, so the column is permuted as the user knows it), averaged over repeated seeded shuffles, with
 * the spread of the repetitions as its interval. Positive: the model needs the column; near zero: it
 * does not. Deterministic for a seed.
 */
public final class Importance {
  private Importance() {}

  /** A model's output for one feature vector: {score (probability of the positive class, or prediction), prediction}. */
  @FunctionalInterface
  public interface Predictor {
    double[] apply(double[] x);
  }

  /** One column's importance: mean, standard deviation, smallest and largest worsening over the repetitions. */
  public record Column(String column, double mean, double std, double low, double high, int rank) {}

  public record Result(String metric, double baseline, int rows, int repeats, List<Column> columns) {}

  /**
   * The importance of every column of {@code slots} for {@code predictor} on rows {@code x} with labels
   * {@code label}, by {@code metric}; {@code repeats} shuffles per column, all drawn from {@code seed}.
   */
  public static Result permutation(Slots slots, Predictor predictor, double[][] x, double[] label, String metric,
      int repeats, long seed) {
    int n = x.length;
    if (n < 2) {
      throw new IllegalArgumentException("permutation importance needs at least 2 rows, got " + n);
    }
    double baseline = HoldoutMetric.of(metric, score(predictor, x), label);
    boolean higher = HoldoutMetric.higherIsBetter(metric);
    List<String> columns = slots.columns();
    var bySlots = slots.slotsByColumn();
    double[][] drops = new double[columns.size()][repeats];
    Random rnd = new Random(seed);
    double[][] permuted = new double[n][];
    for (int r = 0; r < repeats; r++) {
      for (int c = 0; c < columns.size(); c++) {
        int[] order = shuffle(n, rnd);
        int[] cols = bySlots.get(columns.get(c));
        for (int i = 0; i < n; i++) {
          double[] row = x[i].clone();
          for (int s : cols) {
            row[s] = x[order[i]][s];
          }
          permuted[i] = row;
        }
        double m = HoldoutMetric.of(metric, score(predictor, permuted), label);
        drops[c][r] = higher ? baseline - m : m - baseline;
      }
    }
    List<Column> out = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      double[] d = drops[c];
      double mean = Arrays.stream(d).average().orElse(Double.NaN);
      double ss = 0;
      for (double v : d) {
        ss += (v - mean) * (v - mean);
      }
      double std = d.length > 1 ? Math.sqrt(ss / (d.length - 1)) : 0;
      out.add(new Column(columns.get(c), mean, std, Arrays.stream(d).min().orElse(Double.NaN),
          Arrays.stream(d).max().orElse(Double.NaN), 0));
    }
    return new Result(metric, baseline, n, repeats, ranked(out));
  }

  /** Largest mean first (ties by name), ranks from 1. */
  static List<Column> ranked(List<Column> columns) {
    List<Column> sorted = new ArrayList<>(columns);
    sorted.sort(Comparator.comparingDouble(Column::mean).reversed().thenComparing(Column::column));
    List<Column> out = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      Column c = sorted.get(i);
      out.add(new Column(c.column(), c.mean(), c.std(), c.low(), c.high(), i + 1));
    }
    return out;
  }

  private static double[][] score(Predictor predictor, double[][] x) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = predictor.apply(x[i]);
    }
    return out;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  static int[] shuffle(int n, Random rnd) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
