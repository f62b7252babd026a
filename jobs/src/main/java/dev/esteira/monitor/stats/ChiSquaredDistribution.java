package dev.esteira.monitor.stats;

/**
 * The chi-square distribution's upper tail, computed here rather than taken from commons-math so
 * that the tests can use commons-math as an independent reference, and so that p-values far in the
 * tail (1e-150 and below, common at a million rows) keep their relative accuracy instead of being
 * rounded to 0 by {@code 1 - cdf}.
 */
public final class ChiSquaredDistribution {
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2.0 * Math.PI);
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final double GAMMA_EPS = 1e-16;
    private static final double TINY = 1e-300;

    private ChiSquaredDistribution() {}

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
    public static double survival(double statistic, int dof) {
        if (dof < 1) {
            throw new IllegalArgumentException("dof must be >= 1, got " + dof);
        }
        if (Double.isNaN(statistic) || statistic < 0) {
            throw new IllegalArgumentException("statistic must be >= 0, got " + statistic);
        }
        return regularizedGammaQ(0.5 * dof, 0.5 * statistic);
    }

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
}
