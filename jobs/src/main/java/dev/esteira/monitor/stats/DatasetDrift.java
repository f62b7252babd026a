package dev.esteira.monitor.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Whether a dataset drifted, with a stated false-alarm rate across its columns. Testing hundreds of
 * columns each at {@code p_value} raises several alarms a night on a stable table; the dataset verdict
 * instead runs the Benjamini–Hochberg procedure at level {@code q} on the columns' distribution-test
 * p-values (KS for numbers, chi-square for categories):
 *
 * <pre>
 *   sort the m p-values p(1) <= … <= p(m); k = the largest i with p(i) <= i·q/m; reject the k smallest.
 * </pre>
 *
 * The dataset drifts when BH rejects at least one column that also passes its own distance threshold on
 * large samples (as the column rule asks, so that a huge batch does not alarm on a trivial difference).
 * When no column drifted, BH rejects anything exactly when Simes' combined p-value {@code min_i m·p(i)/i}
 * is at most q, which happens with probability at most q for independent or positively dependent
 * columns: the verdict's false-alarm rate on a stable dataset is at most q. When some columns did drift,
 * BH keeps the expected share of false columns among those it names at most q (false discovery rate).
 * BH rather than Holm: Holm bounds the chance of any false column under every dependence but loses power
 * as 1/m, so 5 drifted columns among 1,000 would go unseen; the global false-alarm rate is the same q.
 */
public final class DatasetDrift {
  private DatasetDrift() {}

  /** One column's test: its p-value and whether its distance passed (or the test decides alone). */
  public record ColumnTest(String column, double pValue, boolean distancePassed) {}

  /**
   * The verdict: how many columns were tested, Simes' combined p-value, the columns BH rejects (p-value
   * order), those of them that also passed their distance, and whether the dataset drifted.
   */
  public record Verdict(int tested, double simesP, List<String> rejected, List<String> drifted, boolean drift) {}

  /** BH-adjusted p-values (q-values), in the input's order: {@code min_{j>=i} m·p(j)/j}, at most 1. */
  public static double[] adjusted(double[] p) {
    int m = p.length;
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
    double[] out = new double[m];
    double min = 1.0;
    for (int rank = m; rank >= 1; rank--) {
      int i = order[rank - 1];
      min = Math.min(min, p[i] * m / rank);
      out[i] = min;
    }
    return out;
  }

  /** Which hypotheses BH rejects at level q, in the input's order. */
  public static boolean[] rejected(double[] p, double q) {
    double[] adj = adjusted(p);
    boolean[] out = new boolean[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = adj[i] <= q;
    }
    return out;
  }

  /** The dataset verdict at level q; columns without a p-value (NaN) are not tested. */
  public static Verdict verdict(List<ColumnTest> columns, double q) {
    List<ColumnTest> tested = columns.stream().filter(c -> !Double.isNaN(c.pValue())).toList();
    double[] p = tested.stream().mapToDouble(ColumnTest::pValue).toArray();
    double[] adj = adjusted(p);
    double simes = 1.0;
    List<Integer> rejectedIdx = new ArrayList<>();
    for (int i = 0; i < p.length; i++) {
      simes = Math.min(simes, adj[i]);
      if (adj[i] <= q) {
        rejectedIdx.add(i);
      }
    }
    rejectedIdx.sort(Comparator.comparingDouble(i -> p[i]));
    List<String> rejected = new ArrayList<>();
    List<String> drifted = new ArrayList<>();
    for (int i : rejectedIdx) {
      rejected.add(tested.get(i).column());
      if (tested.get(i).distancePassed()) {
        drifted.add(tested.get(i).column());
      }
    }
    return new Verdict(p.length, simes, List.copyOf(rejected), List.copyOf(drifted), !drifted.isEmpty());
  }

  /**
   * A column's test from its metrics ({@link ColumnDrift#numeric} or {@link ColumnDrift#categorical}):
   * the stored {@code ks_p} or {@code chi_square_p}, and whether its distance ({@code wasserstein},
   * {@code js}) passed its threshold, or the test decides alone (small samples). Null when the column has
   * no distribution test (insufficient data).
   */
  public static ColumnTest test(String column, List<ColumnDrift.Metric> metrics) {
    ColumnDrift.Metric test = null;
    ColumnDrift.Metric distance = null;
    for (ColumnDrift.Metric m : metrics) {
      switch (m.metric()) {
        case "ks_p", "chi_square_p" -> test = m;
        case "wasserstein" -> distance = m;
        case "js" -> distance = distance == null ? m : distance;
        default -> { }
      }
    }
    if (test == null || Double.isNaN(test.value())) {
      return null;
    }
    boolean alone = test.status() != ColumnDrift.Status.INFO;
    boolean passed = alone
        || (distance != null && distance.threshold() != null && distance.value() > distance.threshold());
    return new ColumnTest(column, test.value(), passed);
  }
}
