package dev.esteira.monitor;

import dev.esteira.monitor.stats.CategoricalSummary;
import dev.esteira.monitor.stats.NumericSummary;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** One row of {@code profiles}: a column of one batch, summarised. */
public record ColumnProfile(
    String dataset,
    String batch,
    long datasetVersion,
    String column,
    String kind,
    String baselineBatch,
    long count,
    long nulls,
    Double mean,
    Double stddev,
    Double min,
    Double max,
    Map<String, Double> quantiles,
    double[] binEdges,
    long[] binCounts,
    Map<String, Long> categoryCounts,
    Timestamp profiledAt) {

  public static final String NUMERIC = "numeric";
  public static final String CATEGORICAL = "categorical";

  public NumericSummary numericSummary() {
    return new NumericSummary(
        count, nulls, nan(mean), nan(stddev), nan(min), nan(max), binEdges, binCounts);
  }

  public CategoricalSummary categoricalSummary() {
    return new CategoricalSummary(count, nulls, categoryCounts);
  }

  private static double nan(Double d) {
    return d == null ? Double.NaN : d;
  }

  Row toRow() {
    return RowFactory.create(
        dataset, batch, datasetVersion, column, kind, baselineBatch, count, nulls, mean, stddev, min, max,
        quantiles, binEdges == null ? null : java.util.Arrays.stream(binEdges).boxed().toList(),
        binCounts == null ? null : java.util.Arrays.stream(binCounts).boxed().toList(),
        categoryCounts, profiledAt);
  }

  static ColumnProfile of(Row r) {
    List<Double> edges = r.isNullAt(r.fieldIndex("bin_edges")) ? null : r.getList(r.fieldIndex("bin_edges"));
    List<Long> counts = r.isNullAt(r.fieldIndex("bin_counts")) ? null : r.getList(r.fieldIndex("bin_counts"));
    Map<String, Double> q = r.isNullAt(r.fieldIndex("quantiles")) ? null : r.getJavaMap(r.fieldIndex("quantiles"));
    Map<String, Long> cats =
        r.isNullAt(r.fieldIndex("category_counts")) ? null : r.getJavaMap(r.fieldIndex("category_counts"));
    return new ColumnProfile(
        r.getAs("dataset"), r.getAs("batch"), r.<Long>getAs("dataset_version"), r.getAs("column"),
        r.getAs("kind"), r.getAs("baseline_batch"), r.<Long>getAs("count"), r.<Long>getAs("nulls"),
        r.getAs("mean"), r.getAs("stddev"), r.getAs("min"), r.getAs("max"), q,
        edges == null ? null : edges.stream().mapToDouble(Double::doubleValue).toArray(),
        counts == null ? null : counts.stream().mapToLong(Long::longValue).toArray(),
        cats, r.getAs("profiled_at"));
  }
}
