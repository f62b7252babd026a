package dev.esteira.monitor;

import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How a task measures a model version on ground truth: the one place where the task matters to the
 * performance table ({@link ClassificationPerformance}, {@link RegressionPerformance}).
 */
public interface TaskPerformance {
  /** The measure of a task; clustering has no ground truth to measure against. */
  static TaskPerformance of(dev.esteira.ml.Task task) {
    return switch (task) {
      case CLASSIFICATION -> new ClassificationPerformance();
      case REGRESSION -> new RegressionPerformance();
      default -> throw new dev.esteira.EsteiraException(
          "task " + task + " has no ground truth: performance applies to classification and regression");
    };
  }

  /** The metrics this task reports (with their names as in the {@code performance} table). */
  List<String> names();

  /**
   * Measures every version and batch in {@code joined}: the stored predictions (columns {@code version},
   * {@code batch}, {@code prediction}, {@code probability}) with {@code label} null where the label has
   * not arrived. Realized metrics for every group with a labelled row; estimated ones where the task can
   * estimate them, using {@code calibrationOf(version)} (null when the version has none).
   */
  List<Measured> measure(Dataset<Row> joined, IntFunction<Calibration> calibrationOf);

  /** The metrics of one version on one batch, realized or estimated. */
  record Measured(
      int version, String batch, String kind, Map<String, Double> metrics, long labelled, long predictions) {}
}
