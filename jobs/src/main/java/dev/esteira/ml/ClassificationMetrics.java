package dev.esteira.ml;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.mllib.evaluation.MulticlassMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Binary classification metrics on scored rows (columns {@code label}, {@code prediction},
 * {@code rawPrediction}): AUC-ROC, AUC-PR, accuracy, and precision, recall and F1 of the positive class.
 */
public final class ClassificationMetrics {
  /** The positive class, whose precision, recall and F1 are reported. */
  private static final double POSITIVE = 1.0;

  private ClassificationMetrics() {}

  public static Map<String, Double> compute(Dataset<Row> scored) {
    // One metrics object of each kind, read for every metric: the evaluators' evaluate() builds a new one
    // per metric name (six passes over the rows and their plans per call; this is two). getMetrics is what
    // evaluate() itself reads, so every value is the one evaluate() would return.
    MulticlassMetrics multi =
        new MulticlassClassificationEvaluator().setLabelCol("label").setPredictionCol("prediction").getMetrics(scored);
    Map<String, Double> m = new LinkedHashMap<>();
    if (multi.labels().length < 2) {
      // AUC is undefined with one class; report NaN rather than a misleading number.
      m.put("auc_roc", Double.NaN);
      m.put("auc_pr", Double.NaN);
    } else {
      BinaryClassificationMetrics binary =
          new BinaryClassificationEvaluator().setLabelCol("label").setRawPredictionCol("rawPrediction").getMetrics(scored);
      try {
        m.put("auc_roc", binary.areaUnderROC());
        m.put("auc_pr", binary.areaUnderPR());
      } finally {
        binary.unpersist();
      }
    }
    m.put("accuracy", multi.accuracy());
    m.put("precision", multi.precision(POSITIVE));
    m.put("recall", multi.recall(POSITIVE));
    m.put("f1", multi.fMeasure(POSITIVE, 1.0));
    return m;
  }
}
