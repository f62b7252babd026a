package dev.esteira.monitor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WassersteinTest {

    /** Equal sizes: W1 = mean |sorted a_i - sorted b_i|. */
    private static double sortedPairs(double[] a, double[] b) {
        double[] x = a.clone();
        double[] y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += Math.abs(x[i] - y[i]);
        }
        return s / x.length;
    }

    /** Any sizes: replicate a m times and b n times, then pair sorted values. Only for small samples. */
    private static double replicated(double[] a, double[] b) {
        double[] x = new double[a.length * b.length];
        double[] y = new double[a.length * b.length];
        for (int r = 0; r < b.length; r++) {
            System.arraycopy(a, 0, x, r * a.length, a.length);
        }
        for (int r = 0; r < a.length; r++) {
            System.arraycopy(b, 0, y, r * b.length, b.length);
        }
        return sortedPairs(x, y);
    }

    /** Any sizes: W1 = integral over u in (0,1) of |Qa(u) - Qb(u)|, quantile functions are step functions. */
    private static double quantileIntegral(double[] a, double[] b) {
        double[] x = a.clone();
        double[] y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        double[] us = new double[x.length + y.length + 1];
        int k = 0;
        for (int i = 1; i <= x.length; i++) {
            us[k++] = (double) i / x.length;
        }
        for (int j = 1; j <= y.length; j++) {
            us[k++] = (double) j / y.length;
        }
        us[k] = 0;
        Arrays.sort(us);
        double s = 0;
        for (int t = 1; t < us.length; t++) {
            double du = us[t] - us[t - 1];
            if (du <= 0) {
                continue;
            }
            double mid = 0.5 * (us[t] + us[t - 1]);
            double qa = x[(int) Math.floor(mid * x.length)];
            double qb = y[(int) Math.floor(mid * y.length)];
            s += Math.abs(qa - qb) * du;
        }
        return s;
    }

    @Test
    void exactMatchesSortedPairsForEqualSizes() {
        double[] a = Samples.normal(1, 2000, 0, 1);
        double[] b = Samples.normal(2, 2000, 0.7, 1.5);
        double w = DriftStatistics.wassersteinExact(a, b);
        assertEquals(sortedPairs(a, b), w, 1e-12);
        assertEquals(0.0, DriftStatistics.wassersteinExact(a, a.clone()), 0.0);
        double[] ia = Samples.integers(3, 1500, 10, 0.5);
        double[] ib = Samples.integers(4, 1500, 10, 0.6);
        assertEquals(sortedPairs(ia, ib), DriftStatistics.wassersteinExact(ia, ib), 1e-12);
    }

    @Test
    void exactMatchesQuantileIntegralForUnequalSizes() {
        double[] a = Samples.normal(5, 3000, 0, 1);
        double[] b = Samples.normal(6, 1999, 0.4, 0.8);
        assertEquals(quantileIntegral(a, b), DriftStatistics.wassersteinExact(a, b), 1e-10);
        double[] ia = Samples.integers(7, 2500, 20, 0.3);
        double[] ib = Samples.integers(8, 1300, 20, 0.35);
        assertEquals(quantileIntegral(ia, ib), DriftStatistics.wassersteinExact(ia, ib), 1e-10);
    }

    @Test
    void exactMatchesReplicationOnSmallRandomSamples() {
        Random r = new Random(31);
        for (int trial = 0; trial < 100; trial++) {
            int n = 1 + r.nextInt(40);
            int m = 1 + r.nextInt(40);
            double[] a = new double[n];
            double[] b = new double[m];
            for (int i = 0; i < n; i++) {
                a[i] = trial % 2 == 0 ? r.nextInt(5) : r.nextGaussian();
            }
            for (int j = 0; j < m; j++) {
                b[j] = trial % 2 == 0 ? r.nextInt(7) - 1 : 0.3 + 2 * r.nextGaussian();
            }
            double expected = replicated(a, b);
            assertEquals(expected, DriftStatistics.wassersteinExact(a, b), 1e-12 * Math.max(1, expected), "trial " + trial);
            assertEquals(expected, quantileIntegral(a, b), 1e-12 * Math.max(1, expected), "reference self-check " + trial);
        }
        // NaN is ignored as a null
        assertEquals(1.0, DriftStatistics.wassersteinExact(new double[] {0, Double.NaN}, new double[] {1}), 0.0);
    }

    // ------------------------------------------------------------------------------------------
    // histogram approximation
    // ------------------------------------------------------------------------------------------

    /** Per-bin clipped support [lo, hi] of a summary, recomputed from scratch. */
    private static double[][] clippedBins(NumericSummary s) {
        double[] e = s.edges();
        int k = e.length + 1;
        double[][] lohi = new double[k][2];
        for (int i = 0; i < k; i++) {
            double left = i == 0 ? Double.NEGATIVE_INFINITY : e[i - 1];
            double right = i == k - 1 ? Double.POSITIVE_INFINITY : e[i];
            lohi[i][0] = Math.max(left, s.min());
            lohi[i][1] = Math.min(right, s.max());
        }
        return lohi;
    }

    /** Documented bound: 0.5 * sum p_i w_i(base) + 0.5 * sum q_i w_i(cur). */
    private static double documentedBound(NumericSummary b, NumericSummary c) {
        double bound = 0;
        for (NumericSummary s : new NumericSummary[] {b, c}) {
            double[][] lohi = clippedBins(s);
            long[] bins = s.binCounts();
            for (int i = 0; i < bins.length; i++) {
                if (bins[i] > 0) {
                    bound += 0.5 * bins[i] / (double) s.nonNull() * (lohi[i][1] - lohi[i][0]);
                }
            }
        }
        return bound;
    }

    /** Model CDF of a summary by a linear scan over all bins (point masses count at x >= location). */
    private static double modelCdf(NumericSummary s, double[][] lohi, double x) {
        long[] bins = s.binCounts();
        double f = 0;
        for (int i = 0; i < bins.length; i++) {
            if (bins[i] == 0) {
                continue;
            }
            double p = bins[i] / (double) s.nonNull();
            double lo = lohi[i][0];
            double hi = lohi[i][1];
            if (hi == lo) {
                f += x >= lo ? p : 0;
            } else {
                f += p * Math.min(1, Math.max(0, (x - lo) / (hi - lo)));
            }
        }
        return f;
    }

    /** Midpoint-rule integral of |F_b - F_c| of the model CDFs on a fine grid. */
    private static double numericModelIntegral(NumericSummary b, NumericSummary c, int cells) {
        double lo = Math.min(b.min(), c.min());
        double hi = Math.max(b.max(), c.max());
        double h = (hi - lo) / cells;
        double[][] lb = clippedBins(b);
        double[][] lc = clippedBins(c);
        double s = 0;
        for (int i = 0; i < cells; i++) {
            double x = lo + (i + 0.5) * h;
            s += Math.abs(modelCdf(b, lb, x) - modelCdf(c, lc, x));
        }
        return s * h;
    }

    static Stream<Arguments> histogramCases() {
        return Stream.of(
                Arguments.of("normal vs shifted normal, deciles",
                        Samples.normal(1, 3000, 0, 1), Samples.normal(2, 2000, 0.5, 1.3), 10),
                Arguments.of("normal vs shifted normal, 20-quantiles",
                        Samples.normal(1, 3000, 0, 1), Samples.normal(2, 2000, 0.5, 1.3), 20),
                Arguments.of("same distribution, deciles",
                        Samples.normal(3, 3000, 10, 3), Samples.normal(4, 2000, 10, 3), 10),
                Arguments.of("uniform vs narrower uniform, 20-quantiles",
                        Samples.uniform(5, 2000, 0, 1), Samples.uniform(6, 2500, 0.2, 0.9), 20),
                Arguments.of("integer data with ties, deciles",
                        Samples.integers(7, 3000, 15, 0.4), Samples.integers(8, 2000, 15, 0.5), 10),
                Arguments.of("current entirely above baseline range",
                        Samples.uniform(9, 1000, 0, 1), Samples.uniform(10, 800, 3, 4), 10));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("histogramCases")
    void histogramVersionIsWithinDocumentedBound(String name, double[] base, double[] cur, int q) {
        double[] edges = Samples.quantileEdges(base, q);
        NumericSummary b = NumericSummary.of(base, edges);
        NumericSummary c = NumericSummary.of(cur, edges);
        double approx = DriftStatistics.wasserstein(b, c);
        double exact = DriftStatistics.wassersteinExact(base, cur);
        double bound = documentedBound(b, c);
        assertTrue(Math.abs(approx - exact) <= bound + 1e-12,
                "approx " + approx + " exact " + exact + " bound " + bound);
        assertEquals(approx, DriftStatistics.wasserstein(c, b), 1e-12, "symmetry");
    }

    @Test
    void histogramVersionIntegratesTheModelExactly() {
        double[] base = Samples.normal(21, 3000, 0, 1);
        double[] cur = Samples.normal(22, 2000, 0.3, 0.7);
        double[] edges = Samples.quantileEdges(base, 10);
        NumericSummary b = NumericSummary.of(base, edges);
        NumericSummary c = NumericSummary.of(cur, edges);
        double approx = DriftStatistics.wasserstein(b, c);
        double numeric = numericModelIntegral(b, c, 200_000);
        double range = Math.max(b.max(), c.max()) - Math.min(b.min(), c.min());
        assertEquals(numeric, approx, 1e-7 * range);
        assertTrue(approx > 0.1, "got " + approx);
    }

    @Test
    void histogramVersionHandlesPointMassesAndSingleBin() {
        // all baseline values equal to an edge: the last bin shrinks to the point [2, 2]
        NumericSummary b = NumericSummary.of(new double[] {2, 2, 2, 2}, new double[] {1, 2});
        NumericSummary c = NumericSummary.of(new double[] {0.5, 1.5}, new double[] {1, 2});
        // model of c: uniform on [0.5, 1) and [1, 1.5), i.e. uniform on [0.5, 1.5]; W1 to a point mass at 2 is 2 - 1 = 1
        assertEquals(1.0, DriftStatistics.wasserstein(b, c), 1e-15);
        assertEquals(0.0, DriftStatistics.wasserstein(b, b), 0.0);
        // single bin, both uniform on their [min, max]: W1 between U[0,1] and U[1,3] is |0.5 - 2| = 1.5 (no crossing)
        NumericSummary u1 = new NumericSummary(2, 0, 0.5, 0.7, 0.0, 1.0, new double[0], new long[] {2});
        NumericSummary u2 = new NumericSummary(2, 0, 2.0, 1.4, 1.0, 3.0, new double[0], new long[] {2});
        assertEquals(1.5, DriftStatistics.wasserstein(u1, u2), 1e-15);
    }
}
