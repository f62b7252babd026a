package dev.esteira.monitor.stats;

/**
 * Chi-square test of homogeneity: statistic, degrees of freedom and upper-tail p-value.
 * See {@link DriftStatistics#chiSquare(CategoricalSummary, CategoricalSummary)}.
 */
public record ChiSquareResult(double statistic, int degreesOfFreedom, double pValue) {
}
