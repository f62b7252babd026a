package dev.esteira.scoring;

import static org.apache.spark.sql.functions.*;

import dev.esteira.EsteiraException;
import dev.esteira.data.Datasets;
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
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Batch scoring with the production version of a model, or routed between it and a challenger (a canary
 * or an A/B test, see {@link Routing}). Every prediction is logged with the version that made it and its
 * role, served or shadow; rescoring a batch replaces that batch's predictions in one commit.
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
   * Scores a batch with the production version and replaces that version's predictions of the batch (an
   * earlier version's served rows of it become shadow rows: see {@link PredictionStore#replaceServing});
   * then profiles the outputs (target {@code model:NAME:vN}) for prediction drift.
   */
  public ScoreResult score(ModelSpec spec, VersionedFrame data, Profiler profiler) {
    return score(spec, registry.requireProduction(spec.name()), Routing.SERVED, data, profiler);
  }

  /** What a routed batch gave: each version's rows, and how many of them it served. */
  public record RoutedResult(Routing routing, String batch, ScoreResult champion, ScoreResult challenger,
      long servedByChampion, long servedByChallenger) {}

  /**
   * Scores a batch routed between champion and challenger: each row is served by the version its place
   * in the experiment gives ({@link Routing}), and with {@code shadow} the other version scores it too,
   * in shadow. Both versions' predictions of the batch are replaced in one commit, so no reader sees a
   * row served twice or not at all; then each version's outputs are profiled.
   */
  public RoutedResult score(ModelSpec spec, Routing routing, VersionedFrame data, Profiler profiler) {
    ModelVersion champion = registry.version(spec.name(), routing.champion());
    ModelVersion challenger = registry.version(spec.name(), routing.challenger());
    Dataset<Row> rows = held(routed(scored(spec, champion, data), scored(spec, challenger, data), routing), data);
    predictions.replaceServing(spec.name(), List.of(champion.version(), challenger.version()), data.version().batch(), rows);
    ScoreResult c = profiled(spec, champion, data, profiler, rows);
    ScoreResult x = profiled(spec, challenger, data, profiler, rows);
    var served = predictions.servedCounts(spec.name(), data.version().batch());
    return new RoutedResult(routing, data.version().batch(), c, x, served.getOrDefault(champion.version(), 0L),
        served.getOrDefault(challenger.version(), 0L));
  }

  /**
   * The rows of a routed batch from each version's scored rows (the table's columns but the role): a row
   * is served by the challenger when its place is below the share, by the champion otherwise; without
   * shadow, the version that does not serve a row drops it. The place is {@link Routing#place}, the same
   * Java code in the executors as in the tests.
   */
  static Dataset<Row> routed(Dataset<Row> champion, Dataset<Row> challenger, Routing routing) {
    String experiment = routing.experiment();
    var place = udf((org.apache.spark.sql.api.java.UDF1<String, Double>) id -> Routing.place(experiment, id),
        org.apache.spark.sql.types.DataTypes.DoubleType);
    Column toChallenger = place.apply(col("row_id")).lt(routing.share() / 100.0);
    Dataset<Row> a = withRole(champion, when(toChallenger, lit(Routing.SHADOW)).otherwise(lit(Routing.SERVED)), experiment);
    Dataset<Row> b = withRole(challenger, when(toChallenger, lit(Routing.SERVED)).otherwise(lit(Routing.SHADOW)), experiment);
    Dataset<Row> both = a.unionByName(b);
    return routing.shadow() ? both : both.where(col("role").equalTo(Routing.SERVED));
  }

  private static Dataset<Row> withRole(Dataset<Row> scored, Column role, String experiment) {
    return scored.withColumn("role", role).withColumn("experiment", lit(experiment).cast("string"));
  }

  /** Scores with a given version in shadow (a challenger beside the production version's served rows). */
  public ScoreResult score(ModelSpec spec, ModelVersion version, VersionedFrame data, Profiler profiler) {
    return score(spec, version, Routing.SHADOW, data, profiler);
  }

  private ScoreResult score(ModelSpec spec, ModelVersion production, String role, VersionedFrame data, Profiler profiler) {
    Dataset<Row> scored = held(withRole(scored(spec, production, data), lit(role), null), data);
    String batch = data.version().batch();
    if (role.equals(Routing.SERVED)) {
      predictions.replaceServing(spec.name(), List.of(production.version()), batch, scored);
    } else {
      predictions.replace(spec.name(), production.version(), batch, scored);
    }
    return profiled(spec, production, data, profiler, scored);
  }

  /**
   * Whether a batch's scored rows are held on the driver: a batch small enough to be read there
   * ({@link Datasets#LOCAL_READ_MAX_ROWS}) is scored once into rows in this JVM, which the write and the
   * profiles of the outputs then read, the very rows that were logged, without running the model again or
   * reading the predictions table back (its Delta state and a file scan, most of a small batch's scoring).
   * Held in the driver's plan rather than in executors' blocks, they survive a lost executor. A large
   * batch is written, then its logged rows read back from the table.
   */
  private static boolean heldOnDriver(VersionedFrame data) {
    return data.version().rowCount() <= Datasets.LOCAL_READ_MAX_ROWS;
  }

  private static Dataset<Row> held(Dataset<Row> rows, VersionedFrame data) {
    return heldOnDriver(data) ? rows.sparkSession().createDataFrame(rows.collectAsList(), rows.schema()) : rows;
  }

  /**
   * Profiles the outputs a version logged for a batch (prediction drift), and sums them up: from the rows
   * just written when they are held on the driver, else read back from the table.
   */
  private ScoreResult profiled(ModelSpec spec, ModelVersion production, VersionedFrame data, Profiler profiler,
      Dataset<Row> written) {
    Dataset<Row> logged = heldOnDriver(data)
        ? written.where(col("version").equalTo(production.version()))
        : predictions.of(spec.name(), production.version(), data.version().batch());
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
    spec.missingInput(frame.columns()).ifPresent(c -> {
      throw new EsteiraException(
          "cannot score dataset '" + data.version().dataset() + "' batch '" + data.version().batch()
              + "' with " + spec.name() + ": missing column '" + c + "'");
    });
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
