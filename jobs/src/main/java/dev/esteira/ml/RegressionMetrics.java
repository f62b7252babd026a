package dev.esteira.ml;

import static org.apache.spark.sql.functions.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Regression metrics on scored rows (columns {@code label}, {@code prediction}): MSE, RMSE, MAE and R² =
 * 1 − SSE/SST, from one aggregation (sums of errors, absolute errors and label moments) instead of one
 * pass per metric; per slice, one grouped aggregation per slice column. R² is NaN when the labels do not
 * vary (SST = 0).
 */
public final class RegressionMetrics {
  private RegressionMetrics() {}

  /**
   * The sums every metric derives from, as aggregate columns over rows with {@code label} and
   * {@code prediction}: {@code n} counts labelled rows only, so a frame where some labels have not
   * arrived (ground truth) is measured on those that have.
   */
  public static List<Column> sums() {
    Column err = col("label").minus(col("prediction"));
    return List.of(
        count(col("label")).as("n"), sum(err.multiply(err)).as("sse"), sum(abs(err)).as("sae"),
        sum(col("label")).as("sy"), sum(col("label").multiply(col("label"))).as("syy"));
  }

  public static Map<String, Double> compute(Dataset<Row> scored) {
    List<Column> s = sums();
    return metrics(scored.agg(s.get(0), s.subList(1, s.size()).toArray(Column[]::new)).first());
  }

  /** Metrics per value of a slice column, keyed {@code column=value}, with {@code rows}. */
  public static Map<String, Map<String, Double>> bySlice(Dataset<Row> scored, String column) {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    List<Column> s = sums();
    for (Row r : scored.groupBy(col(column).as("_slice")).agg(s.get(0), s.subList(1, s.size()).toArray(Column[]::new))
        .orderBy(col("_slice")).collectAsList()) {
      Map<String, Double> m = metrics(r);
      m.put("rows", (double) r.<Long>getAs("n"));
      out.put(column + "=" + r.get(0), m);
    }
    return out;
  }

  /** MSE, RMSE, MAE and R² from a row holding the columns of {@link #sums()}. */
  public static Map<String, Double> metrics(Row r) {
    long n = r.<Long>getAs("n");
    Map<String, Double> m = new LinkedHashMap<>();
    if (n == 0) {
      for (String name : List.of("mse", "rmse", "mae", "r2")) {
        m.put(name, Double.NaN);
      }
      return m;
    }
    double sse = r.<Double>getAs("sse");
    double sy = r.<Double>getAs("sy");
    double sst = r.<Double>getAs("syy") - sy * sy / n;
    m.put("mse", sse / n);
    m.put("rmse", Math.sqrt(sse / n));
    m.put("mae", r.<Double>getAs("sae") / n);
    m.put("r2", sst <= 0 ? Double.NaN : 1 - sse / sst);
    return m;
  }
}
