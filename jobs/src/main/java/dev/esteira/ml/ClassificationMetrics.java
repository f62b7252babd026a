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
    if (java.util.Arrays.stream(multi.labels()).anyMatch(l -> l == POSITIVE)) {
      m.put("precision", multi.precision(POSITIVE));
      m.put("recall", multi.recall(POSITIVE));
      m.put("f1", multi.fMeasure(POSITIVE, 1.0));
    } else {
      // No row is labelled positive (a slice or a night's labels without a default): Spark's metrics
      // throw for a class they never saw as a label. Recall and F1 divide by zero positives: NaN, as AUC
      // with one class. Precision is 0 when some rows were predicted positive (all of them wrongly), and
      // undefined (NaN) when none were.
      long predictedPositive = scored.filter(org.apache.spark.sql.functions.col("prediction").equalTo(POSITIVE)).count();
      m.put("precision", predictedPositive > 0 ? 0.0 : Double.NaN);
      m.put("recall", Double.NaN);
      m.put("f1", Double.NaN);
    }
    return m;
  }
}
