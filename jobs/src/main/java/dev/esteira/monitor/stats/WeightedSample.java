package dev.esteira.monitor.stats;

import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllDoublesSketchIterator;

/**
 * Distinct values, ascending, with their total weights: the step CDF a KLL sketch represents (each
 * retained item stands for {@code weight} values). For an exact sketch it is the empirical distribution
 * of the sample itself.
 */
public record WeightedSample(double[] values, long[] weights, long total) {

  public static WeightedSample of(KllDoublesSketch sketch) {
    int n = sketch.getNumRetained();
    double[] v = new double[n];
    long[] w = new long[n];
    int i = 0;
    KllDoublesSketchIterator it = sketch.iterator();
    while (it.next()) {
      v[i] = it.getValue();
      w[i] = it.getWeight();
      i++;
    }
    return collapse(v, w, i);
  }

  /** The empirical distribution of raw values (NaN and infinities ignored). */
  public static WeightedSample ofValues(double... values) {
    double[] v = Arrays.stream(values).filter(Double::isFinite).toArray();
    long[] w = new long[v.length];
    Arrays.fill(w, 1L);
    return collapse(v, w, v.length);
  }

  private static WeightedSample collapse(double[] v, long[] w, int n) {
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
    double[] values = new double[n];
    long[] weights = new long[n];
    int m = 0;
    long total = 0;
    for (int j = 0; j < n; j++) {
      double x = v[order[j]];
      if (m > 0 && values[m - 1] == x) {
        weights[m - 1] += w[order[j]];
      } else {
        values[m] = x;
        weights[m] = w[order[j]];
        m++;
      }
      total += w[order[j]];
    }
    return new WeightedSample(Arrays.copyOf(values, m), Arrays.copyOf(weights, m), total);
  }

  public boolean isEmpty() {
    return total == 0;
  }
}
