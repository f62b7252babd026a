package dev.esteira.monitor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class InvalidInputTest {

    private static final double[] EDGES = {0.0, 1.0};
    private static final NumericSummary GOOD = NumericSummary.of(new double[] {-0.5, 0.5, 1.5, 0.7}, EDGES);
    private static final NumericSummary EMPTY = NumericSummary.of(new double[] {Double.NaN, Double.NaN, Double.NaN}, EDGES);
    private static final CategoricalSummary CAT = CategoricalSummary.of(List.of("a", "b", "b"));
    private static final CategoricalSummary CAT_EMPTY = CategoricalSummary.of(java.util.Arrays.asList(null, null));

    private static void assertIae(Executable e, String messagePart) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(messagePart), "message '" + ex.getMessage() + "' lacks '" + messagePart + "'");
    }

    @Test
    void mismatchedEdgesAreRejected() {
        NumericSummary other = NumericSummary.of(new double[] {0.5, 2.0}, new double[] {0.0, 1.5});
        NumericSummary fewer = NumericSummary.of(new double[] {0.5, 2.0}, new double[] {0.0});
        for (NumericSummary o : new NumericSummary[] {other, fewer}) {
            assertIae(() -> DriftStatistics.psi(GOOD, o), "edges differ");
            assertIae(() -> DriftStatistics.ks(GOOD, o), "edges differ");
            assertIae(() -> DriftStatistics.jensenShannon(GOOD, o), "edges differ");
            assertIae(() -> DriftStatistics.wasserstein(o, GOOD), "edges differ");
        }
    }

    @Test
    void profilesWithoutNonNullValuesAreRejected() {
        assertEquals(3, EMPTY.nulls());
        assertIae(() -> DriftStatistics.psi(GOOD, EMPTY), "no non-null values in current profile");
        assertIae(() -> DriftStatistics.psi(EMPTY, GOOD), "no non-null values in baseline profile");
        assertIae(() -> DriftStatistics.ks(GOOD, EMPTY), "no non-null values in current profile");
        assertIae(() -> DriftStatistics.jensenShannon(EMPTY, GOOD), "no non-null values in baseline profile");
        assertIae(() -> DriftStatistics.wasserstein(GOOD, EMPTY), "no non-null values in current profile");
        assertIae(() -> DriftStatistics.psi(CAT, CAT_EMPTY), "no non-null values in current profile");
        assertIae(() -> DriftStatistics.jensenShannon(CAT_EMPTY, CAT), "no non-null values in baseline profile");
        assertIae(() -> DriftStatistics.chiSquare(CAT, CAT_EMPTY), "no non-null values in current profile");
        assertIae(() -> DriftStatistics.ksExact(new double[] {Double.NaN}, new double[] {1}), "no non-NaN values in sample a");
        assertIae(() -> DriftStatistics.wassersteinExact(new double[] {1}, new double[0]), "no non-NaN values in sample b");
        assertIae(() -> DriftStatistics.psi(GOOD, null), "must not be null");
        assertIae(() -> DriftStatistics.ksExact(null, new double[] {1}), "must not be null");
    }

    @Test
    void invalidCountVectorsAreRejected() {
        assertIae(() -> DriftStatistics.psi(new long[] {1, -1}, new long[] {1, 1}, 1e-4), "negative");
        assertIae(() -> DriftStatistics.jensenShannon(new long[] {1, 1}, new long[] {2, -3}), "negative");
        assertIae(() -> DriftStatistics.psi(new long[] {1, 2}, new long[] {1, 2, 3}, 1e-4), "same non-zero length");
        assertIae(() -> DriftStatistics.jensenShannon(new long[0], new long[0]), "same non-zero length");
        assertIae(() -> DriftStatistics.psi(new long[] {0, 0}, new long[] {1, 2}, 1e-4), "no counts in expected");
        assertIae(() -> DriftStatistics.jensenShannon(new long[] {1, 0}, new long[] {0, 0}), "no counts in q");
        assertIae(() -> DriftStatistics.psi(new long[] {1, 2}, new long[] {1, 2}, 0.0), "epsilon");
        assertIae(() -> DriftStatistics.psi(new long[] {1, 2}, new long[] {1, 2}, Double.NaN), "epsilon");
    }

    @Test
    void invalidSummariesAreRejected() {
        // negative bin count
        assertIae(() -> new NumericSummary(2, 0, 0, 0, 0.5, 0.5, EDGES, new long[] {3, -1, 0}), "negative");
        // wrong number of bins
        assertIae(() -> new NumericSummary(2, 0, 0, 0, 0.5, 0.5, EDGES, new long[] {0, 2}), "binCounts.length");
        // bins do not add up to count - nulls
        assertIae(() -> new NumericSummary(3, 0, 0, 0, 0.5, 0.5, EDGES, new long[] {0, 2, 0}), "count - nulls");
        // edges not strictly increasing / not finite
        assertIae(() -> NumericSummary.of(new double[] {1}, new double[] {1, 1}), "strictly increasing");
        assertIae(() -> NumericSummary.of(new double[] {1}, new double[] {0, Double.NaN}), "not finite");
        // min not in the first non-empty bin, max not in the last one
        assertIae(() -> new NumericSummary(2, 0, 0, 0, 0.5, 0.7, EDGES, new long[] {1, 1, 0}), "first non-empty bin");
        assertIae(() -> new NumericSummary(2, 0, 0, 0, 0.5, 0.7, EDGES, new long[] {0, 1, 1}), "last non-empty bin");
        assertIae(() -> new NumericSummary(2, 0, 0, 0, Double.NaN, 0.7, EDGES, new long[] {0, 2, 0}), "finite");
        assertIae(() -> new NumericSummary(0, 0, 0, 0, 0.0, 0.0, EDGES, new long[] {0, 0, 0}), "NaN");
        assertIae(() -> new NumericSummary(1, 2, 0, 0, 0.5, 0.5, EDGES, new long[] {0, 0, 0}), "nulls");
        assertIae(() -> NumericSummary.of(new double[] {1, Double.POSITIVE_INFINITY}, EDGES), "infinite");
        // categorical
        Map<String, Long> negative = new HashMap<>();
        negative.put("a", -1L);
        assertIae(() -> new CategoricalSummary(1, 0, negative), ">= 0");
        Map<String, Long> nullKey = new HashMap<>();
        nullKey.put(null, 1L);
        assertIae(() -> new CategoricalSummary(1, 0, nullKey), "must not be null");
        assertIae(() -> new CategoricalSummary(5, 1, Map.of("a", 3L)), "count - nulls");
        assertIae(() -> CategoricalSummary.of(null), "must not be null");
    }

    @Test
    void invalidChiSquareSurvivalAndWassersteinInputsAreRejected() {
        assertIae(() -> DriftStatistics.chiSquareSurvival(1.0, 0), "dof");
        assertIae(() -> DriftStatistics.chiSquareSurvival(-1.0, 3), "statistic");
        assertIae(() -> DriftStatistics.chiSquareSurvival(Double.NaN, 3), "statistic");
        assertIae(() -> DriftStatistics.wassersteinExact(new double[] {1, Double.NEGATIVE_INFINITY}, new double[] {1}),
                "infinite");
    }
}
