package dev.esteira.monitor;

import static org.apache.spark.sql.functions.*;

import dev.esteira.EsteiraException;
import dev.esteira.data.Datasets.VersionedFrame;
import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.Match;
import dev.esteira.ml.ModelSpec;
import dev.esteira.ml.Task;
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
  private final Lakehouse lake;
  private final Registry registry;

  public Scorer(Lakehouse lake) {
    this.lake = lake;
    this.registry = new Registry(lake);
  }

  public record ScoreResult(ModelVersion version, String batch, long rows, double meanProbability) {}

  /** The columns of a classifier's outputs that prediction drift monitors. */
  public static final List<Profiler.Monitored> OUTPUTS = outputs(Task.CLASSIFICATION);

  /**
   * The outputs prediction drift monitors, per task: a regression's prediction is a number, a class or a
   * cluster a category; {@code probability} is the positive class's for a classifier, the assigned
   * cluster's membership for a Gaussian mixture, and null where the model gives none.
   */
  public static List<Profiler.Monitored> outputs(Task task) {
    return List.of(
        new Profiler.Monitored("probability", ColumnAccumulator.Kind.NUMERIC, "double"),
        task == Task.REGRESSION
            ? new Profiler.Monitored("prediction", ColumnAccumulator.Kind.NUMERIC, "double")
            : new Profiler.Monitored("prediction", ColumnAccumulator.Kind.CATEGORICAL, "string"));
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
    Match batchOfVersion = Match.on(MonitorTables.PREDICTIONS)
        .eq("model", spec.name()).eq("version", production.version()).eq("batch", data.version().batch());
    lake.replace(scored, batchOfVersion);
    Dataset<Row> logged = lake.read(batchOfVersion);
    List<ColumnProfile> outputs = profiler.profile(origin(spec, production, data), logged, outputs(spec.task()));
    ColumnProfile probability = outputs.get(0);
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
        Profiler.modelTarget(spec.name(), v.version()), data.version().dataset(), data.version().batch(),
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
    boolean hasProbability = Arrays.asList(transformed.columns()).contains("probability");
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
