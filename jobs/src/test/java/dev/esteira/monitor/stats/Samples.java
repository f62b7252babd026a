package dev.esteira.monitor.stats;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;

/** Seeded sample generators and brute-force helpers shared by the tests. */
final class Samples {

    private Samples() {
    }

    static double[] normal(long seed, int n, double mean, double sd) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = mean + sd * r.nextGaussian();
        }
        return v;
    }

    static double[] uniform(long seed, int n, double lo, double hi) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return v;
    }

    /** Integer-valued data with many ties: a binomial-like count in [0, trials]. */
    static double[] integers(long seed, int n, int trials, double prob) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            int k = 0;
            for (int t = 0; t < trials; t++) {
                if (r.nextDouble() < prob) {
                    k++;
                }
            }
            v[i] = k;
        }
        return v;
    }

    /** Distinct empirical quantiles sorted[(n*j)/q], j = 1..q-1, of the sample (duplicates dropped). */
    static double[] quantileEdges(double[] sample, int q) {
        double[] s = sample.clone();
        Arrays.sort(s);
        TreeSet<Double> edges = new TreeSet<>();
        for (int j = 1; j < q; j++) {
            edges.add(s[(int) ((long) s.length * j / q)]);
        }
        return edges.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Brute-force bin counts: a value v belongs to bin #{edges <= v}, counted by a linear scan. */
    static long[] bruteBins(double[] values, double[] edges) {
        long[] bins = new long[edges.length + 1];
        for (double v : values) {
            if (Double.isNaN(v)) {
                continue;
            }
            int idx = 0;
            for (double e : edges) {
                if (e <= v) {
                    idx++;
                }
            }
            bins[idx]++;
        }
        return bins;
    }

    static long[] randomCounts(Random r, int k, int maxCount, double zeroProb) {
        long[] c = new long[k];
        for (int i = 0; i < k; i++) {
            c[i] = r.nextDouble() < zeroProb ? 0 : r.nextInt(maxCount) + 1;
        }
        return c;
    }

    static long sum(long[] c) {
        long s = 0;
        for (long x : c) {
            s += x;
        }
        return s;
    }
}
