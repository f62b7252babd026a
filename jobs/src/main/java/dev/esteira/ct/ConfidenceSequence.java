package dev.esteira.ct;

/**
 * A two-sided confidence sequence for a difference of means (challenger minus champion on a per-row
 * metric, paired or from two cohorts): an interval that covers the true difference at every look at
 * once with probability at least {@code 1 - alpha}, so that looking every night and acting the first
 * time it excludes a value keeps the error rate at {@code alpha}, which a fixed-sample interval looked at
 * nightly does not.
 *
 * <p>It is the normal-mixture boundary (Robbins; the mixture SPRT of Johari, Pekelis and Walsh, "Always
 * valid inference", and the asymptotic confidence sequences of Waudby-Smith, Arbour, Sinha, Kennedy and
 * Ramdas, 2021): with the estimate {@code d} and its estimated variance {@code v}, information {@code I =
 * 1/v}, the interval is {@code d ± sqrt((I + r) (ln((I + r) / r) + 2 ln(1/alpha))) / I}. The mixing
 * parameter {@code r} is fixed by the plan: {@code r = I* / (2 ln(1/alpha) + ln(1 + 2 ln(1/alpha)))},
 * which makes the interval narrowest when the information reaches {@code I*}, the information of the
 * planned number of labelled rows. The normal approximation of the mean is what makes it valid (the
 * "asymptotic" in the name): with a few hundred labelled rows, as a decision requires, it holds.
 */
public final class ConfidenceSequence {
  private ConfidenceSequence() {}

  /**
   * The comparison at one look.
   *
   * @param estimate the difference (positive: the challenger is better)
   * @param lower the interval's lower end
   * @param upper the interval's upper end
   * @param rows the labelled rows it rests on (pairs, or the smaller cohort)
   * @param variance the estimated variance of {@code estimate}
   */
  public record Look(double estimate, double lower, double upper, long rows, double variance) {}

  /** The mixing parameter that makes the boundary narrowest at information {@code plannedInformation}. */
  public static double mixing(double plannedInformation, double alpha) {
    double l = Math.log(1 / alpha);
    return plannedInformation / (2 * l + Math.log(1 + 2 * l));
  }

  /** The interval's half-width at information {@code information} with mixing parameter {@code r}. */
  public static double halfWidth(double information, double r, double alpha) {
    return Math.sqrt((information + r) * (Math.log((information + r) / r) + 2 * Math.log(1 / alpha))) / information;
  }

  /**
   * Paired rows (both versions scored every row, as with shadow): {@code n} differences of the per-row
   * metric with sum {@code sum} and sum of squares {@code sumSquares}; planned: {@code planned} pairs.
   */
  public static Look paired(long n, double sum, double sumSquares, long planned, double alpha) {
    return look(sum / n, variance(n, sum, sumSquares) / n, n, planned, alpha);
  }

  /**
   * Two cohorts (each row scored by the version that served it only): the challenger's {@code n1} rows
   * and the champion's {@code n2}, each with the sum and sum of squares of the per-row metric; planned:
   * the challenger's cohort at {@code planned} rows with the same allocation.
   */
  public static Look cohorts(long n1, double sum1, double sumSquares1, long n2, double sum2, double sumSquares2,
      long planned, double alpha) {
    double v = variance(n1, sum1, sumSquares1) / n1 + variance(n2, sum2, sumSquares2) / n2;
    return look(sum1 / n1 - sum2 / n2, v, n1, planned, alpha);
  }

  /**
   * The look with variance {@code v} of the estimate at {@code rows}; the plan's information is that of
   * {@code plannedRows} rows at the same per-row variance ({@code v * rows / plannedRows}).
   */
  private static Look look(double estimate, double v, long rows, long plannedRows, double alpha) {
    if (rows < 2) {
      return new Look(rows == 0 ? Double.NaN : estimate, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, rows, Double.NaN);
    }
    // A difference that never varied (every pair agreed) has no spread to estimate: the largest per-row
    // variance of a difference of two metrics in [0, 1] (1) keeps the interval honest.
    double var = v > 0 ? v : 1.0 / rows;
    double r = mixing((double) plannedRows / (var * rows), alpha);
    double h = halfWidth(1 / var, r, alpha);
    return new Look(estimate, estimate - h, estimate + h, rows, var);
  }

  /**
   * Rows still needed until the interval, if the estimate and the per-row variance stay as they are,
   * no longer reaches past {@code threshold} on the estimate's side (its width below the gap); 0 when it
   * already does, -1 when the estimate sits on the threshold (no number of rows would do).
   */
  public static long rowsNeeded(Look look, double threshold, long plannedRows, double alpha) {
    double gap = Math.abs(look.estimate() - threshold);
    if (!(gap > 0) || Double.isNaN(look.variance())) {
      return -1;
    }
    double perRow = look.variance() * look.rows();
    double r = mixing((double) plannedRows / perRow, alpha);
    if (halfWidth(look.rows() / perRow, r, alpha) < gap) {
      return 0;
    }
    long hi = Math.max(2, look.rows());
    while (halfWidth(hi / perRow, r, alpha) >= gap) {
      if (hi > Long.MAX_VALUE / 4) {
        return -1;
      }
      hi *= 2;
    }
    long lo = hi / 2;
    while (hi - lo > 1) {
      long mid = (lo + hi) >>> 1;
      if (halfWidth(mid / perRow, r, alpha) < gap) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return Math.max(0, hi - look.rows());
  }

  /** The unbiased sample variance from a count, a sum and a sum of squares. */
  static double variance(long n, double sum, double sumSquares) {
    if (n < 2) {
      return Double.NaN;
    }
    double mean = sum / n;
    return Math.max(0, (sumSquares - n * mean * mean) / (n - 1));
  }
}
