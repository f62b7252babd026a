package dev.esteira.ml;

import static org.apache.spark.sql.functions.*;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a model does: its estimators, whether it needs a label, the metrics it is evaluated with (each
 * with its direction) and how its holdout is evaluated. The one place to ask which metric names exist:
 * specs, gates, tuning and model cards all check names against {@link #metric(String)}.
 */
public enum Task {
  CLASSIFICATION(
      "classification", true, "auc_roc",
      List.of("logistic_regression", "random_forest", "gbt"),
      List.of(
          Metric.higher("auc_roc", 1, "area under the ROC curve"),
          Metric.higher("auc_pr", 1, "area under the precision-recall curve"),
          Metric.higher("accuracy", 1, "share of correct predictions"),
          Metric.higher("precision", 1, "precision of the positive class"),
          Metric.higher("recall", 1, "recall of the positive class"),
          Metric.higher("f1", 1, "F1 of the positive class"))),
  REGRESSION(
      "regression", true, "rmse",
      List.of("linear_regression", "random_forest", "gbt"),
      List.of(
          Metric.lower("mse", "mean squared error"),
          Metric.lower("rmse", "root mean squared error"),
          Metric.lower("mae", "mean absolute error"),
          Metric.higher("r2", 1, "coefficient of determination, 1 - SSE/SST"))),
  CLUSTERING(
      "clustering", false, "silhouette",
      List.of("kmeans", "bisecting_kmeans", "gaussian_mixture"),
      List.of(
          Metric.higher("silhouette", 1, "mean silhouette, squared Euclidean distance on the scaled features"),
          Metric.lower("within_cluster_cost",
              "sum of squared distances from each row's scaled features to the mean of its cluster's rows")));

  private final String label;
  private final boolean supervised;
  private final String defaultMetric;
  private final List<String> estimators;
  private final List<Metric> metrics;

  Task(String label, boolean supervised, String defaultMetric, List<String> estimators, List<Metric> metrics) {
    this.label = label;
    this.supervised = supervised;
    this.defaultMetric = defaultMetric;
    this.estimators = estimators;
    this.metrics = metrics;
  }

  @JsonValue
  public String label() {
    return label;
  }

  @JsonCreator
  public static Task parse(String name) {
    for (Task t : values()) {
      if (t.label.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown task '" + name + "' (expected one of: "
            + Arrays.stream(values()).map(Task::label).collect(Collectors.joining(", ")) + ")");
  }

  /** Whether the task learns from a label (classification, regression) or not (clustering). */
  public boolean supervised() {
    return supervised;
  }

  /** The metric tuning optimises when the spec names none. */
  public String defaultMetric() {
    return defaultMetric;
  }

  /** Estimator types of the spec's {@code estimator.type} for this task. */
  public List<String> estimators() {
    return estimators;
  }

  public List<Metric> metrics() {
    return metrics;
  }

  public List<String> metricNames() {
    return metrics.stream().map(Metric::name).toList();
  }

  public Optional<Metric> metric(String name) {
    return metrics.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /**
   * The metric by name, or an {@link IllegalArgumentException} naming the dotted key {@code where} and the
   * names this task knows (the spec loader prefixes the file).
   */
  public Metric requireMetric(String name, String where) {
    return metric(name).orElseThrow(() -> new IllegalArgumentException(
        where + ": unknown metric '" + name + "' for task " + label + " (known: "
            + String.join(", ", metricNames()) + ")"));
  }

  /** The task's metrics on scored rows (the pipeline's output: {@code label}, {@code prediction}, …). */
  public Map<String, Double> evaluate(Dataset<Row> scored) {
    return switch (this) {
      case CLASSIFICATION -> ClassificationMetrics.compute(scored);
      case REGRESSION -> RegressionMetrics.compute(scored);
      case CLUSTERING -> ClusteringMetrics.compute(scored);
    };
  }

  /** The same metrics for each value of each slice column, keyed {@code column=value}, with {@code rows}. */
  public Map<String, Map<String, Double>> bySlice(Dataset<Row> scored, List<String> sliceColumns) {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (String column : sliceColumns) {
      if (this == REGRESSION) {
        out.putAll(RegressionMetrics.bySlice(scored, column));
        continue;
      }
      List<Row> values = scored.select(col(column)).distinct().orderBy(col(column)).collectAsList();
      for (Row v : values) {
        Object value = v.get(0);
        Dataset<Row> slice =
            value == null ? scored.where(col(column).isNull()) : scored.where(col(column).equalTo(value));
        Map<String, Double> m = new LinkedHashMap<>(evaluate(slice));
        m.put("rows", (double) slice.count());
        out.put(column + "=" + value, m);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return label;
  }
}
