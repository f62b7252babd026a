package dev.esteira.monitor;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.ml.Task;
import dev.esteira.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Regression on ground truth: each version and batch against sums computed here over the same rows. */
class RegressionPerformanceTest {

  @Test
  void realizedErrorsOfEachVersionAndBatchEqualAHandComputation() {
    Random random = new Random(7);
    List<Row> rows = new ArrayList<>();
    // Two versions on two batches; a third of the labels have not arrived; batch b3 has none at all.
    for (int version = 1; version <= 2; version++) {
      for (String batch : List.of("b1", "b2", "b3")) {
        for (int i = 0; i < 90; i++) {
          double label = 100 + 20 * random.nextGaussian();
          double prediction = label + version * (random.nextGaussian() * 5 + (batch.equals("b2") ? 3 : 0));
          boolean arrived = !batch.equals("b3") && i % 3 != 0;
          rows.add(RowFactory.create(version, batch, batch + "-" + i, prediction, null, arrived ? label : null));
        }
      }
    }
    StructType schema = new StructType().add("version", "int").add("batch", "string").add("row_id", "string")
        .add("prediction", "double").add("probability", "double").add("label", "double");
    List<TaskPerformance.Measured> measured = TaskPerformance.of(Task.REGRESSION)
        .measure(TestSpark.spark().createDataFrame(rows, schema), v -> null);

    assertEquals(4, measured.size(), "b3 has no labels, so no realized row");
    for (TaskPerformance.Measured m : measured) {
      List<double[]> pairs = rows.stream()
          .filter(r -> r.getInt(0) == m.version() && r.getString(1).equals(m.batch()) && !r.isNullAt(5))
          .map(r -> new double[] {r.getDouble(3), r.getDouble(5)}).toList();
      double mean = pairs.stream().mapToDouble(p -> p[1]).average().orElseThrow();
      double sse = 0, sae = 0, sst = 0;
      for (double[] p : pairs) {
        sse += (p[0] - p[1]) * (p[0] - p[1]);
        sae += Math.abs(p[0] - p[1]);
        sst += (p[1] - mean) * (p[1] - mean);
      }
      int n = pairs.size();
      Map<String, Double> got = m.metrics();
      String where = "v" + m.version() + " " + m.batch();
      assertEquals(PerformanceTables.REALIZED, m.kind());
      assertEquals(60, m.labelled(), where);
      assertEquals(90, m.predictions(), where);
      assertEquals(sse / n, got.get("mse"), 1e-9, where);
      assertEquals(Math.sqrt(sse / n), got.get("rmse"), 1e-9, where);
      assertEquals(sae / n, got.get("mae"), 1e-9, where);
      assertEquals(1 - sse / sst, got.get("r2"), 1e-9, where);
    }
  }

  @Test
  void clusteringHasNoGroundTruth() {
    assertThrows(dev.esteira.EsteiraException.class, () -> TaskPerformance.of(Task.CLUSTERING));
  }
}
