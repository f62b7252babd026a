package dev.esteira.monitor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PsiTest {

    /** Independent form: PSI = KL(a || e) + KL(e || a) on the epsilon-smoothed (not renormalised) proportions. */
    private static double referencePsi(long[] expected, long[] actual, double eps) {
        double se = Samples.sum(expected);
        double sa = Samples.sum(actual);
        double klAE = 0;
        double klEA = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i] == 0 ? eps : expected[i] / se;
            double a = actual[i] == 0 ? eps : actual[i] / sa;
            klAE += a * (Math.log(a) - Math.log(e));
            klEA += e * (Math.log(e) - Math.log(a));
        }
        return klAE + klEA;
    }

    @Test
    void matchesIndependentFormulaOnRandomHistograms() {
        Random r = new Random(2024);
        for (int trial = 0; trial < 200; trial++) {
            int k = 1 + r.nextInt(30);
            long[] e = Samples.randomCounts(r, k, 1000, 0.15);
            long[] a = Samples.randomCounts(r, k, 1000, 0.15);
            e[r.nextInt(k)] += 1; // make sure neither vector is all zero
            a[r.nextInt(k)] += 1;
            double eps = trial % 2 == 0 ? 1e-4 : 1e-3;
            double psi = DriftStatistics.psi(e, a, eps);
            assertEquals(referencePsi(e, a, eps), psi, 1e-12 * Math.max(1, psi), "trial " + trial);
            assertTrue(psi >= 0);
        }
    }

    @Test
    void identicalProportionsGiveZeroAndShiftGivesPositive() {
        long[] e = {10, 0, 30, 60};
        assertEquals(0.0, DriftStatistics.psi(e, e.clone(), 1e-4), 0.0);
        assertEquals(0.0, DriftStatistics.psi(e, new long[] {100, 0, 300, 600}, 1e-4), 1e-15);
        assertTrue(DriftStatistics.psi(e, new long[] {20, 0, 30, 50}, 1e-4) > 0.01);
    }

    @Test
    void numericSummaryPsiUsesBinsAndEpsilon1e4() {
        double[] base = Samples.normal(1, 3000, 0, 1);
        double[] cur = Samples.normal(2, 2000, 0.3, 1.2);
        double[] edges = Samples.quantileEdges(base, 10);
        double psi = DriftStatistics.psi(NumericSummary.of(base, edges), NumericSummary.of(cur, edges));
        double ref = referencePsi(Samples.bruteBins(base, edges), Samples.bruteBins(cur, edges), 1e-4);
        assertEquals(ref, psi, 1e-12);
        assertTrue(psi > 0.05, "a 0.3 sd shift plus wider spread must be visible, got " + psi);

        double[] same = Samples.normal(3, 3000, 0, 1);
        double small = DriftStatistics.psi(NumericSummary.of(base, edges), NumericSummary.of(same, edges));
        assertTrue(small >= 0 && small < 0.02, "same distribution, got " + small);
    }

    @Test
    void categoricalPsiUsesUnionOfCategories() {
        Random r = new Random(77);
        List<String> base = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            base.add(r.nextInt(10) == 0 ? null : "k" + r.nextInt(5));        // k0..k4
            cur.add(r.nextInt(10) == 0 ? null : "k" + (2 + r.nextInt(5)));   // k2..k6
        }
        Map<String, Long> cb = new HashMap<>();
        Map<String, Long> cc = new HashMap<>();
        base.stream().filter(s -> s != null).forEach(s -> cb.merge(s, 1L, Long::sum));
        cur.stream().filter(s -> s != null).forEach(s -> cc.merge(s, 1L, Long::sum));
        TreeSet<String> keys = new TreeSet<>(cb.keySet());
        keys.addAll(cc.keySet());
        long[] e = keys.stream().mapToLong(k -> cb.getOrDefault(k, 0L)).toArray();
        long[] a = keys.stream().mapToLong(k -> cc.getOrDefault(k, 0L)).toArray();
        assertEquals(7, keys.size());
        double psi = DriftStatistics.psi(CategoricalSummary.of(base), CategoricalSummary.of(cur));
        assertEquals(referencePsi(e, a, 1e-4), psi, 1e-12);
        assertEquals(0.0, DriftStatistics.psi(CategoricalSummary.of(base), CategoricalSummary.of(base)), 0.0);
    }
}
