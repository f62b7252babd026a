package dev.esteira.monitor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;

/** The chi-square upper tail against commons-math and closed forms, including the far tail. */
class ChiSquaredDistributionTest {

    @Test
    void survivalMatchesCommonsMathComplementOfCdf() {
        int[] dofs = {1, 2, 5, 30};
        double[] stats = {1e-6, 0.01, 0.3, 1, 2.5, 4, 7.5, 12, 25, 30, 45, 60};
        for (int dof : dofs) {
            var reference = new org.apache.commons.math3.distribution.ChiSquaredDistribution(dof);
            for (double x : stats) {
                double expected = 1.0 - reference.cumulativeProbability(x);
                double actual = ChiSquaredDistribution.survival(x, dof);
                assertEquals(expected, actual, 1e-9 * Math.max(expected, 1e-4), "dof " + dof + " x " + x);
            }
            assertEquals(1.0, ChiSquaredDistribution.survival(0.0, dof), 0.0);
            assertEquals(0.0, ChiSquaredDistribution.survival(Double.POSITIVE_INFINITY, dof), 0.0);
        }
    }

    @Test
    void survivalKeepsRelativeAccuracyInTheFarTail() {
        int[] dofs = {1, 2, 5, 30, 200};
        double[] stats = {0.5, 3, 10, 50, 100, 200, 350, 700};
        for (int dof : dofs) {
            for (double x : stats) {
                double expected = Gamma.regularizedGammaQ(dof / 2.0, x / 2.0, 1e-15, 1_000_000);
                double actual = ChiSquaredDistribution.survival(x, dof);
                assertEquals(expected, actual, 1e-10 * expected, "dof " + dof + " x " + x);
            }
        }
        for (double x : stats) {
            // dof 1: Q = erfc(sqrt(x/2)); dof 2: Q = exp(-x/2); dof 6: Q = exp(-x/2) (1 + x/2 + (x/2)^2/2)
            double e1 = Erf.erfc(Math.sqrt(x / 2));
            assertEquals(e1, ChiSquaredDistribution.survival(x, 1), 1e-10 * e1, "dof 1 x " + x);
            double e2 = Math.exp(-x / 2);
            assertEquals(e2, ChiSquaredDistribution.survival(x, 2), 1e-12 * e2, "dof 2 x " + x);
            double h = x / 2;
            double e6 = Math.exp(-h) * (1 + h + h * h / 2);
            assertEquals(e6, ChiSquaredDistribution.survival(x, 6), 1e-12 * e6, "dof 6 x " + x);
        }
    }

    @Test
    void refusesWhatHasNoTail() {
        assertThrows(IllegalArgumentException.class, () -> ChiSquaredDistribution.survival(1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> ChiSquaredDistribution.survival(Double.NaN, 3));
        assertThrows(IllegalArgumentException.class, () -> ChiSquaredDistribution.survival(-1.0, 3));
    }
}
