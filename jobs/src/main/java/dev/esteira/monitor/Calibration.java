package dev.esteira.monitor;

import java.util.Arrays;

/**
 * A monotone map from a model's score to the probability that the row is positive, fitted by isotonic
 * regression (MLlib's {@code IsotonicRegression}) on the version's holdout and applied in plain Java as
 * MLlib applies it: linear between boundaries, constant beyond them.
 */
public record Calibration(double[] boundaries, double[] predictions, long rows) {
  public Calibration {
    if (boundaries.length == 0 || boundaries.length != predictions.length) {
      throw new IllegalArgumentException("a calibration needs as many boundaries as predictions, at least one");
    }
    boundaries = boundaries.clone();
    predictions = predictions.clone();
  }

  public double apply(double score) {
    int i = Arrays.binarySearch(boundaries, score);
    if (i >= 0) {
      return predictions[i];
    }
    int insert = -i - 1;
    if (insert == 0) {
      return predictions[0];
    }
    if (insert == boundaries.length) {
      return predictions[boundaries.length - 1];
    }
    double x0 = boundaries[insert - 1], x1 = boundaries[insert];
    double y0 = predictions[insert - 1], y1 = predictions[insert];
    return y0 + (y1 - y0) * (score - x0) / (x1 - x0);
  }
}
