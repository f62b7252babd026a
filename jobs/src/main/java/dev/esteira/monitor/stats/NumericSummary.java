package dev.esteira.monitor.stats;

import java.util.Arrays;

/**
 * Stored profile of a numeric column: moments plus a histogram on fixed bin edges.
 *
 * <p>{@code edges} holds {@code k-1} strictly increasing, finite values for {@code k} bins:
 * bin 0 is {@code (-inf, edges[0])}, bin {@code i} is {@code [edges[i-1], edges[i])} and bin
 * {@code k-1} is {@code [edges[k-2], +inf)}. An empty {@code edges} array means a single bin.
 *
 * <p>Invariants checked by the constructor (violations throw {@link IllegalArgumentException}):
 * <ul>
 *   <li>{@code 0 <= nulls <= count};</li>
 *   <li>{@code binCounts.length == edges.length + 1}, every bin count {@code >= 0} and
 *       {@code sum(binCounts) == count - nulls};</li>
 *   <li>edges finite and strictly increasing;</li>
 *   <li>with no non-null value, {@code min} and {@code max} are NaN;</li>
 *   <li>with at least one non-null value, {@code min} and {@code max} are finite,
 *       {@code min <= max}, {@code min} falls in the first non-empty bin and {@code max} in the
 *       last non-empty bin (this is what lets the histogram methods close the end bins);</li>
 *   <li>{@code stddev} is NaN or {@code >= 0}. {@code mean} is not checked.</li>
 * </ul>
 *
 * <p>Infinite values are not supported (the histogram model needs finite extremes); filter or
 * cap them before profiling. Arrays are copied on the way in and on the way out, and
 * {@link #equals}, {@link #hashCode} and {@link #toString} compare/print array contents.
 */
public record NumericSummary(long count, long nulls, double mean, double stddev, double min, double max,
                             double[] edges, long[] binCounts) {

    public NumericSummary {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        if (nulls < 0 || nulls > count) {
            throw new IllegalArgumentException("nulls must be in [0, count=" + count + "], got " + nulls);
        }
        validateEdges(edges);
        if (binCounts == null) {
            throw new IllegalArgumentException("binCounts must not be null");
        }
        if (binCounts.length != edges.length + 1) {
            throw new IllegalArgumentException("binCounts.length must be edges.length + 1 = " + (edges.length + 1)
                    + ", got " + binCounts.length);
        }
        edges = edges.clone();
        binCounts = binCounts.clone();
        long total = 0;
        for (int i = 0; i < binCounts.length; i++) {
            if (binCounts[i] < 0) {
                throw new IllegalArgumentException("binCounts[" + i + "] is negative: " + binCounts[i]);
            }
            try {
                total = Math.addExact(total, binCounts[i]);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("sum of binCounts overflows a long", e);
            }
        }
        long nonNull = count - nulls;
        if (total != nonNull) {
            throw new IllegalArgumentException("sum of binCounts (" + total + ") must equal count - nulls ("
                    + nonNull + ")");
        }
        if (!(Double.isNaN(stddev) || stddev >= 0)) {
            throw new IllegalArgumentException("stddev must be NaN or >= 0, got " + stddev);
        }
        if (nonNull == 0) {
            if (!Double.isNaN(min) || !Double.isNaN(max)) {
                throw new IllegalArgumentException("min and max must be NaN when there is no non-null value, got min="
                        + min + ", max=" + max);
            }
        } else {
            if (!Double.isFinite(min) || !Double.isFinite(max)) {
                throw new IllegalArgumentException("min and max must be finite when there are non-null values, got min="
                        + min + ", max=" + max);
            }
            if (min > max) {
                throw new IllegalArgumentException("min (" + min + ") must be <= max (" + max + ")");
            }
            int first = 0;
            while (binCounts[first] == 0) {
                first++;
            }
            int last = binCounts.length - 1;
            while (binCounts[last] == 0) {
                last--;
            }
            if (binIndex(edges, min) != first) {
                throw new IllegalArgumentException("min (" + min + ") is not in the first non-empty bin (" + first + ")");
            }
            if (binIndex(edges, max) != last) {
                throw new IllegalArgumentException("max (" + max + ") is not in the last non-empty bin (" + last + ")");
            }
        }
    }

    /**
     * Builds a summary from raw values. {@code Double.NaN} counts as null; infinite values are
     * rejected with {@link IllegalArgumentException}. {@code stddev} is the sample standard
     * deviation (divisor {@code n-1}), NaN with fewer than 2 non-null values; {@code mean},
     * {@code min} and {@code max} are NaN with no non-null value.
     */
    public static NumericSummary of(double[] values, double[] edges) {
        if (values == null) {
            throw new IllegalArgumentException("values must not be null");
        }
        validateEdges(edges);
        long[] bins = new long[edges.length + 1];
        long n = 0;
        double sum = 0;
        double min = Double.NaN;
        double max = Double.NaN;
        for (double v : values) {
            if (Double.isNaN(v)) {
                continue;
            }
            if (Double.isInfinite(v)) {
                throw new IllegalArgumentException("infinite values are not supported: " + v);
            }
            bins[binIndex(edges, v)]++;
            if (n == 0 || v < min) {
                min = v;
            }
            if (n == 0 || v > max) {
                max = v;
            }
            sum += v;
            n++;
        }
        double mean = n == 0 ? Double.NaN : sum / n;
        double stddev = Double.NaN;
        if (n >= 2) {
            double ss = 0;
            double s = 0;
            for (double v : values) {
                if (!Double.isNaN(v)) {
                    double d = v - mean;
                    ss += d * d;
                    s += d;
                }
            }
            // second-pass correction for the rounding error of the mean
            stddev = Math.sqrt(Math.max(0.0, (ss - s * s / n) / (n - 1)));
        }
        // normalise -0.0 so that min/max compare like the bins do
        if (n > 0) {
            min += 0.0;
            max += 0.0;
        }
        return new NumericSummary(values.length, values.length - n, mean, stddev, min, max, edges, bins);
    }

    /** Number of non-null values, {@code count - nulls}. */
    public long nonNull() {
        return count - nulls;
    }

    /** Returns a copy of the bin edges. */
    @Override
    public double[] edges() {
        return edges.clone();
    }

    /** Returns a copy of the bin counts. */
    @Override
    public long[] binCounts() {
        return binCounts.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof NumericSummary other)) {
            return false;
        }
        return count == other.count && nulls == other.nulls
                && Double.compare(mean, other.mean) == 0 && Double.compare(stddev, other.stddev) == 0
                && Double.compare(min, other.min) == 0 && Double.compare(max, other.max) == 0
                && Arrays.equals(edges, other.edges) && Arrays.equals(binCounts, other.binCounts);
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(count);
        h = 31 * h + Long.hashCode(nulls);
        h = 31 * h + Double.hashCode(mean);
        h = 31 * h + Double.hashCode(stddev);
        h = 31 * h + Double.hashCode(min);
        h = 31 * h + Double.hashCode(max);
        h = 31 * h + Arrays.hashCode(edges);
        return 31 * h + Arrays.hashCode(binCounts);
    }

    @Override
    public String toString() {
        return "NumericSummary[count=" + count + ", nulls=" + nulls + ", mean=" + mean + ", stddev=" + stddev
                + ", min=" + min + ", max=" + max + ", edges=" + Arrays.toString(edges)
                + ", binCounts=" + Arrays.toString(binCounts) + "]";
    }

    /** Index of the bin holding {@code v}: the number of edges that are {@code <= v}. */
    private static int binIndex(double[] edges, double v) {
        int lo = 0;
        int hi = edges.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static void validateEdges(double[] edges) {
        if (edges == null) {
            throw new IllegalArgumentException("edges must not be null");
        }
        for (int i = 0; i < edges.length; i++) {
            if (!Double.isFinite(edges[i])) {
                throw new IllegalArgumentException("edges[" + i + "] is not finite: " + edges[i]);
            }
            if (i > 0 && !(edges[i - 1] < edges[i])) {
                throw new IllegalArgumentException("edges must be strictly increasing, but edges[" + (i - 1) + "]="
                        + edges[i - 1] + " >= edges[" + i + "]=" + edges[i]);
            }
        }
    }
}
