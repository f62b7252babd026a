package dev.esteira.scoring;

import static org.apache.spark.sql.functions.*;

import dev.esteira.EsteiraException;
import dev.esteira.data.Datasets.VersionedFrame;
import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.ModelSpec;
import dev.esteira.ml.Task;
import dev.esteira.monitor.ColumnProfile;
import dev.esteira.monitor.Profiler;
import dev.esteira.monitor.Target;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Batch scoring with the production version of a model. Every prediction is logged with the version that
 * made it; rescoring a batch replaces that batch's predictions in one commit.
 */
public final class Scorer {
  /** The output column holding the model's probability (see {@link #outputs}). */
  public static final String PROBABILITY = "probability";
  /** The output column holding the prediction. */
  public static final String PREDICTION = "prediction";

  private final Registry registry;
  private final PredictionStore predictions;

  public Scorer(Lakehouse lake) {
    this.registry = new Registry(lake);
    this.predictions = new PredictionStore(lake);
  }

  public record ScoreResult(ModelVersion version, String batch, long rows, double meanProbability) {}

  /**
   * The outputs prediction drift monitors, per task: a regression's prediction is a number, a class or a
   * cluster a category; {@code probability} is the positive class's for a classifier, the assigned
   * cluster's membership for a Gaussian mixture, and null where the model gives none.
   */
  public static List<Profiler.Monitored> outputs(Task task) {
    return List.of(
        Profiler.Monitored.numeric(PROBABILITY, "double"),
        task == Task.REGRESSION
            ? Profiler.Monitored.numeric(PREDICTION, "double")
            : Profiler.Monitored.categorical(PREDICTION, "string"));
  }

  /**
   * Scores a batch with the production version and replaces that version's predictions of the batch;
   * then profiles the outputs (target {@code model:NAME:vN}) for prediction drift.
   */
  public ScoreResult score(ModelSpec spec, VersionedFrame data, Profiler profiler) {
    return score(spec, registry.requireProduction(spec.name()), data, profiler);
  }

  /** Scores with a given version (a challenger in shadow, beside the production version's rows). */
  public ScoreResult score(ModelSpec spec, ModelVersion production, VersionedFrame data, Profiler profiler) {
    Dataset<Row> scored = scored(spec, production, data);
    String batch = data.version().batch();
    predictions.replace(spec.name(), production.version(), batch, scored);
    Dataset<Row> logged = predictions.of(spec.name(), production.version(), batch);
    List<ColumnProfile> outputs = profiler.profile(origin(spec, production, data), logged, outputs(spec.task()));
    ColumnProfile probability = outputs.stream().filter(p -> p.column().equals(PROBABILITY)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no profile of the output '" + PROBABILITY + "'"));
    return new ScoreResult(
        production, data.version().batch(), probability.rows(),
        probability.mean() == null ? Double.NaN : probability.mean());
  }

  /**
   * Profiles the outputs of the production version on a batch without logging predictions: the
   * reference of prediction drift when the holdout's scores are not stored (the training batch).
   */
  public List<ColumnProfile> profileOutputs(ModelSpec spec, VersionedFrame data, Profiler profiler) {
    ModelVersion production = registry.requireProduction(spec.name());
    return profiler.profile(origin(spec, production, data), scored(spec, production, data), outputs(spec.task()));
  }

  private static ColumnProfile.Origin origin(ModelSpec spec, ModelVersion v, VersionedFrame data) {
    return new ColumnProfile.Origin(
        Target.modelOutputs(spec.name(), v.version()).format(), data.version().dataset(), data.version().batch(),
        data.version().version(), data.version().createdAt());
  }

  private Dataset<Row> scored(ModelSpec spec, ModelVersion production, VersionedFrame data) {
    Dataset<Row> frame = data.frame();
    Set<String> have = new HashSet<>(Arrays.asList(frame.columns()));
    List<String> needed = new ArrayList<>(spec.features().all());
    needed.add(spec.id());
    for (String c : needed) {
      if (!have.contains(c)) {
        throw new EsteiraException(
            "cannot score dataset '" + data.version().dataset() + "' batch '" + data.version().batch()
                + "' with " + spec.name() + ": missing column '" + c + "'");
      }
    }
    PipelineModel model = registry.load(production);
    List<Column> features = new ArrayList<>();
    for (String c : spec.features().all()) {
      features.add(lit(c));
      features.add(col(c).cast("string"));
    }
    Dataset<Row> transformed = model.transform(frame);
    boolean hasProbability = Arrays.asList(transformed.columns()).contains(PROBABILITY);
    Column probability =
        !hasProbability ? lit(null).cast("double")
        : spec.task() == Task.CLASSIFICATION
            ? functions.vector_to_array(col("probability"), "float64").getItem(1)
            : array_max(functions.vector_to_array(col("probability"), "float64"));
    return transformed
        .select(
            lit(spec.name()).as("model"),
            lit(production.version()).as("version"),
            lit(data.version().dataset()).as("dataset"),
            lit(data.version().version()).as("dataset_version"),
            lit(data.version().batch()).as("batch"),
            col(spec.id()).cast("string").as("row_id"),
            // Cluster indices are integers; the predictions table keeps every task's prediction as a double.
            col("prediction").cast("double").as("prediction"),
            probability.as("probability"),
            map(features.toArray(Column[]::new)).as("features"),
            lit(Timestamp.from(Instant.now())).as("scored_at"));
  }
}
