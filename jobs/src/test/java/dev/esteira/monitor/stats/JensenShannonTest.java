package dev.esteira.monitor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JensenShannonTest {

    /** (KL(P||M) + KL(Q||M)) / 2 with natural logs, converted to bits at the end. */
    private static double viaKl(long[] p, long[] q) {
        double sp = Samples.sum(p);
        double sq = Samples.sum(q);
        double klp = 0;
        double klq = 0;
        for (int i = 0; i < p.length; i++) {
            double pi = p[i] / sp;
            double qi = q[i] / sq;
            double m = (pi + qi) / 2;
            if (p[i] != 0) {
                klp += pi * Math.log(pi / m);
            }
            if (q[i] != 0) {
                klq += qi * Math.log(qi / m);
            }
        }
        return (klp + klq) / 2 / Math.log(2);
    }

    /** Entropy form: H(M) - (H(P) + H(Q)) / 2, in bits. */
    private static double viaEntropy(long[] p, long[] q) {
        double sp = Samples.sum(p);
        double sq = Samples.sum(q);
        double hp = 0;
        double hq = 0;
        double hm = 0;
        for (int i = 0; i < p.length; i++) {
            double pi = p[i] / sp;
            double qi = q[i] / sq;
            double m = (pi + qi) / 2;
            hp -= pi > 0 ? pi * Math.log(pi) : 0;
            hq -= qi > 0 ? qi * Math.log(qi) : 0;
            hm -= m > 0 ? m * Math.log(m) : 0;
        }
        return (hm - (hp + hq) / 2) / Math.log(2);
    }

    @Test
    void matchesIndependentFormulasOnRandomCounts() {
        Random r = new Random(4242);
        for (int trial = 0; trial < 200; trial++) {
            int k = 1 + r.nextInt(25);
            long[] p = Samples.randomCounts(r, k, 500, 0.25);
            long[] q = Samples.randomCounts(r, k, 500, 0.25);
            p[r.nextInt(k)] += 3;
            q[r.nextInt(k)] += 3;
            double js = DriftStatistics.jensenShannon(p, q);
            assertEquals(viaKl(p, q), js, 1e-12, "trial " + trial);
            assertEquals(viaEntropy(p, q), js, 1e-12, "trial " + trial);
            assertEquals(js, DriftStatistics.jensenShannon(q, p), 1e-15, "symmetry");
            assertTrue(js >= 0 && js <= 1);
        }
    }

    @Test
    void boundsZeroAndOne() {
        assertEquals(0.0, DriftStatistics.jensenShannon(new long[] {3, 0, 5}, new long[] {6, 0, 10}), 1e-15);
        assertEquals(1.0, DriftStatistics.jensenShannon(new long[] {3, 0, 5, 0}, new long[] {0, 7, 0, 1}), 1e-15);
        // half the mass shared: P = (1/2, 1/2, 0), Q = (0, 1/2, 1/2) -> JS = 1/2 bit
        assertEquals(0.5, DriftStatistics.jensenShannon(new long[] {1, 1, 0}, new long[] {0, 1, 1}), 1e-15);
    }

    @Test
    void summaryOverloadsUseBinsAndUnionOfCategories() {
        double[] base = Samples.normal(1, 3000, 0, 1);
        double[] cur = Samples.normal(2, 2000, 1.0, 1);
        double[] edges = Samples.quantileEdges(base, 20);
        double js = DriftStatistics.jensenShannon(NumericSummary.of(base, edges), NumericSummary.of(cur, edges));
        assertEquals(viaKl(Samples.bruteBins(base, edges), Samples.bruteBins(cur, edges)), js, 1e-12);
        assertTrue(js > 0.05 && js < 0.5, "got " + js);

        List<String> a = new ArrayList<>(List.of("x", "x", "y", "z"));
        a.add(null);
        List<String> b = List.of("y", "w", "w", "w");
        // union order w, x, y, z
        double cat = DriftStatistics.jensenShannon(CategoricalSummary.of(a), CategoricalSummary.of(b));
        assertEquals(viaKl(new long[] {0, 2, 1, 1}, new long[] {3, 0, 1, 0}), cat, 1e-12);
    }
}
