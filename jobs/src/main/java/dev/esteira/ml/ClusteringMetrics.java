package dev.esteira.ml;

import static org.apache.spark.sql.functions.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Clustering metrics on scored rows (columns {@code features}, {@code prediction}): the mean silhouette
 * (squared Euclidean distance, MLlib's definition) and the within-cluster cost, the sum of squared
 * distances from each row to the mean of its cluster's rows. The cost is computed from the rows
 * evaluated, not from a model's centres, so it means the same for k-means, bisecting k-means and Gaussian
 * mixtures, and can be checked by hand.
 */
public final class ClusteringMetrics {
  private ClusteringMetrics() {}

  public static Map<String, Double> compute(Dataset<Row> scored) {
    Map<String, Double> m = new LinkedHashMap<>();
    Dataset<Row> rows =
        scored.select(col("features"), col("prediction").cast("double").as("prediction")).cache();
    long clusters = rows.select("prediction").distinct().count();
    // MLlib refuses a silhouette of one cluster; it is undefined there.
    m.put("silhouette", clusters < 2 ? Double.NaN
        : new ClusteringEvaluator().setFeaturesCol("features").setPredictionCol("prediction")
            .setMetricName("silhouette").setDistanceMeasure("squaredEuclidean").evaluate(rows));
    m.put("within_cluster_cost", cost(rows));
    rows.unpersist();
    return m;
  }

  /** Σ ||x − mean(cluster(x))||² = Σ_clusters (Σ ||x||² − n·||mean||²), one aggregation per cluster. */
  private static double cost(Dataset<Row> rows) {
    Dataset<Row> arrays = rows.select(
        col("prediction"), functions.vector_to_array(col("features"), "float64").as("x"));
    Row first = arrays.limit(1).collectAsList().stream().findFirst().orElse(null);
    if (first == null) {
      return Double.NaN;
    }
    int dims = first.getList(first.fieldIndex("x")).size();
    List<Column> aggs = new java.util.ArrayList<>();
    aggs.add(count(lit(1)).as("n"));
    aggs.add(sum(aggregate(col("x"), lit(0.0), (acc, v) -> acc.plus(v.multiply(v)))).as("sq"));
    for (int i = 0; i < dims; i++) {
      aggs.add(sum(col("x").getItem(i)).as("s" + i));
    }
    double total = 0;
    for (Row r : arrays.groupBy("prediction").agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
        .collectAsList()) {
      long n = r.getAs("n");
      double sq = r.getAs("sq");
      double centre = 0;
      for (int i = 0; i < dims; i++) {
        double s = r.getAs("s" + i);
        centre += s * s;
      }
      total += sq - centre / n;
    }
    return Math.max(0.0, total);
  }
}
