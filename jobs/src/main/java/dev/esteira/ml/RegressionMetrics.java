package dev.esteira.ml;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Regression metrics on scored rows (columns {@code label}, {@code prediction}): MSE, RMSE, MAE, R². */
public final class RegressionMetrics {
  private RegressionMetrics() {}

  public static Map<String, Double> compute(Dataset<Row> scored) {
    RegressionEvaluator e = new RegressionEvaluator().setLabelCol("label").setPredictionCol("prediction");
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("mse", e.setMetricName("mse").evaluate(scored));
    m.put("rmse", e.setMetricName("rmse").evaluate(scored));
    m.put("mae", e.setMetricName("mae").evaluate(scored));
    // R² is undefined on rows whose labels are all equal (SST = 0): NaN rather than MLlib's -Infinity.
    double r2 = e.setMetricName("r2").evaluate(scored);
    m.put("r2", Double.isInfinite(r2) ? Double.NaN : r2);
    return m;
  }
}
