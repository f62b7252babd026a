package dev.esteira.explain;

import static org.apache.spark.sql.functions.*;

import dev.esteira.EsteiraException;
import dev.esteira.ml.ModelSpec;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.DecisionTreeClassificationModel;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.classification.RandomForestClassificationModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.regression.DecisionTreeRegressionModel;
import org.apache.spark.ml.regression.GBTRegressionModel;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.regression.RandomForestRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A model's global importances on labelled rows (its holdout at training, or a recent labelled batch):
 * one Spark pass takes at most {@link #MAX_ROWS} rows (a seeded choice) through the pipeline's feature
 * stages to the driver; every shuffle and rescoring then runs there, in memory, with the model's own
 * single-row prediction, so the cost does not grow with the number of columns in Spark jobs. Beside it,
 * the model's own importances where MLlib has them.
 */
public final class GlobalImportance {
  /** At most this many rows are shuffled and rescored (enough for a stable ranking; documented in the README). */
  public static final int MAX_ROWS = 5_000;
  /** Shuffles per column: the interval is their spread. */
  public static final int REPEATS = 5;

  private GlobalImportance() {}

  /**
   * Importances of {@code pipeline} (fitted from {@code spec}) on {@code labelled} rows (the spec's columns
   * and a double {@code label}), as store entries for {@code runId} and {@code sample}.
   */
  public static List<ImportanceStore.Entry> compute(ModelSpec spec, PipelineModel pipeline, Dataset<Row> labelled,
      String runId, String sample, String metric, long seed) {
    if (!spec.task().supervised()) {
      throw new EsteiraException("model '" + spec.name() + "': permutation importance needs a label (task "
          + spec.task() + ")");
    }
    Transformer[] stages = pipeline.stages();
    Transformer model = stages[stages.length - 1];
    Slots slots = Attributors.slots(spec, stages);
    Dataset<Row> d = labelled;
    for (int i = 0; i < stages.length - 1; i++) {
      d = stages[i].transform(d);
    }
    // Seeded choice of rows: the smallest hashes of the row id (a top-k, no full sort).
    List<Row> rows = d.orderBy(xxhash64(col(spec.id()).cast("string"), lit(seed)), col(spec.id()).cast("string"))
        .select("features", "label").limit(MAX_ROWS).collectAsList();
    if (rows.size() < 2) {
      throw new EsteiraException("model '" + spec.name() + "': " + rows.size() + " labelled rows in " + sample
          + ", too few for permutation importance");
    }
    double[][] x = new double[rows.size()][];
    double[] y = new double[rows.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = rows.get(i).<Vector>getAs("features").toArray();
      y[i] = rows.get(i).<Double>getAs("label");
    }
    Importance.Result r = Importance.permutation(slots, predictor(model), x, y, metric, REPEATS, seed);
    double[] own = own(model);
    double[] ownByColumn = own == null ? null : slots.byColumn(own);
    String ownKind = own == null ? null : model instanceof LogisticRegressionModel || model instanceof LinearRegressionModel
        ? "abs_coefficient" : "impurity";
    Timestamp now = Timestamp.from(Instant.now());
    List<ImportanceStore.Entry> out = new ArrayList<>();
    for (Importance.Column c : r.columns()) {
      Double o = ownByColumn == null ? null : ownByColumn[slots.columns().indexOf(c.column())];
      out.add(new ImportanceStore.Entry(spec.name(), runId, sample, c.column(), metric, r.baseline(), c.mean(), c.std(),
          c.low(), c.high(), c.rank(), r.repeats(), r.rows(), seed, o, ownKind, now));
    }
    return out;
  }

  /** The model's output for one vector: {positive class probability or prediction, prediction}. */
  @SuppressWarnings("unchecked")
  static Importance.Predictor predictor(Transformer model) {
    if (model instanceof ProbabilisticClassificationModel<?, ?> p) {
      var pc = (ProbabilisticClassificationModel<Vector, ?>) p;
      return x -> {
        Vector v = Vectors.dense(x);
        Vector probability = pc.predictProbability(v);
        return new double[] {probability.apply(1), pc.predict(v)};
      };
    }
    if (model instanceof PredictionModel<?, ?> p) {
      var pm = (PredictionModel<Vector, ?>) p;
      return x -> {
        double v = pm.predict(Vectors.dense(x));
        return new double[] {v, v};
      };
    }
    throw new EsteiraException("no permutation importance for " + model.getClass().getSimpleName());
  }

  /**
   * MLlib's own importances per slot: trees' impurity importances (normalised to sum 1), or a linear
   * model's absolute coefficients (on the standardised features, so comparable); null where it has none.
   */
  static double[] own(Transformer model) {
    if (model instanceof RandomForestClassificationModel m) {
      return m.featureImportances().toArray();
    }
    if (model instanceof RandomForestRegressionModel m) {
      return m.featureImportances().toArray();
    }
    if (model instanceof GBTClassificationModel m) {
      return m.featureImportances().toArray();
    }
    if (model instanceof GBTRegressionModel m) {
      return m.featureImportances().toArray();
    }
    if (model instanceof DecisionTreeClassificationModel m) {
      return m.featureImportances().toArray();
    }
    if (model instanceof DecisionTreeRegressionModel m) {
      return m.featureImportances().toArray();
    }
    double[] w = model instanceof LogisticRegressionModel lr ? lr.coefficients().toArray()
        : model instanceof LinearRegressionModel lin ? lin.coefficients().toArray() : null;
    if (w == null) {
      return null;
    }
    double[] abs = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      abs[i] = Math.abs(w[i]);
    }
    return abs;
  }
}
