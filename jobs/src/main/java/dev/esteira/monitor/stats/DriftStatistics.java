package dev.esteira.monitor.stats;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;

/**
 * Drift statistics between a baseline and a current column profile (plain Java, no dependencies).
 *
 * <h2>Input handling, common to every method</h2>
 * <ul>
 *   <li>{@code null} arguments throw {@link IllegalArgumentException}.</li>
 *   <li>A summary with zero non-null values throws {@link IllegalArgumentException} with the message
 *       {@code "no non-null values in baseline profile"} (or {@code current}); a count vector that
 *       sums to zero throws {@code "no counts in expected/actual/p/q"}; a raw sample with no
 *       non-NaN value throws {@code "no non-NaN values in sample a/b"}.</li>
 *   <li>Null values never take part in a statistic: the {@code nulls} of a summary and the NaN
 *       elements of a raw sample are ignored. Proportions are taken over non-null values.</li>
 *   <li>Histogram methods on two {@link NumericSummary} require identical edge arrays
 *       ({@link Arrays#equals(double[], double[])}), otherwise {@link IllegalArgumentException}.</li>
 *   <li>Categorical methods align the two summaries on the sorted union of their categories; a
 *       category absent from one side has count 0 there.</li>
 *   <li>Count vectors must have the same, non-zero length and no negative entry.</li>
 * </ul>
 */
public final class DriftStatistics {

    /** Epsilon used by the summary-level PSI methods. */
    private static final double DEFAULT_PSI_EPSILON = 1e-4;

    private static final double LN2 = Math.log(2.0);
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2.0 * Math.PI);
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final double GAMMA_EPS = 1e-16;
    private static final double TINY = 1e-300;

    private DriftStatistics() {
    }

    // ------------------------------------------------------------------------------------------
    // PSI
    // ------------------------------------------------------------------------------------------

    /**
     * Population Stability Index over aligned bins: {@code sum_i (a_i - e_i) * ln(a_i / e_i)} where
     * {@code e_i = expected[i] / sum(expected)} and {@code a_i = actual[i] / sum(actual)}.
     *
     * <p>A proportion equal to 0 is replaced by {@code epsilon} to keep the logarithm finite, and
     * the proportions are deliberately <em>not</em> renormalised afterwards. Consequences: the
     * contribution of every bin that is non-empty on both sides is exactly the textbook one and
     * does not depend on how many empty bins exist elsewhere; a bin empty on both sides
     * contributes exactly 0; each term stays {@code >= 0} (both factors have the same sign), so
     * PSI {@code >= 0}, and PSI is 0 iff the proportions are equal. The price is that the smoothed
     * vectors sum to slightly more than 1 (by at most {@code k * epsilon}).
     *
     * @param epsilon replacement for a zero proportion, in {@code (0, 1)}
     * @throws IllegalArgumentException on null/empty/mismatched arrays, negative counts, a vector
     *                                  summing to zero, or an invalid epsilon
     */
    public static double psi(long[] expected, long[] actual, double epsilon) {
        if (!(epsilon > 0 && epsilon < 1)) {
            throw new IllegalArgumentException("epsilon must be in (0, 1), got " + epsilon);
        }
        checkPair(expected, actual, "expected", "actual");
        double te = total(expected, "expected");
        double ta = total(actual, "actual");
        double sum = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i] == 0 ? epsilon : expected[i] / te;
            double a = actual[i] == 0 ? epsilon : actual[i] / ta;
            sum += (a - e) * Math.log(a / e);
        }
        return sum;
    }

    /**
     * PSI over the histogram bins of two numeric summaries, epsilon {@code 1e-4}.
     *
     * @throws IllegalArgumentException if the edges differ or a profile has no non-null value
     */
    public static double psi(NumericSummary baseline, NumericSummary current) {
        checkNumeric(baseline, current);
        return psi(baseline.binCounts(), current.binCounts(), DEFAULT_PSI_EPSILON);
    }

    /**
     * PSI over the union of categories (nulls excluded), epsilon {@code 1e-4}.
     *
     * @throws IllegalArgumentException if a profile has no non-null value
     */
    public static double psi(CategoricalSummary baseline, CategoricalSummary current) {
        long[][] t = align(baseline, current);
        return psi(t[0], t[1], DEFAULT_PSI_EPSILON);
    }

    // ------------------------------------------------------------------------------------------
    // Kolmogorov–Smirnov
    // ------------------------------------------------------------------------------------------

    /**
     * Two-sample Kolmogorov–Smirnov statistic bracketed from two histograms on the same edges.
     *
     * <p>Let {@code F} and {@code G} be the empirical CDFs ({@code F(x) = P(X <= x)}) of the raw
     * baseline and current samples and {@code D = sup_x |F(x) - G(x)|}. The histograms give
     * exactly {@code F(e-) = P(X < e)} at every edge {@code e} (cumulative proportion of the bins
     * below {@code e}).
     * <ul>
     *   <li>{@code statistic = max_e |F(e-) - G(e-)|}. Each {@code F(e-) - G(e-)} is a limit of
     *       values of {@code F - G}, so {@code statistic <= D}.</li>
     *   <li>For {@code x} in bin {@code i = [l, r)}, {@code F(x) = F(l-) + s} with
     *       {@code s in [0, p_i]} (mass of the bin at or below {@code x}), and likewise
     *       {@code G(x) = G(l-) + t}, {@code t in [0, q_i]}. Hence
     *       {@code |F(x) - G(x)| <= |F(l-) - G(l-)| + |s - t| <= statistic + max(p_i, q_i)}
     *       (for bin 0, {@code F(l-) = G(l-) = 0}). So
     *       {@code D <= statistic + errorBound} with {@code errorBound = max_i max(p_i, q_i)},
     *       {@code p_i}, {@code q_i} being the bin proportions of baseline and current.</li>
     * </ul>
     * The bound is small only when no bin holds much mass, e.g. quantile edges with many bins.
     *
     * @throws IllegalArgumentException if the edges differ or a profile has no non-null value
     */
    public static KsResult ks(NumericSummary baseline, NumericSummary current) {
        checkNumeric(baseline, current);
        long[] b = baseline.binCounts();
        long[] c = current.binCounts();
        double nb = baseline.nonNull();
        double nc = current.nonNull();
        long cumB = 0;
        long cumC = 0;
        double stat = 0;
        double bound = 0;
        for (int i = 0; i < b.length; i++) {
            // i > 0: difference of the CDFs at edge i-1, i.e. at the left end of bin i
            if (i > 0) {
                stat = Math.max(stat, Math.abs(cumB / nb - cumC / nc));
            }
            bound = Math.max(bound, Math.max(b[i] / nb, c[i] / nc));
            cumB += b[i];
            cumC += c[i];
        }
        return new KsResult(stat, bound);
    }

    /**
     * Exact two-sample Kolmogorov–Smirnov statistic {@code sup_x |F_a(x) - F_b(x)|} of two raw
     * samples, with ties handled exactly (all equal values are consumed before comparing). The
     * supremum is computed in integer arithmetic as {@code max |i*m - j*n|} and divided once by
     * {@code n*m}. NaN elements are ignored as nulls; infinite values are allowed. Cost
     * {@code O((n + m) log(n + m))}.
     *
     * @throws IllegalArgumentException if an array is null or has no non-NaN value
     */
    public static double ksExact(double[] a, double[] b) {
        double[] x = sortedNonNaN(a, "a");
        double[] y = sortedNonNaN(b, "b");
        long n = x.length;
        long m = y.length;
        int i = 0;
        int j = 0;
        long sup = 0;
        while (i < x.length && j < y.length) {
            double z = Math.min(x[i], y[j]);
            while (i < x.length && x[i] == z) {
                i++;
            }
            while (j < y.length && y[j] == z) {
                j++;
            }
            sup = Math.max(sup, Math.abs(i * m - j * n));
        }
        // once one sample is exhausted |F_a - F_b| only decreases towards 0
        return sup / ((double) n * (double) m);
    }

    // ------------------------------------------------------------------------------------------
    // Jensen–Shannon
    // ------------------------------------------------------------------------------------------

    /**
     * Jensen–Shannon divergence in bits: {@code JS = (KL(P || M) + KL(Q || M)) / 2} with
     * {@code M = (P + Q) / 2} and base-2 logarithms, where {@code P}, {@code Q} are the count
     * vectors normalised to proportions. Zero bins contribute nothing ({@code 0 log 0 = 0}), so no
     * smoothing is needed. The result lies in {@code [0, 1]} (clamped against rounding): 0 for
     * identical proportions, 1 for disjoint supports.
     *
     * @throws IllegalArgumentException on null/empty/mismatched arrays, negative counts or a vector
     *                                  summing to zero
     */
    public static double jensenShannon(long[] p, long[] q) {
        checkPair(p, q, "p", "q");
        double tp = total(p, "p");
        double tq = total(q, "q");
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            double pi = p[i] / tp;
            double qi = q[i] / tq;
            double mi = 0.5 * (pi + qi);
            if (pi > 0) {
                sum += pi * Math.log(pi / mi);
            }
            if (qi > 0) {
                sum += qi * Math.log(qi / mi);
            }
        }
        double js = 0.5 * sum / LN2;
        return Math.min(1.0, Math.max(0.0, js));
    }

    /**
     * Jensen–Shannon divergence (bits) of the histogram bins of two numeric summaries.
     *
     * @throws IllegalArgumentException if the edges differ or a profile has no non-null value
     */
    public static double jensenShannon(NumericSummary baseline, NumericSummary current) {
        checkNumeric(baseline, current);
        return jensenShannon(baseline.binCounts(), current.binCounts());
    }

    /**
     * Jensen–Shannon divergence (bits) over the union of categories (nulls excluded).
     *
     * @throws IllegalArgumentException if a profile has no non-null value
     */
    public static double jensenShannon(CategoricalSummary baseline, CategoricalSummary current) {
        long[][] t = align(baseline, current);
        return jensenShannon(t[0], t[1]);
    }

    // ------------------------------------------------------------------------------------------
    // Wasserstein-1
    // ------------------------------------------------------------------------------------------

    /**
     * Wasserstein-1 distance approximated from two histograms on the same edges.
     *
     * <p>Model: inside every non-empty bin the bin's mass is spread uniformly over the bin
     * interval intersected with {@code [min, max]} of that summary (so the open end bins are
     * closed at the observed extremes; a bin reduced to a single point becomes a point mass).
     * Both model CDFs are then piecewise linear between the breakpoints (edges and the two
     * summaries' min/max), and {@code integral |F_base - F_cur| dx} is computed exactly on every
     * piece, including the pieces where the difference changes sign.
     *
     * <p>Error bound. Let {@code w_i} be the width of bin {@code i} after that clipping (computed
     * per summary) and {@code p_i}, {@code q_i} the bin proportions. Within a bin the empirical
     * mass and the uniform mass live on the same interval, and the W1 distance between any
     * distribution on an interval of width {@code w} and the uniform one on it is at most
     * {@code w/2} (the worst case is a point mass at an end). Coupling bin by bin and applying the
     * triangle inequality twice gives
     * <pre>  |wasserstein - wassersteinExact| &lt;= 0.5 * sum_i p_i * w_i(base) + 0.5 * sum_i q_i * w_i(cur)</pre>
     * which is at most {@code sum_i max(w_i(base), w_i(cur)) * max(p_i, q_i)}.
     *
     * <p>Cost {@code O(k log k)} for {@code k} bins.
     *
     * @throws IllegalArgumentException if the edges differ or a profile has no non-null value
     */
    public static double wasserstein(NumericSummary baseline, NumericSummary current) {
        checkNumeric(baseline, current);
        Pieces pb = Pieces.of(baseline);
        Pieces pc = Pieces.of(current);
        double[] xs = new double[2 * (pb.size() + pc.size())];
        int n = 0;
        for (Pieces p : new Pieces[] {pb, pc}) {
            for (int i = 0; i < p.size(); i++) {
                xs[n++] = p.lo[i];
                xs[n++] = p.hi[i];
            }
        }
        Arrays.sort(xs);
        double total = 0;
        double prev = xs[0];
        for (int k = 1; k < n; k++) {
            double x = xs[k];
            if (x == prev) {
                continue;
            }
            // both CDFs are linear on the open interval (prev, x)
            double d0 = pb.cdf(prev, true) - pc.cdf(prev, true);
            double d1 = pb.cdf(x, false) - pc.cdf(x, false);
            total += integralOfAbsLinear(d0, d1, x - prev);
            prev = x;
        }
        return total;
    }

    /**
     * Exact Wasserstein-1 distance between the empirical distributions of two raw samples,
     * {@code integral |F_a(x) - F_b(x)| dx}, computed by a merge walk over the sorted values
     * (the CDF difference is constant between consecutive distinct values). NaN elements are
     * ignored as nulls; infinite values throw {@link IllegalArgumentException}. Cost
     * {@code O((n + m) log(n + m))}.
     *
     * @throws IllegalArgumentException if an array is null, has no non-NaN value or holds an
     *                                  infinite value
     */
    public static double wassersteinExact(double[] a, double[] b) {
        double[] x = sortedNonNaN(a, "a");
        double[] y = sortedNonNaN(b, "b");
        if (Double.isInfinite(x[0]) || Double.isInfinite(x[x.length - 1])
                || Double.isInfinite(y[0]) || Double.isInfinite(y[y.length - 1])) {
            throw new IllegalArgumentException("wassersteinExact does not support infinite values");
        }
        long n = x.length;
        long m = y.length;
        int i = 0;
        int j = 0;
        double total = 0;
        double prev = Math.min(x[0], y[0]);
        while (i < x.length || j < y.length) {
            double z;
            if (i == x.length) {
                z = y[j];
            } else if (j == y.length) {
                z = x[i];
            } else {
                z = Math.min(x[i], y[j]);
            }
            // on [prev, z): F_a = i/n, F_b = j/m
            total += Math.abs(i * m - j * n) * (z - prev);
            while (i < x.length && x[i] == z) {
                i++;
            }
            while (j < y.length && y[j] == z) {
                j++;
            }
            prev = z;
        }
        return total / ((double) n * (double) m);
    }

    // ------------------------------------------------------------------------------------------
    // Chi-square
    // ------------------------------------------------------------------------------------------

    /**
     * Chi-square test of homogeneity on the 2 x k contingency table (baseline counts vs current
     * counts) over the sorted union of categories; nulls are excluded and categories with zero
     * count on both sides are dropped. With row totals {@code R1}, {@code R2}, column totals
     * {@code C_j} and {@code N = R1 + R2}, expected counts are {@code R_r * C_j / N} and the
     * statistic is {@code sum (O - E)^2 / E}; {@code dof = k - 1}; the p-value is
     * {@link #chiSquareSurvival(double, int)}. With fewer than 2 remaining categories the result
     * is {@code (0, 0, 1)}.
     *
     * @throws IllegalArgumentException if a profile is null or has no non-null value
     */
    public static ChiSquareResult chiSquare(CategoricalSummary baseline, CategoricalSummary current) {
        long[][] t = align(baseline, current);
        long[] b = t[0];
        long[] c = t[1];
        int k = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] != 0 || c[i] != 0) {
                k++;
            }
        }
        if (k < 2) {
            return new ChiSquareResult(0.0, 0, 1.0);
        }
        double r1 = baseline.count() - baseline.nulls();
        double r2 = current.count() - current.nulls();
        double total = r1 + r2;
        double stat = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0 && c[i] == 0) {
                continue;
            }
            double col = (double) b[i] + (double) c[i];
            double e1 = r1 * col / total;
            double e2 = r2 * col / total;
            double d = b[i] - e1; // equals -(c[i] - e2)
            stat += d * d / e1 + d * d / e2;
        }
        int dof = k - 1;
        return new ChiSquareResult(stat, dof, chiSquareSurvival(stat, dof));
    }

    /**
     * Upper tail {@code P(X > statistic)} of the chi-square distribution with {@code dof} degrees
     * of freedom, i.e. the regularized upper incomplete gamma function {@code Q(dof/2, stat/2)}.
     * Uses the power series of {@code P} when {@code x < a + 1} (then {@code Q = 1 - P}, which is
     * not small there) and the continued fraction of {@code Q} (modified Lentz) otherwise, so tiny
     * tail probabilities keep their relative accuracy. {@code ln Gamma} comes from the Stirling
     * series after shifting the argument above 10. Relative accuracy is about {@code 1e-13} for
     * moderate dof; it degrades slowly for very large dof (about {@code 1e-16 * a * ln x} absolute
     * error in the exponent of the prefactor).
     *
     * @return 1 for {@code statistic == 0}, 0 for {@code +Infinity}
     * @throws IllegalArgumentException if {@code dof < 1} or {@code statistic} is NaN or negative
     */
    public static double chiSquareSurvival(double statistic, int dof) {
        if (dof < 1) {
            throw new IllegalArgumentException("dof must be >= 1, got " + dof);
        }
        if (Double.isNaN(statistic) || statistic < 0) {
            throw new IllegalArgumentException("statistic must be >= 0, got " + statistic);
        }
        return regularizedGammaQ(0.5 * dof, 0.5 * statistic);
    }

    // ------------------------------------------------------------------------------------------
    // helpers
    // ------------------------------------------------------------------------------------------

    private static double regularizedGammaQ(double a, double x) {
        if (x == 0) {
            return 1.0;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return 0.0;
        }
        double logPrefactor = a * Math.log(x) - x - logGamma(a);
        if (x < a + 1) {
            // P(a, x) = x^a e^-x / Gamma(a) * sum_{n>=0} x^n / (a (a+1) ... (a+n))
            double ap = a;
            double term = 1.0 / a;
            double sum = term;
            for (int n = 1; n <= MAX_ITERATIONS; n++) {
                ap += 1;
                term *= x / ap;
                sum += term;
                if (term < sum * GAMMA_EPS) {
                    double p = sum * Math.exp(logPrefactor);
                    return Math.min(1.0, Math.max(0.0, 1.0 - p));
                }
            }
            throw new IllegalStateException("gamma series did not converge for a=" + a + ", x=" + x);
        }
        // Q(a, x) = x^a e^-x / Gamma(a) * 1 / (x + 1 - a - 1(1 - a) / (x + 3 - a - 2(2 - a) / (x + 5 - a - ...)))
        double b = x + 1 - a;
        double c = 1.0 / TINY;
        double d = 1.0 / b;
        double h = d;
        for (int i = 1; i <= MAX_ITERATIONS; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < TINY) {
                d = TINY;
            }
            c = b + an / c;
            if (Math.abs(c) < TINY) {
                c = TINY;
            }
            d = 1.0 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1.0) <= 2 * GAMMA_EPS) {
                return Math.min(1.0, Math.max(0.0, Math.exp(logPrefactor) * h));
            }
        }
        throw new IllegalStateException("gamma continued fraction did not converge for a=" + a + ", x=" + x);
    }

    /** ln Gamma(a) for a > 0: shift to z >= 10, then Stirling series up to the z^-13 term. */
    private static double logGamma(double a) {
        double z = a;
        double prod = 1;
        while (z < 10) {
            prod *= z;
            z += 1;
        }
        double shift = Math.log(prod); // ln Gamma(a) = ln Gamma(z) - ln(a (a+1) ... (z-1))
        double inv = 1.0 / z;
        double inv2 = inv * inv;
        double series = inv * (1.0 / 12 + inv2 * (-1.0 / 360 + inv2 * (1.0 / 1260 + inv2 * (-1.0 / 1680
                + inv2 * (1.0 / 1188 + inv2 * (-691.0 / 360360 + inv2 * (1.0 / 156)))))));
        return (z - 0.5) * Math.log(z) - z + HALF_LOG_2PI + series - shift;
    }

    /** Integral over a segment of width w of |f| where f is linear from d0 to d1. */
    private static double integralOfAbsLinear(double d0, double d1, double w) {
        double a0 = Math.abs(d0);
        double a1 = Math.abs(d1);
        if ((d0 >= 0 && d1 >= 0) || (d0 <= 0 && d1 <= 0)) {
            return 0.5 * w * (a0 + a1);
        }
        // sign change inside: two triangles
        return 0.5 * w * (d0 * d0 + d1 * d1) / (a0 + a1);
    }

    /** Non-empty bins of a summary as ordered intervals [lo, hi] carrying uniform mass. */
    private static final class Pieces {
        final double[] lo;
        final double[] hi;
        final double[] mass;
        /** cum[j] = total mass of pieces 0..j-1. */
        final double[] cum;

        private Pieces(double[] lo, double[] hi, double[] mass, double[] cum) {
            this.lo = lo;
            this.hi = hi;
            this.mass = mass;
            this.cum = cum;
        }

        static Pieces of(NumericSummary s) {
            double[] edges = s.edges();
            long[] bins = s.binCounts();
            double n = s.nonNull();
            int size = 0;
            for (long c : bins) {
                if (c > 0) {
                    size++;
                }
            }
            double[] lo = new double[size];
            double[] hi = new double[size];
            double[] mass = new double[size];
            double[] cum = new double[size + 1];
            long running = 0;
            int j = 0;
            for (int i = 0; i < bins.length; i++) {
                if (bins[i] == 0) {
                    continue;
                }
                double left = i == 0 ? s.min() : edges[i - 1];
                double right = i == bins.length - 1 ? s.max() : edges[i];
                lo[j] = Math.max(left, s.min());
                hi[j] = Math.min(right, s.max());
                mass[j] = bins[i] / n;
                cum[j] = running / n;
                running += bins[i];
                j++;
            }
            cum[size] = 1.0;
            return new Pieces(lo, hi, mass, cum);
        }

        int size() {
            return lo.length;
        }

        /** Piece i lies entirely at or before x for the right limit (or before x for the left limit). */
        private boolean below(int i, double x, boolean rightLimit) {
            if (rightLimit) {
                return hi[i] <= x;
            }
            return hi[i] < x || (hi[i] == x && lo[i] < hi[i]);
        }

        /** Model CDF at x: right limit F(x) if rightLimit, else left limit F(x-). */
        double cdf(double x, boolean rightLimit) {
            int l = 0;
            int r = lo.length;
            while (l < r) {
                int mid = (l + r) >>> 1;
                if (below(mid, x, rightLimit)) {
                    l = mid + 1;
                } else {
                    r = mid;
                }
            }
            double f = cum[l];
            if (l < lo.length && lo[l] < x && x < hi[l]) {
                f += mass[l] * (x - lo[l]) / (hi[l] - lo[l]);
            }
            return f;
        }
    }

    private static void checkNumeric(NumericSummary baseline, NumericSummary current) {
        if (baseline == null || current == null) {
            throw new IllegalArgumentException("baseline and current profiles must not be null");
        }
        if (baseline.nonNull() == 0) {
            throw new IllegalArgumentException("no non-null values in baseline profile");
        }
        if (current.nonNull() == 0) {
            throw new IllegalArgumentException("no non-null values in current profile");
        }
        if (!Arrays.equals(baseline.edges(), current.edges())) {
            throw new IllegalArgumentException("bin edges differ between baseline and current profiles: "
                    + Arrays.toString(baseline.edges()) + " vs " + Arrays.toString(current.edges()));
        }
    }

    /** Counts of both summaries aligned on the sorted union of categories. */
    private static long[][] align(CategoricalSummary baseline, CategoricalSummary current) {
        if (baseline == null || current == null) {
            throw new IllegalArgumentException("baseline and current profiles must not be null");
        }
        if (baseline.count() - baseline.nulls() == 0) {
            throw new IllegalArgumentException("no non-null values in baseline profile");
        }
        if (current.count() - current.nulls() == 0) {
            throw new IllegalArgumentException("no non-null values in current profile");
        }
        Map<String, Long> mb = baseline.counts();
        Map<String, Long> mc = current.counts();
        TreeSet<String> keys = new TreeSet<>(mb.keySet());
        keys.addAll(mc.keySet());
        long[] b = new long[keys.size()];
        long[] c = new long[keys.size()];
        int i = 0;
        for (String key : keys) {
            b[i] = mb.getOrDefault(key, 0L);
            c[i] = mc.getOrDefault(key, 0L);
            i++;
        }
        return new long[][] {b, c};
    }

    private static void checkPair(long[] x, long[] y, String nx, String ny) {
        if (x == null || y == null) {
            throw new IllegalArgumentException(nx + " and " + ny + " must not be null");
        }
        if (x.length == 0 || x.length != y.length) {
            throw new IllegalArgumentException(nx + " and " + ny + " must have the same non-zero length, got "
                    + x.length + " and " + y.length);
        }
    }

    private static double total(long[] counts, String name) {
        long t = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException(name + "[" + i + "] is negative: " + counts[i]);
            }
            try {
                t = Math.addExact(t, counts[i]);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("sum of " + name + " overflows a long", e);
            }
        }
        if (t == 0) {
            throw new IllegalArgumentException("no counts in " + name);
        }
        return t;
    }

    private static double[] sortedNonNaN(double[] v, String name) {
        if (v == null) {
            throw new IllegalArgumentException("sample " + name + " must not be null");
        }
        double[] out = new double[v.length];
        int n = 0;
        for (double d : v) {
            if (!Double.isNaN(d)) {
                out[n++] = d + 0.0; // turns -0.0 into 0.0 so that ties compare as values
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("no non-NaN values in sample " + name);
        }
        double[] s = Arrays.copyOf(out, n);
        Arrays.sort(s);
        return s;
    }
}
