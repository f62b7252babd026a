package dev.esteira.monitor.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A batch's plain facts — row count, each column's null and NaN/infinity rates, each categorical
 * column's distinct count, the time since the batch before it arrived — compared with the same facts of
 * the batches that arrived before it, by a robust z-score on that window:
 *
 * <pre>
 *   z = (x − median(window)) / s,   s = max(1.4826·MAD(window), floor)
 * </pre>
 *
 * MAD is the median absolute deviation (1.4826·MAD estimates a standard deviation for normal data, and
 * one odd batch in the window moves neither median nor MAD much: Iglewicz and Hoaglin's modified z-score,
 * whose usual cut is |z| > 3.5). The floor is the noise a fact has even when the window happens to be
 * flat: √median for counts (Poisson), √(p(1−p)/n) for a rate p among n rows (binomial, p at least 1/n),
 * and for arrival gaps a minute or 5 % of the usual gap, whichever is more (consecutive gaps share their
 * batches' jitter, so a window of them is noisier than its MAD says; a daily batch is late past hours,
 * not minutes); so
 * fixed-size batches alert on a change of size beyond a few √n, and a rate of 0 on a first null only when
 * that is unlikely by chance.
 */
public final class HistoryAnomalies {
  private HistoryAnomalies() {}

  /** Facts of one batch. {@code arrival} in epoch seconds; rates and distinct counts by column. */
  public record Facts(String batch, long rows, double arrival, Map<String, Double> nullRate,
      Map<String, Double> nanRate, Map<String, Double> distinct) {}

  /** One fact of a batch against its window: the value, the window's median and scale, z, the cut. */
  public record Check(String column, String metric, double value, double median, double scale, double z,
      double threshold, ColumnDrift.Status status) {
    public boolean alerting() {
      return status == ColumnDrift.Status.DRIFT;
    }
  }

  /** The column of the facts that belong to the whole batch (row count, arrival gap). */
  public static final String BATCH = "(batch)";

  /**
   * Checks {@code current} against {@code window} (the batches that arrived before it, oldest first).
   * With fewer than {@code minHistory} batches in the window, each fact is {@code insufficient_data}.
   */
  public static List<Check> check(List<Facts> window, Facts current, int minHistory, double threshold) {
    List<Check> out = new ArrayList<>();
    double n = Math.max(1, current.rows());
    out.add(one(BATCH, "row_count", current.rows(), window.stream().mapToDouble(Facts::rows).toArray(),
        Kind.COUNT, n, minHistory, threshold));
    if (!window.isEmpty()) {
      double[] gaps = new double[window.size() - 1];
      for (int i = 1; i < window.size(); i++) {
        gaps[i - 1] = window.get(i).arrival() - window.get(i - 1).arrival();
      }
      out.add(one(BATCH, "arrival_gap_s", current.arrival() - window.get(window.size() - 1).arrival(), gaps,
          Kind.SECONDS, n, minHistory - 1, threshold));
    }
    perColumn(out, "null_rate", window, current, Facts::nullRate, Kind.RATE, n, minHistory, threshold);
    perColumn(out, "nan_rate", window, current, Facts::nanRate, Kind.RATE, n, minHistory, threshold);
    perColumn(out, "distinct_count", window, current, Facts::distinct, Kind.COUNT, n, minHistory, threshold);
    return out;
  }

  private enum Kind { COUNT, RATE, SECONDS }

  private static void perColumn(List<Check> out, String metric, List<Facts> window, Facts current,
      java.util.function.Function<Facts, Map<String, Double>> fact, Kind kind, double n, int minHistory,
      double threshold) {
    for (Map.Entry<String, Double> e : new TreeMap<>(fact.apply(current)).entrySet()) {
      double[] history = window.stream().map(f -> fact.apply(f).get(e.getKey())).filter(v -> v != null)
          .mapToDouble(Double::doubleValue).toArray();
      out.add(one(e.getKey(), metric, e.getValue(), history, kind, n, minHistory, threshold));
    }
  }

  private static Check one(String column, String metric, double x, double[] history, Kind kind, double n,
      int minHistory, double threshold) {
    if (history.length < Math.max(1, minHistory)) {
      return new Check(column, metric, x, Double.NaN, Double.NaN, Double.NaN, threshold,
          ColumnDrift.Status.INSUFFICIENT_DATA);
    }
    double median = median(history);
    double[] dev = Arrays.stream(history).map(v -> Math.abs(v - median)).toArray();
    double floor = switch (kind) {
      case COUNT -> Math.sqrt(Math.max(1, median));
      case RATE -> {
        double p = Math.max(median, 1 / n);
        yield Math.sqrt(p * (1 - Math.min(p, 1 - 1 / n)) / n);
      }
      case SECONDS -> Math.max(60.0, 0.05 * Math.abs(median));
    };
    double scale = Math.max(1.4826 * median(dev), floor);
    double z = (x - median) / scale;
    return new Check(column, metric, x, median, scale, z, threshold,
        Math.abs(z) > threshold ? ColumnDrift.Status.DRIFT : ColumnDrift.Status.OK);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
}
