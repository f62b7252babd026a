package dev.esteira.monitor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

class ChiSquareHomogeneityTest {

    private static CategoricalSummary sample(Random r, int n, double[] weights, int offset) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (r.nextInt(20) == 0) {
                values.add(null);
                continue;
            }
            double u = r.nextDouble() * total;
            int k = 0;
            while (k < weights.length - 1 && u >= weights[k]) {
                u -= weights[k];
                k++;
            }
            values.add("cat" + (k + offset));
        }
        return CategoricalSummary.of(values);
    }

    /** Adds explicit zero-count categories (one shared by both sides) to check that they are dropped. */
    private static CategoricalSummary withZeros(CategoricalSummary s, String... zeroKeys) {
        Map<String, Long> m = new HashMap<>(s.counts());
        for (String k : zeroKeys) {
            m.putIfAbsent(k, 0L);
        }
        return new CategoricalSummary(s.count(), s.nulls(), m);
    }

    @Test
    void matchesCommonsMathOnRandomTables() {
        Random r = new Random(808);
        ChiSquareTest reference = new ChiSquareTest();
        for (int trial = 0; trial < 40; trial++) {
            int k = 2 + r.nextInt(10);
            double[] wb = new double[k];
            double[] wc = new double[k];
            for (int i = 0; i < k; i++) {
                wb[i] = 0.2 + r.nextDouble();
                wc[i] = trial % 3 == 0 ? wb[i] : 0.2 + r.nextDouble();
            }
            CategoricalSummary b = withZeros(sample(r, 200 + r.nextInt(3000), wb, 0), "zz-both", "zz-base-only");
            CategoricalSummary c = withZeros(sample(r, 150 + r.nextInt(2000), wc, trial % 2), "zz-both");

            TreeSet<String> keys = new TreeSet<>(b.counts().keySet());
            keys.addAll(c.counts().keySet());
            List<Long> lb = new ArrayList<>();
            List<Long> lc = new ArrayList<>();
            for (String key : keys) {
                long x = b.counts().getOrDefault(key, 0L);
                long y = c.counts().getOrDefault(key, 0L);
                if (x != 0 || y != 0) {
                    lb.add(x);
                    lc.add(y);
                }
            }
            long[] ob = lb.stream().mapToLong(Long::longValue).toArray();
            long[] oc = lc.stream().mapToLong(Long::longValue).toArray();

            ChiSquareResult res = DriftStatistics.chiSquare(b, c);
            double refStat = reference.chiSquareDataSetsComparison(ob, oc);
            double refP = reference.chiSquareTestDataSetsComparison(ob, oc);
            assertEquals(ob.length - 1, res.degreesOfFreedom(), "trial " + trial);
            assertEquals(refStat, res.statistic(), 1e-9 * Math.max(1, refStat), "trial " + trial);
            assertEquals(refP, res.pValue(), 1e-9, "trial " + trial);
            assertEquals(bruteStatistic(ob, oc), res.statistic(), 1e-9 * Math.max(1, refStat), "trial " + trial);
        }
    }

    /** Textbook 2 x k form: sum_j (b_j R2 - c_j R1)^2 / (R1 R2 C_j), with exact integer numerators. */
    private static double bruteStatistic(long[] b, long[] c) {
        long r1 = Samples.sum(b);
        long r2 = Samples.sum(c);
        double s = 0;
        for (int j = 0; j < b.length; j++) {
            long num = b[j] * r2 - c[j] * r1;
            s += (double) num * num / ((double) r1 * r2 * (b[j] + c[j]));
        }
        return s;
    }

    @Test
    void fewerThanTwoCategoriesGivesTrivialResult() {
        CategoricalSummary a = CategoricalSummary.of(List.of("x", "x"));
        CategoricalSummary b = withZeros(CategoricalSummary.of(List.of("x")), "y");
        assertEquals(new ChiSquareResult(0.0, 0, 1.0), DriftStatistics.chiSquare(a, b));
    }

    @Test
    void survivalMatchesCommonsMathComplementOfCdf() {
        int[] dofs = {1, 2, 5, 30};
        double[] stats = {1e-6, 0.01, 0.3, 1, 2.5, 4, 7.5, 12, 25, 30, 45, 60};
        for (int dof : dofs) {
            ChiSquaredDistribution dist = new ChiSquaredDistribution(dof);
            for (double x : stats) {
                double expected = 1.0 - dist.cumulativeProbability(x);
                double actual = DriftStatistics.chiSquareSurvival(x, dof);
                assertEquals(expected, actual, 1e-9 * Math.max(expected, 1e-4), "dof " + dof + " x " + x);
            }
            assertEquals(1.0, DriftStatistics.chiSquareSurvival(0.0, dof), 0.0);
            assertEquals(0.0, DriftStatistics.chiSquareSurvival(Double.POSITIVE_INFINITY, dof), 0.0);
        }
    }

    @Test
    void survivalKeepsRelativeAccuracyInTheFarTail() {
        int[] dofs = {1, 2, 5, 30, 200};
        double[] stats = {0.5, 3, 10, 50, 100, 200, 350, 700};
        for (int dof : dofs) {
            for (double x : stats) {
                double expected = Gamma.regularizedGammaQ(dof / 2.0, x / 2.0, 1e-15, 1_000_000);
                double actual = DriftStatistics.chiSquareSurvival(x, dof);
                assertEquals(expected, actual, 1e-10 * expected, "dof " + dof + " x " + x);
            }
        }
        for (double x : stats) {
            // dof 1: Q = erfc(sqrt(x/2)); dof 2: Q = exp(-x/2); dof 6: Q = exp(-x/2) (1 + x/2 + (x/2)^2/2)
            double e1 = Erf.erfc(Math.sqrt(x / 2));
            assertEquals(e1, DriftStatistics.chiSquareSurvival(x, 1), 1e-10 * e1, "dof 1 x " + x);
            double e2 = Math.exp(-x / 2);
            assertEquals(e2, DriftStatistics.chiSquareSurvival(x, 2), 1e-12 * e2, "dof 2 x " + x);
            double h = x / 2;
            double e6 = Math.exp(-h) * (1 + h + h * h / 2);
            assertEquals(e6, DriftStatistics.chiSquareSurvival(x, 6), 1e-12 * e6, "dof 6 x " + x);
        }
    }
}
