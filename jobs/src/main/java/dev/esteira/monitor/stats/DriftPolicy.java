package dev.esteira.monitor.stats;

import java.util.Map;

/**
 * When a column counts as drifted. Up to {@code smallSampleRows} values on the smaller side a test
 * decides alone (KS for numbers, chi-square for categories: drift when {@code p < pValue}); above it a
 * column drifts when the test is significant AND its distance passes its threshold (Wasserstein in
 * reference standard deviations, Jensen–Shannon), so that a huge sample does not alert on a trivial
 * difference and many small categories do not alert on noise. Null and NaN/infinity rates drift when
 * their change is significant and at least its threshold. A side with fewer than {@code minRows} rows
 * (or values, for the distribution statistics) is "insufficient data"; a decision that flips inside a
 * statistic's error bound is "inconclusive".
 */
public record DriftPolicy(
    int bins, int minRows, int smallSampleRows, double pValue, Map<String, Double> thresholds) {

  public static DriftPolicy defaults() {
    return new DriftPolicy(
        10, 30, 1000, 0.01,
        Map.of("wasserstein", 0.1, "js", 0.1, "psi", 0.2, "null_rate", 0.05, "nan_rate", 0.05));
  }

  public double threshold(String metric) {
    Double t = thresholds.get(metric);
    if (t == null) {
      throw new IllegalArgumentException("no threshold for " + metric);
    }
    return t;
  }
}
