package dev.esteira.ml;

import static org.apache.spark.sql.functions.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Binary classification metrics on scored rows (columns {@code label}, {@code prediction},
 * {@code rawPrediction}): AUC-ROC, AUC-PR, accuracy, and precision, recall and F1 of the positive class.
 */
public final class ClassificationMetrics {
  private ClassificationMetrics() {}

  public static Map<String, Double> compute(Dataset<Row> scored) {
    Map<String, Double> m = new LinkedHashMap<>();
    long classes = scored.select("label").distinct().count();
    if (classes < 2) {
      // AUC is undefined with one class; report NaN rather than a misleading number.
      m.put("auc_roc", Double.NaN);
      m.put("auc_pr", Double.NaN);
    } else {
      BinaryClassificationEvaluator binary =
          new BinaryClassificationEvaluator().setLabelCol("label").setRawPredictionCol("rawPrediction");
      m.put("auc_roc", binary.setMetricName("areaUnderROC").evaluate(scored));
      m.put("auc_pr", binary.setMetricName("areaUnderPR").evaluate(scored));
    }
    MulticlassClassificationEvaluator multi =
        new MulticlassClassificationEvaluator()
            .setLabelCol("label")
            .setPredictionCol("prediction")
            .setMetricLabel(1.0);
    m.put("accuracy", multi.setMetricName("accuracy").evaluate(scored));
    m.put("precision", multi.setMetricName("precisionByLabel").evaluate(scored));
    m.put("recall", multi.setMetricName("recallByLabel").evaluate(scored));
    m.put("f1", multi.setMetricName("fMeasureByLabel").evaluate(scored));
    return m;
  }

  /** The same metrics for each value of each slice column, keyed {@code column=value}. */
  public static Map<String, Map<String, Double>> bySlice(Dataset<Row> scored, List<String> sliceColumns) {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (String column : sliceColumns) {
      List<Row> values = scored.select(col(column)).distinct().orderBy(col(column)).collectAsList();
      for (Row v : values) {
        Object value = v.get(0);
        Dataset<Row> slice =
            value == null ? scored.where(col(column).isNull()) : scored.where(col(column).equalTo(value));
        Map<String, Double> metrics = new LinkedHashMap<>(compute(slice));
        metrics.put("rows", (double) slice.count());
        out.put(column + "=" + value, metrics);
      }
    }
    return out;
  }
}
