package dev.esteira.monitor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KsTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("normal vs shifted normal, deciles",
                        Samples.normal(1, 3000, 0, 1), Samples.normal(2, 2000, 0.25, 1), 10),
                Arguments.of("normal vs shifted normal, 20-quantiles",
                        Samples.normal(1, 3000, 0, 1), Samples.normal(2, 2000, 0.25, 1), 20),
                Arguments.of("same distribution, 20-quantiles",
                        Samples.normal(3, 3000, 5, 2), Samples.normal(4, 2000, 5, 2), 20),
                Arguments.of("integer data with ties, deciles",
                        Samples.integers(5, 3000, 12, 0.4), Samples.integers(6, 2000, 12, 0.45), 10),
                Arguments.of("integer data with ties, 20-quantiles",
                        Samples.integers(7, 3000, 30, 0.3), Samples.integers(8, 2000, 30, 0.3), 20),
                Arguments.of("uniform vs wider uniform, deciles",
                        Samples.uniform(9, 2500, 0, 1), Samples.uniform(10, 1700, -0.2, 1.3), 10));
    }

    /** Brute force histogram statistic: max over edges of |#(a < e)/n - #(b < e)/m|. */
    private static double bruteEdgeStatistic(double[] a, double[] b, double[] edges) {
        double best = 0;
        for (double e : edges) {
            long ca = Arrays.stream(a).filter(v -> v < e).count();
            long cb = Arrays.stream(b).filter(v -> v < e).count();
            best = Math.max(best, Math.abs((double) ca / a.length - (double) cb / b.length));
        }
        return best;
    }

    private static double bruteMaxBinProportion(double[] a, double[] b, double[] edges) {
        long[] ba = Samples.bruteBins(a, edges);
        long[] bb = Samples.bruteBins(b, edges);
        double best = 0;
        for (int i = 0; i < ba.length; i++) {
            best = Math.max(best, Math.max((double) ba[i] / a.length, (double) bb[i] / b.length));
        }
        return best;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void exactMatchesCommonsMathAndHistogramBracketsIt(String name, double[] base, double[] cur, int q) {
        double exact = DriftStatistics.ksExact(base, cur);
        double reference = new KolmogorovSmirnovTest().kolmogorovSmirnovStatistic(base, cur);
        assertEquals(reference, exact, 1e-12);

        double[] edges = Samples.quantileEdges(base, q);
        KsResult hist = DriftStatistics.ks(NumericSummary.of(base, edges), NumericSummary.of(cur, edges));
        assertEquals(bruteEdgeStatistic(base, cur, edges), hist.statistic(), 1e-12);
        assertEquals(bruteMaxBinProportion(base, cur, edges), hist.errorBound(), 1e-12);
        assertTrue(hist.statistic() <= exact + 1e-12, "lower bound violated: " + hist + " exact " + exact);
        assertTrue(exact <= hist.statistic() + hist.errorBound() + 1e-12,
                "upper bound violated: " + hist + " exact " + exact);
    }

    @Test
    void shiftIsDetectedAndSameSampleIsZero() {
        double[] base = Samples.normal(1, 3000, 0, 1);
        double[] cur = Samples.normal(2, 2000, 0.5, 1);
        // a 0.5 sd shift gives a population D of about 0.197
        double d = DriftStatistics.ksExact(base, cur);
        assertTrue(d > 0.15 && d < 0.25, "got " + d);
        assertEquals(0.0, DriftStatistics.ksExact(base, base.clone()), 0.0);
        double[] edges = Samples.quantileEdges(base, 10);
        KsResult same = DriftStatistics.ks(NumericSummary.of(base, edges), NumericSummary.of(base, edges));
        assertEquals(0.0, same.statistic(), 0.0);
    }

    @Test
    void exactHandlesTiesSmallSamplesAndNaN() {
        // brute force over every candidate x on tiny samples, including NaNs which are ignored
        java.util.Random r = new java.util.Random(99);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + r.nextInt(12);
            int m = 1 + r.nextInt(12);
            double[] a = new double[n];
            double[] b = new double[m];
            for (int i = 0; i < n; i++) {
                a[i] = r.nextInt(6);
            }
            for (int j = 0; j < m; j++) {
                b[j] = r.nextInt(6) + (trial % 3 == 0 ? 0.5 : 0);
            }
            double best = 0;
            for (double x : concat(a, b)) {
                double fa = Arrays.stream(a).filter(v -> v <= x).count() / (double) n;
                double fb = Arrays.stream(b).filter(v -> v <= x).count() / (double) m;
                best = Math.max(best, Math.abs(fa - fb));
            }
            double[] aWithNaN = Arrays.copyOf(a, n + 1);
            aWithNaN[n] = Double.NaN;
            assertEquals(best, DriftStatistics.ksExact(aWithNaN, b), 1e-15, "trial " + trial);
        }
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
