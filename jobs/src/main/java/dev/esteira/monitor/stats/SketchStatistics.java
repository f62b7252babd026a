package dev.esteira.monitor.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Drift statistics between two stored profiles, computed from their sketches (plain Java, no Spark).
 * Every numeric statistic is computed on the finite values only (nulls, NaN and infinities are
 * monitored by their rates); every categorical one on the non-null values. Each result carries its
 * error bound: 0 when both sketches hold every value, otherwise the bound stated on the method.
 */
public final class SketchStatistics {
  private SketchStatistics() {}

  /** A statistic and the largest distance between it and the value on the raw samples. */
  public record Estimate(double value, double bound) {
    public double lower() {
      return value - bound;
    }

    public double upper() {
      return value + bound;
    }
  }

  /**
   * Two-sample Kolmogorov–Smirnov statistic {@code D = sup_x |F(x) - G(x)|} between the step CDFs of
   * the two sketches. Each KLL sketch's CDF is within its rank error ε of the true empirical CDF at
   * every x at once (99 % confidence), so {@code |D̂ - D| <= ε_a + ε_b}: 0 when both are exact.
   */
  public static Estimate ks(NumericProfile a, NumericProfile b) {
    return new Estimate(ks(a.sample(), b.sample()), a.rankError() + b.rankError());
  }

  /** KS statistic of two weighted samples (exact for raw samples: {@link WeightedSample#ofValues}). */
  public static double ks(WeightedSample a, WeightedSample b) {
    requireNonEmpty(a, b);
    double[] av = a.values();
    double[] bv = b.values();
    int i = 0;
    int j = 0;
    long ca = 0;
    long cb = 0;
    double d = 0;
    // Walk the union of values; both CDFs are right-continuous steps, so the sup is at a value.
    while (i < av.length || j < bv.length) {
      double x = j >= bv.length || (i < av.length && av[i] <= bv[j]) ? av[i] : bv[j];
      while (i < av.length && av[i] == x) {
        ca += a.weights()[i++];
      }
      while (j < bv.length && bv[j] == x) {
        cb += b.weights()[j++];
      }
      d = Math.max(d, Math.abs((double) ca / a.total() - (double) cb / b.total()));
    }
    return d;
  }

  /**
   * Asymptotic p-value of a two-sample KS statistic: the Kolmogorov distribution's survival function at
   * {@code λ = (√n_e + 0.12 + 0.11/√n_e)·D}, {@code n_e = nm/(n+m)} (Stephens' correction; accurate for
   * n_e above about 4, conservative with ties).
   */
  public static double ksPValue(double d, long n, long m) {
    if (n <= 0 || m <= 0) {
      return Double.NaN;
    }
    if (d <= 0) {
      return 1.0;
    }
    double ne = (double) n * m / ((double) n + m);
    double sq = Math.sqrt(ne);
    return kolmogorovSurvival((sq + 0.12 + 0.11 / sq) * Math.min(d, 1.0));
  }

  /** {@code P(K > λ)} for the Kolmogorov distribution. */
  static double kolmogorovSurvival(double lambda) {
    if (lambda <= 0) {
      return 1.0;
    }
    if (lambda < 1.18) {
      // Small λ: the theta-function form of the CDF converges fast.
      double y = Math.exp(-Math.PI * Math.PI / (8 * lambda * lambda));
      double sum = 0;
      for (int k = 1; k <= 50; k++) {
        double t = Math.pow(y, (2.0 * k - 1) * (2.0 * k - 1));
        sum += t;
        if (t < 1e-17 * sum) {
          break;
        }
      }
      return Math.max(0, Math.min(1, 1 - Math.sqrt(2 * Math.PI) / lambda * sum));
    }
    double sum = 0;
    for (int k = 1; k <= 100; k++) {
      double t = Math.exp(-2.0 * k * k * lambda * lambda);
      sum += (k % 2 == 1 ? 2 : -2) * t;
      if (t < 1e-17) {
        break;
      }
    }
    return Math.max(0, Math.min(1, sum));
  }

  /**
   * Wasserstein-1 distance {@code ∫|F(x) - G(x)| dx} between the step CDFs of the two sketches (the
   * area between the quantile functions). By the triangle inequality {@code |Ŵ - W| <= W(F̂, F) + W(Ĝ, G)},
   * and a sketch's step CDF F̂ is within its rank error ε of F everywhere while both are 0 below the
   * side's exact min and 1 from its exact max, so {@code W(F̂, F) <= ε·(max - min)} of that side alone:
   * the bound is {@code ε_a·range_a + ε_b·range_b}, 0 for an exact side (a small batch against a large
   * reference pays only for the reference), never wider than the former {@code (ε_a + ε_b)·range of both}.
   */
  public static Estimate wasserstein(NumericProfile a, NumericProfile b) {
    return new Estimate(wasserstein(a.sample(), b.sample()), ownRangeBound(a) + ownRangeBound(b));
  }

  private static double ownRangeBound(NumericProfile p) {
    double eps = p.rankError();
    return eps == 0 ? 0 : eps * (p.max() - p.min());
  }

  public static double wasserstein(WeightedSample a, WeightedSample b) {
    requireNonEmpty(a, b);
    double[] av = a.values();
    double[] bv = b.values();
    int i = 0;
    int j = 0;
    long ca = 0;
    long cb = 0;
    double w = 0;
    double prev = Double.NaN;
    double diff = 0;
    while (i < av.length || j < bv.length) {
      double x = j >= bv.length || (i < av.length && av[i] <= bv[j]) ? av[i] : bv[j];
      if (!Double.isNaN(prev)) {
        w += diff * (x - prev);
      }
      while (i < av.length && av[i] == x) {
        ca += a.weights()[i++];
      }
      while (j < bv.length && bv[j] == x) {
        cb += b.weights()[j++];
      }
      diff = Math.abs((double) ca / a.total() - (double) cb / b.total());
      prev = x;
    }
    return w;
  }

  /**
   * The unit Wasserstein is reported in: the reference's standard deviation, or for a constant
   * reference its absolute value (1 if it is 0), so that a constant that moves is still measured.
   */
  public static double scale(NumericProfile reference) {
    double sd = reference.stddev();
    if (sd > 0) {
      return sd;
    }
    double m = Math.abs(reference.mean());
    return m > 0 ? m : 1.0;
  }

  /**
   * Bin edges on the reference's quantiles at 1/bins … (bins-1)/bins (ties merged), after a first edge
   * just below the reference's minimum: bins are {@code (-∞, min), [min, e1], (e1, e2], …, (e_last, +∞)}.
   * The quantile is the inverse of the step CDF, {@code Q(p) = min{x : F(x) >= p}} (Hyndman and Fan's
   * type 1, numpy's "inverted_cdf"): of the sketch, so of the sample itself when the sketch is exact. The
   * bin below the minimum is what lets PSI and JS see values below everything the reference held: with
   * right-closed bins alone, a constant reference c puts every value up to c in its first bin, so a
   * constant that moved below c fell in the same bin as the reference and PSI was 0.
   */
  public static double[] referenceEdges(NumericProfile reference, int bins) {
    double[] q = new double[bins - 1];
    for (int k = 1; k < bins; k++) {
      q[k - 1] = (double) k / bins;
    }
    TreeSet<Double> edges = new TreeSet<>();
    for (double e : reference.quantiles(q)) {
      edges.add(e);
    }
    if (Double.isFinite(reference.min())) {
      edges.add(Math.nextDown(reference.min()));
    }
    edges.remove(Double.NaN);
    return edges.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Counts of a weighted sample in the bins of {@link #referenceEdges}. */
  public static long[] binCounts(WeightedSample s, double[] edges) {
    long[] counts = new long[edges.length + 1];
    int b = 0;
    for (int i = 0; i < s.values().length; i++) {
      while (b < edges.length && s.values()[i] > edges[b]) {
        b++;
      }
      counts[b] += s.weights()[i];
    }
    return counts;
  }

  /**
   * PSI {@code Σ (q_i - p_i)·ln(q_i/p_i)} over proportions p (reference) and q (current), a zero
   * proportion replaced by {@code 0.5/n} of its side (so the value stays finite and scales with size).
   */
  public static double psi(long[] reference, long[] current) {
    double tr = sum(reference);
    double tc = sum(current);
    double out = 0;
    for (int i = 0; i < reference.length; i++) {
      double p = reference[i] == 0 ? 0.5 / tr : reference[i] / tr;
      double q = current[i] == 0 ? 0.5 / tc : current[i] / tc;
      out += (q - p) * Math.log(q / p);
    }
    return out;
  }

  /** Jensen–Shannon distance in bits (square root of the divergence; in [0, 1]). */
  public static double jensenShannon(long[] p, long[] q) {
    double tp = sum(p);
    double tq = sum(q);
    double div = 0;
    for (int i = 0; i < p.length; i++) {
      double a = p[i] / tp;
      double b = q[i] / tq;
      double m = 0.5 * (a + b);
      if (a > 0) {
        div += 0.5 * a * Math.log(a / m);
      }
      if (b > 0) {
        div += 0.5 * b * Math.log(b / m);
      }
    }
    return Math.sqrt(Math.max(0, div / Math.log(2)));
  }

  /** Chi-square test of homogeneity on aligned count vectors, with Cramér's V = √(χ²/N). */
  public record ChiSquare(double statistic, int dof, double pValue, double cramersV) {}

  public static ChiSquare chiSquare(long[] a, long[] b) {
    double ra = sum(a);
    double rb = sum(b);
    double n = ra + rb;
    int k = 0;
    double stat = 0;
    for (int i = 0; i < a.length; i++) {
      double c = a[i] + b[i];
      if (c == 0) {
        continue;
      }
      k++;
      double ea = ra * c / n;
      double eb = rb * c / n;
      double d = a[i] - ea;
      stat += d * d / ea + d * d / eb;
    }
    if (k < 2) {
      return new ChiSquare(0, 0, 1.0, 0);
    }
    return new ChiSquare(stat, k - 1, ChiSquaredDistribution.survival(stat, k - 1), Math.sqrt(stat / n));
  }

  /**
   * The categories of two profiles aligned, rare ones grouped: a category whose expected count in the
   * smaller sample ({@code n_small·c_j/N}) is below 5 goes into one "(rare)" group; if that group is
   * still below 5 it joins the smallest remaining category. Categories a sketch could not report are in
   * the "(other)" group of their side.
   */
  public record Aligned(List<String> categories, long[] reference, long[] current) {}

  public static Aligned align(CategoricalProfile reference, CategoricalProfile current) {
    Map<String, Long> r = reference.counts();
    Map<String, Long> c = current.counts();
    TreeSet<String> all = new TreeSet<>(r.keySet());
    all.addAll(c.keySet());
    double nr = reference.nonNull();
    double nc = current.nonNull();
    double small = Math.min(nr, nc);
    double n = nr + nc;
    Map<String, long[]> kept = new LinkedHashMap<>();
    long[] rare = {reference.other(), current.other()};
    for (String k : all) {
      long a = r.getOrDefault(k, 0L);
      long b = c.getOrDefault(k, 0L);
      if (small * (a + b) / n < 5) {
        rare[0] += a;
        rare[1] += b;
      } else {
        kept.put(k, new long[] {a, b});
      }
    }
    if (rare[0] + rare[1] > 0) {
      if (small * (rare[0] + rare[1]) / n < 5 && !kept.isEmpty()) {
        String smallest = null;
        for (Map.Entry<String, long[]> e : kept.entrySet()) {
          if (smallest == null || e.getValue()[0] + e.getValue()[1]
              < kept.get(smallest)[0] + kept.get(smallest)[1]) {
            smallest = e.getKey();
          }
        }
        long[] s = kept.remove(smallest);
        kept.put(smallest + "+(rare)", new long[] {s[0] + rare[0], s[1] + rare[1]});
      } else {
        kept.put("(rare)", rare);
      }
    }
    List<String> names = new ArrayList<>(kept.keySet());
    long[] ra = new long[names.size()];
    long[] ca = new long[names.size()];
    for (int i = 0; i < names.size(); i++) {
      ra[i] = kept.get(names.get(i))[0];
      ca[i] = kept.get(names.get(i))[1];
    }
    return new Aligned(names, ra, ca);
  }

  /**
   * Two-proportion z-test (pooled) of {@code x1/n1} against {@code x2/n2}: two-sided p-value, 1 when
   * both rates are equal, NaN if a side has no rows.
   */
  public static double proportionPValue(long x1, long n1, long x2, long n2) {
    if (n1 <= 0 || n2 <= 0) {
      return Double.NaN;
    }
    double p1 = (double) x1 / n1;
    double p2 = (double) x2 / n2;
    if (p1 == p2) {
      return 1.0;
    }
    double pooled = (double) (x1 + x2) / (n1 + n2);
    double se2 = pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2);
    double z2 = (p1 - p2) * (p1 - p2) / se2;
    // z² of a standard normal is chi-square with one degree of freedom.
    return ChiSquaredDistribution.survival(z2, 1);
  }

  private static void requireNonEmpty(WeightedSample a, WeightedSample b) {
    if (a.isEmpty() || b.isEmpty()) {
      throw new IllegalArgumentException("a sample has no finite value");
    }
  }

  private static double sum(long[] v) {
    double s = 0;
    for (long x : v) {
      s += x;
    }
    return s;
  }
}
