package dev.esteira.monitor.stats;

/**
 * Histogram-based two-sample Kolmogorov–Smirnov result: the true statistic {@code D} of the raw
 * samples lies in {@code [statistic, statistic + errorBound]}.
 * See {@link DriftStatistics#ks(NumericSummary, NumericSummary)}.
 */
public record KsResult(double statistic, double errorBound) {
}
