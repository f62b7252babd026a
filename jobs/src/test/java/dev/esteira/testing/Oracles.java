package dev.esteira.testing;

import java.util.Arrays;

/**
 * Exact statistics computed from raw samples by their definitions, written apart from the code under
 * test: the independent side of every check of a statistic (ProfileAndDriftTest checks this oracle
 * itself on hand-computed cases).
 */
public final class Oracles {
  private Oracles() {}

  /**
   * Wasserstein-1 of two raw samples of any sizes: the integral of |F_a − F_b| over the line, summed on
   * the intervals between consecutive pooled values.
   */
  public static double wasserstein1(double[] a, double[] b) {
    double[] x = a.clone();
    double[] y = b.clone();
    Arrays.sort(x);
    Arrays.sort(y);
    double[] all = new double[x.length + y.length];
    System.arraycopy(x, 0, all, 0, x.length);
    System.arraycopy(y, 0, all, x.length, y.length);
    Arrays.sort(all);
    int i = 0;
    int j = 0;
    double sum = 0;
    for (int k = 0; k + 1 < all.length; k++) {
      // F_a and F_b on [all[k], all[k+1]): the share of each sample that is <= all[k].
      while (i < x.length && x[i] <= all[k]) {
        i++;
      }
      while (j < y.length && y[j] <= all[k]) {
        j++;
      }
      sum += Math.abs((double) i / x.length - (double) j / y.length) * (all[k + 1] - all[k]);
    }
    return sum;
  }
}
