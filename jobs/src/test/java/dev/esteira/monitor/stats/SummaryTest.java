package dev.esteira.monitor.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;
import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void numericOfMatchesBruteForceAndCommonsMath() {
        double[] raw = Samples.normal(11, 2500, 3.0, 2.0);
        // sprinkle nulls and values that sit exactly on edges
        double[] edges = {-1.0, 0.5, 2.0, 3.0, 4.25, 7.0};
        raw[0] = Double.NaN;
        raw[1] = Double.NaN;
        raw[2] = 2.0;
        raw[3] = -1.0;
        raw[4] = 7.0;
        NumericSummary s = NumericSummary.of(raw, edges);

        double[] nonNull = Arrays.stream(raw).filter(v -> !Double.isNaN(v)).toArray();
        assertEquals(2500, s.count());
        assertEquals(2, s.nulls());
        assertEquals(2498, s.nonNull());
        assertArrayEquals(Samples.bruteBins(raw, edges), s.binCounts());
        assertEquals(new Mean().evaluate(nonNull), s.mean(), 1e-12);
        assertEquals(new StandardDeviation(true).evaluate(nonNull), s.stddev(), 1e-12);
        assertEquals(Arrays.stream(nonNull).min().getAsDouble(), s.min(), 0.0);
        assertEquals(Arrays.stream(nonNull).max().getAsDouble(), s.max(), 0.0);
        assertArrayEquals(edges, s.edges(), 0.0);
    }

    @Test
    void numericOfEdgeCases() {
        NumericSummary empty = NumericSummary.of(new double[] {Double.NaN, Double.NaN}, new double[] {0.0});
        assertEquals(0, empty.nonNull());
        assertTrue(Double.isNaN(empty.min()) && Double.isNaN(empty.max()) && Double.isNaN(empty.mean()));
        assertTrue(Double.isNaN(empty.stddev()));

        NumericSummary one = NumericSummary.of(new double[] {4.0}, new double[0]);
        assertEquals(4.0, one.mean(), 0.0);
        assertTrue(Double.isNaN(one.stddev()));
        assertArrayEquals(new long[] {1}, one.binCounts());

        // -0.0 belongs to the bin [0, ...) like 0.0
        NumericSummary z = NumericSummary.of(new double[] {-0.0, 0.0, -1e-300}, new double[] {0.0});
        assertArrayEquals(new long[] {1, 2}, z.binCounts());
    }

    @Test
    void numericArraysAreCopied() {
        double[] edges = {1.0, 2.0};
        long[] bins = {1, 1, 1};
        NumericSummary s = new NumericSummary(3, 0, 1.5, 1.0, 0.5, 2.5, edges, bins);
        edges[0] = -100;
        bins[0] = 100;
        assertArrayEquals(new double[] {1.0, 2.0}, s.edges(), 0.0);
        assertArrayEquals(new long[] {1, 1, 1}, s.binCounts());
        s.binCounts()[0] = 42;
        assertArrayEquals(new long[] {1, 1, 1}, s.binCounts());
        assertNotSame(s.edges(), s.edges());
        NumericSummary same = new NumericSummary(3, 0, 1.5, 1.0, 0.5, 2.5, new double[] {1.0, 2.0}, new long[] {1, 1, 1});
        assertEquals(s, same);
        assertEquals(s.hashCode(), same.hashCode());
    }

    @Test
    void categoricalOfCountsCategoriesAndNulls() {
        Random r = new Random(5);
        List<String> values = new ArrayList<>();
        Map<String, Long> expected = new HashMap<>();
        long nulls = 0;
        for (int i = 0; i < 1000; i++) {
            int k = r.nextInt(7);
            if (k == 6) {
                values.add(null);
                nulls++;
            } else {
                String c = "c" + k;
                values.add(c);
                expected.merge(c, 1L, Long::sum);
            }
        }
        CategoricalSummary s = CategoricalSummary.of(values);
        assertEquals(1000, s.count());
        assertEquals(nulls, s.nulls());
        assertEquals(expected, s.counts());
        assertThrows(UnsupportedOperationException.class, () -> s.counts().put("x", 1L));
    }
}
