package dev.esteira.monitor;

import static org.apache.spark.sql.functions.*;

import dev.esteira.ml.RegressionMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Regression on ground truth: MSE, RMSE, MAE and R² of every version and batch from one aggregation of
 * the same sums training uses ({@link RegressionMetrics#sums()}, over the labelled rows), so what reaches
 * the driver is one row per version and batch. Realized only: there is no estimate of an error before the
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
    List<Column> aggregates = new ArrayList<>(RegressionMetrics.sums());
    aggregates.add(count(lit(1)).as("rows"));
    List<Measured> out = new ArrayList<>();
    for (Row r : joined.groupBy(col("version"), col("batch"))
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new))
        .orderBy("version", "batch")
        .collectAsList()) {
      long labelled = r.getAs("n");
      if (labelled > 0) {
        out.add(new Measured(r.getAs("version"), r.getAs("batch"), PerformanceTables.REALIZED,
            RegressionMetrics.metrics(r), labelled, r.<Long>getAs("rows")));
      }
    }
    return out;
  }
}
