package dev.esteira.explain;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.ml.Estimators;
import dev.esteira.ml.ModelPipelines;
import dev.esteira.ml.ModelSpec;
import dev.esteira.ml.Task;
import dev.esteira.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Contributions of real MLlib pipelines (imputer, indexer, one-hot, assembler, scaler, model) fitted on a
 * tiny generated table: for every row they add up to what MLlib itself outputs (logistic and GBT margin,
 * forest probability, regression prediction), and the logistic ones equal a hand computation from the
 * raw values (coefficient × distance from the training mean / training standard deviation, a category's
 * one-hot slots together).
 */
class ContributionsTest {
  static Dataset<Row> data;
  static List<Row> raw;

  @BeforeAll
  static void setUp() {
    Random rnd = new Random(5);
    List<Row> rows = new ArrayList<>();
    String[] cats = {"a", "b", "c"};
    for (int i = 0; i < 160; i++) {
      double x1 = rnd.nextGaussian();
      double x2 = rnd.nextGaussian() * 3;
      String c = cats[rnd.nextInt(3)];
      double margin = 2 * x1 - 0.5 * x2 + (c.equals("b") ? 1.5 : 0) + rnd.nextGaussian() * 0.5;
      double y = 3 * x1 + x2 * x2 / 4 + (c.equals("c") ? -2 : 0) + rnd.nextGaussian() * 0.3;
      rows.add(RowFactory.create("r" + i, x1, x2, c, margin > 0 ? 1.0 : 0.0, y));
    }
    StructType schema = new StructType().add("id", DataTypes.StringType).add("x1", DataTypes.DoubleType)
        .add("x2", DataTypes.DoubleType).add("c", DataTypes.StringType).add("label", DataTypes.DoubleType)
        .add("y", DataTypes.DoubleType);
    raw = rows;
    data = TestSpark.spark().createDataFrame(rows, schema).cache();
    ModelSpec any = spec(Task.REGRESSION, "linear_regression", Map.of());
    org.apache.spark.ml.PipelineStage[] all = ModelPipelines.build(any, new org.apache.spark.ml.regression.LinearRegression()).getStages();
    featureStages = new org.apache.spark.ml.Pipeline()
        .setStages(java.util.Arrays.copyOf(all, all.length - 1)).fit(data).stages();
  }

  static ModelSpec spec(Task task, String type, Map<String, Object> params) {
    return new ModelSpec("m", null, null, null, null, task, "d", null, "id", task == Task.CLASSIFICATION ? "label" : "y",
        new ModelSpec.Features(List.of("x1", "x2"), List.of("c")), new ModelSpec.Estimator(type, params),
        new ModelSpec.Split(0.8, 1L), null, Map.of(), List.of());
  }

  /**
   * The spec's pipeline ({@link ModelPipelines}) with its feature stages fitted once for all tests (they
   * do not depend on the estimator): each test pays only for its estimator's Spark jobs.
   */
  static PipelineModel fit(ModelSpec spec) {
    Dataset<Row> train = spec.task() == Task.CLASSIFICATION ? data : data.drop("label").withColumnRenamed("y", "label");
    org.apache.spark.ml.PipelineStage[] stages =
        ModelPipelines.build(spec, Estimators.create(spec.task(), spec.estimator(), 7)).getStages();
    stages = java.util.Arrays.copyOf(stages, stages.length);
    System.arraycopy(featureStages, 0, stages, 0, featureStages.length);
    return new org.apache.spark.ml.Pipeline().setStages(stages).fit(train);
  }

  static org.apache.spark.ml.Transformer[] featureStages;

  /** For each row: base + sum of per-column contributions against MLlib's own output column. */
  static PipelineModel assertSumsToModelOutput(ModelSpec spec, String output, String column, int index) {
    PipelineModel model = fit(spec);
    Attributors.Explained e = Attributors.of(spec, model);
    assertEquals(output, e.attributor().output());
    assertEquals(List.of("x1", "x2", "c"), e.slots().columns());
    // The indexer keeps a label for unseen values, so c has four one-hot slots (a, b, c, unseen).
    assertEquals(6, e.slots().size());
    for (Row r : features()) {
      Vector features = r.getAs("features");
      double[] x = features.toArray();
      // MLlib's own output for the row, computed by the model on the driver.
      Object last = model.stages()[model.stages().length - 1];
      double expected = switch (column) {
        case "rawPrediction" -> ((org.apache.spark.ml.classification.ClassificationModel<Vector, ?>) last).predictRaw(features).apply(index);
        case "probability" -> ((org.apache.spark.ml.classification.ProbabilisticClassificationModel<Vector, ?>) last)
            .predictProbability(features).apply(index);
        default -> ((org.apache.spark.ml.PredictionModel<Vector, ?>) last).predict(features);
      };
      double sum = e.attributor().base();
      for (double c : e.slots().byColumn(e.attributor().contributions(x))) {
        sum += c;
      }
      assertEquals(expected, sum, 1e-9, spec.estimator().type() + " " + output);
    }
    return model;
  }

  static List<Row> features;

  /** The feature vectors of every row, in the order of {@code raw} (one Spark job, once). */
  static List<Row> features() {
    if (features == null) {
      Dataset<Row> d = data;
      for (org.apache.spark.ml.Transformer t : featureStages) {
        d = t.transform(d);
      }
      features = d.select("id", "features").collectAsList();
      for (int i = 0; i < features.size(); i++) {
        assertEquals(raw.get(i).getString(0), features.get(i).getString(0), "rows in order");
      }
    }
    return features;
  }

  @Test
  void logisticContributionsAreCoefficientTimesStandardisedDistanceFromTheMeanAndSumToTheMargin() {
    ModelSpec spec = spec(Task.CLASSIFICATION, "logistic_regression", Map.of("max_iter", 20));
    PipelineModel model = assertSumsToModelOutput(spec, "log_odds", "rawPrediction", 1);
    LogisticRegressionModel lr = (LogisticRegressionModel) model.stages()[model.stages().length - 1];
    double[] w = lr.coefficients().toArray();
    // Sample standard deviations of the raw columns and of each category's indicator, by hand.
    double[][] cols = new double[5][raw.size()];
    for (int i = 0; i < raw.size(); i++) {
      Row r = raw.get(i);
      cols[0][i] = r.getDouble(1);
      cols[1][i] = r.getDouble(2);
      for (int k = 0; k < 3; k++) {
        cols[2 + k][i] = r.getString(3).equals(new String[] {"a", "b", "c"}[k]) ? 1 : 0;
      }
    }
    double[] sd = new double[5];
    double[] mean = new double[5];
    for (int j = 0; j < 5; j++) {
      mean[j] = java.util.Arrays.stream(cols[j]).average().orElseThrow();
      double ss = 0;
      for (double v : cols[j]) {
        ss += (v - mean[j]) * (v - mean[j]);
      }
      sd[j] = Math.sqrt(ss / (raw.size() - 1));
    }
    Attributors.Explained e = Attributors.of(spec, model);
    List<Row> transformed = features();
    for (int i = 0; i < raw.size(); i++) {
      Row r = raw.get(i);
      // Each slot's coefficient times its distance from the training mean, in standard deviations; the
      // category's three indicator slots together (the unseen-value slot is 0 in every row).
      double category = 0;
      for (int j = 2; j < 5; j++) {
        category += w[j] * (cols[j][i] - mean[j]) / sd[j];
      }
      double[] byHand = {w[0] * (r.getDouble(1) - mean[0]) / sd[0], w[1] * (r.getDouble(2) - mean[1]) / sd[1], category};
      double[] got = e.slots().byColumn(e.attributor().contributions(transformed.get(i).<Vector>getAs("features").toArray()));
      assertArrayEquals(byHand, got, 1e-9, "row " + i);
    }
  }

  @Test
  void linearRegressionContributionsSumToThePrediction() {
    assertSumsToModelOutput(spec(Task.REGRESSION, "linear_regression", Map.of()), "prediction", "prediction", -1);
  }

  @Test
  void forestContributionsSumToTheProbability() {
    assertSumsToModelOutput(spec(Task.CLASSIFICATION, "random_forest", Map.of("num_trees", 3, "max_depth", 3)),
        "probability", "probability", 1);
  }

  @Test
  void gbtContributionsSumToTheMargin() {
    assertSumsToModelOutput(spec(Task.CLASSIFICATION, "gbt", Map.of("max_iter", 3, "max_depth", 2)),
        "gbt_margin", "rawPrediction", 1);
  }
}
