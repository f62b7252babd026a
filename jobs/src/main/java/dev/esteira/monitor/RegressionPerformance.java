package dev.esteira.monitor;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Regression on ground truth: MSE, RMSE, MAE and R² of every version and batch from one aggregation of
 * sums over the labelled rows (errors, absolute errors, labels and their squares), so what reaches the
 * driver is one row per version and batch. Realized only: there is no estimate of an error before the
 * label is known, as there is of a classifier's confusion matrix from its calibrated confidence.
 */
public final class RegressionPerformance implements TaskPerformance {
  public static final List<String> NAMES = List.of("mse", "rmse", "mae", "r2");

  @Override
  public List<String> names() {
    return NAMES;
  }

  @Override
  public List<Measured> measure(Dataset<Row> joined, IntFunction<Calibration> calibrationOf) {
    org.apache.spark.sql.Column error = col("prediction").minus(col("label"));
    List<Row> groups =
        joined
            .groupBy(col("version"), col("batch"))
            .agg(
                count(lit(1)).as("rows"),
                count("label").as("labelled"),
                sum(error.multiply(error)).as("sse"),
                sum(abs(error)).as("sae"),
                sum(col("label")).as("sy"),
                sum(col("label").multiply(col("label"))).as("syy"))
            .orderBy("version", "batch")
            .collectAsList();
    List<Measured> out = new ArrayList<>();
    for (Row r : groups) {
      long n = r.getAs("labelled");
      if (n == 0) {
        continue;
      }
      double sse = r.getAs("sse");
      double sy = r.getAs("sy");
      double syy = r.getAs("syy");
      // Total sum of squares about the labels' mean; R² is undefined (NaN) when every label is equal.
      double sst = syy - sy * sy / n;
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("mse", sse / n);
      m.put("rmse", Math.sqrt(sse / n));
      m.put("mae", r.<Double>getAs("sae") / n);
      m.put("r2", sst > 0 ? 1 - sse / sst : Double.NaN);
      out.add(new Measured(r.getAs("version"), r.getAs("batch"), PerformanceTables.REALIZED, m, n, r.getAs("rows")));
    }
    return out;
  }
}
