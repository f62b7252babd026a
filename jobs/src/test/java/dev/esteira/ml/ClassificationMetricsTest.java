package dev.esteira.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.esteira.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The classification metrics against counts made by hand, including batches with no positive label. */
class ClassificationMetricsTest {
  static Dataset<Row> scored(double[] labels, double[] predictions) {
    StructType schema = new StructType()
        .add("label", DataTypes.DoubleType).add("prediction", DataTypes.DoubleType).add("rawPrediction", new VectorUDT());
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      // A margin that agrees with the prediction, so that the ranking metrics have something to rank.
      double margin = (predictions[i] == 1.0 ? 1.0 : -1.0) * (1 + i);
      rows.add(RowFactory.create(labels[i], predictions[i], Vectors.dense(-margin, margin)));
    }
    return TestSpark.spark().createDataFrame(rows, schema);
  }

  @Test
  void bothClassesGiveThePositiveClassCountsOfAHandCount() {
    // tp = 2 (rows 0, 4), fp = 1 (row 3), fn = 1 (row 1), tn = 1 (row 2).
    Map<String, Double> m = ClassificationMetrics.compute(scored(new double[] {1, 1, 0, 0, 1}, new double[] {1, 0, 0, 1, 1}));
    assertEquals(3.0 / 5, m.get("accuracy"), 1e-12);
    assertEquals(2.0 / 3, m.get("precision"), 1e-12);
    assertEquals(2.0 / 3, m.get("recall"), 1e-12);
    assertEquals(2.0 / 3, m.get("f1"), 1e-12);
    assertTrue(m.get("auc_roc") >= 0 && m.get("auc_roc") <= 1, m.toString());
  }

  @Test
  void noPositiveLabelGivesNaNWhereUndefinedInsteadOfThrowing() {
    // Every row labelled 0; two predicted positive, both wrongly: precision 0, recall and F1 undefined.
    Map<String, Double> m = ClassificationMetrics.compute(scored(new double[] {0, 0, 0, 0, 0}, new double[] {0, 1, 0, 1, 0}));
    assertEquals(3.0 / 5, m.get("accuracy"), 1e-12);
    assertEquals(0.0, m.get("precision"));
    assertTrue(m.get("recall").isNaN(), m.toString());
    assertTrue(m.get("f1").isNaN(), m.toString());
    assertTrue(m.get("auc_roc").isNaN() && m.get("auc_pr").isNaN(), m.toString());
  }

  @Test
  void noPositiveLabelAndNoPositivePredictionLeavesPrecisionUndefined() {
    Map<String, Double> m = ClassificationMetrics.compute(scored(new double[] {0, 0, 0}, new double[] {0, 0, 0}));
    assertEquals(1.0, m.get("accuracy"), 1e-12);
    assertTrue(m.get("precision").isNaN(), m.toString());
    assertTrue(m.get("recall").isNaN() && m.get("f1").isNaN(), m.toString());
  }
}
