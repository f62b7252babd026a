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
 * statistic's error bound is "inconclusive". Across columns, {@code datasetLevel} is the false-alarm
 * rate of the dataset verdict ({@link DatasetDrift}: Benjamini–Hochberg at that level). A batch's row
 * count, null and NaN rates, distinct counts and arrival gap are checked against the {@code historyWindow}
 * batches that arrived before it ({@link HistoryAnomalies}: |robust z| above {@code historyZ}, with at
 * least {@code historyMinBatches} of them; a window of 0 checks nothing).
 */
public record DriftPolicy(
    int bins, int minRows, int smallSampleRows, double pValue, Map<String, Double> thresholds,
    double datasetLevel, int historyWindow, int historyMinBatches, double historyZ) {

  public static DriftPolicy defaults() {
    return new DriftPolicy(
        10, 30, 1000, 0.01,
        Map.of("wasserstein", 0.1, "js", 0.1, "psi", 0.2, "null_rate", 0.05, "nan_rate", 0.05), 0.01, 14, 7, 3.5);
  }

  public DriftPolicy withDatasetLevel(double level) {
    return new DriftPolicy(bins, minRows, smallSampleRows, pValue, thresholds, level, historyWindow, historyMinBatches,
        historyZ);
  }

  public double threshold(String metric) {
    Double t = thresholds.get(metric);
    if (t == null) {
      throw new IllegalArgumentException("no threshold for " + metric);
    }
    return t;
  }
}
