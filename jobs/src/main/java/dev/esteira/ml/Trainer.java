package dev.esteira.ml;

import static org.apache.spark.sql.functions.*;

import dev.esteira.CodeVersion;
import dev.esteira.EsteiraException;
import dev.esteira.Progress;
import dev.esteira.config.Json;
import dev.esteira.data.Datasets.VersionedFrame;
import dev.esteira.lake.Fingerprints;
import dev.esteira.lake.Lakehouse;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Trains a model spec on one dataset version and records the run. A run is identified by its inputs
 * (model, dataset version, spec, code version), so training the same thing twice finds the first run
 * instead of making a second one; {@code force} retrains and replaces it.
 */
public final class Trainer {
  private final Lakehouse lake;
  private final Progress progress;

  public Trainer(Lakehouse lake, Progress progress) {
    this.lake = lake;
    this.progress = progress;
  }

  public record TrainResult(Run run, boolean reused) {}

  public TrainResult train(ModelSpec spec, VersionedFrame data, boolean force) {
    String configHash = Fingerprints.sha256(Json.write(spec));
    String codeVersion = CodeVersion.get();
    long datasetVersion = data.version().version();
    String runId =
        Fingerprints.sha256(
                String.join("|", spec.name(), spec.dataset(), data.version().batch(),
                    Long.toString(datasetVersion), configHash, codeVersion))
            .substring(0, 16);
    Optional<Run> previous = Runs.find(lake, runId);
    if (!force && previous.isPresent() && previous.get().status().equals("succeeded")) {
      return new TrainResult(previous.get(), true);
    }

    return run(spec, data.frame(), data.version().batch(), datasetVersion, runId, "train", configHash, codeVersion);
  }

  /**
   * Retrains a spec on the rows of a batch as of a dataset version and records the run as kind {@code
   * reproduce} under its own id (the original run is never replaced): what {@code esteira reproduce} does.
   */
  public Run reproduce(ModelSpec spec, Dataset<Row> frame, String batch, long datasetVersion, String runId) {
    String configHash = Fingerprints.sha256(Json.write(spec));
    return run(spec, frame, batch, datasetVersion, runId, "reproduce", configHash, CodeVersion.get()).run();
  }

  private TrainResult run(ModelSpec spec, Dataset<Row> frame, String batch, long datasetVersion, String runId,
      String kind, String configHash, String codeVersion) {
    Instant started = Instant.now();
    try {
      return trainRun(spec, frame, batch, datasetVersion, runId, kind, configHash, codeVersion, started);
    } catch (RuntimeException e) {
      // A failed run is recorded too, with its error, so that nothing tried is invisible.
      Instant ended = Instant.now();
      String error = dev.esteira.Messages.firstLine(
          e instanceof EsteiraException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage());
      Runs.save(lake, new Run(
          runId, spec.name(), kind, "failed", spec.estimator().type(), Json.write(spec.estimator().params()),
          Map.of(), null, spec.dataset(), datasetVersion, batch, null, null, configHash,
          codeVersion, spec.split().seed(), lake.spark().version(), null, error, Timestamp.from(started),
          Timestamp.from(ended), ended.toEpochMilli() - started.toEpochMilli()));
      throw e;
    }
  }

  private TrainResult trainRun(
      ModelSpec spec, Dataset<Row> frame, String batch, long datasetVersion, String runId, String kind,
      String configHash, String codeVersion, Instant started) {
    Task task = spec.task();
    requireColumns(spec, frame, batch);
    long seed = spec.split().seed();
    Dataset<Row> labelled = labelled(spec, frame);
    Column inTrain = inTrain(spec);
    Dataset<Row> train = labelled.where(inTrain).cache();
    Dataset<Row> holdout = labelled.where(not(inTrain)).cache();
    long trainRows = train.count();
    long holdoutRows = holdout.count();
    if (trainRows == 0 || holdoutRows == 0) {
      throw new EsteiraException(
          "model '" + spec.name() + "': not enough " + (task.supervised() ? "labelled " : "") + "rows to split ("
              + trainRows + " train, " + holdoutRows + " holdout)");
    }
    progress.report("training " + spec.name() + " (" + task + ") on " + trainRows + " rows, holding out " + holdoutRows);

    Estimator<?> estimator = Estimators.create(task, spec.estimator(), seed);
    Map<String, Object> chosen = new LinkedHashMap<>(spec.estimator().params());
    if (spec.tuning() != null && !spec.tuning().grid().isEmpty()) {
      Map<String, Object> best = tune(spec, estimator, train, seed);
      chosen.putAll(best);
      for (Map.Entry<String, Object> p : best.entrySet()) {
        estimator = (Estimator<?>) estimator.copy(Estimators.paramMap(estimator, p.getKey(), p.getValue(), "tuning.grid"));
      }
    }
    PipelineModel model = ModelPipelines.build(spec, estimator).fit(train);
    Dataset<Row> scored = model.transform(holdout).cache();
    Map<String, Double> metrics = task.evaluate(scored);
    Map<String, Map<String, Double>> slices = task.bySlice(scored, spec.slices());
    progress.report("holdout metrics " + metrics);

    String artifact = lake.artifactsRoot() + "/" + spec.name() + "/runs/" + runId;
    try {
      model.write().overwrite().save(artifact);
      writeSpec(artifact, spec);
    } catch (java.io.IOException e) {
      throw new EsteiraException("cannot save model artifact to " + artifact + ": " + e.getMessage(), e);
    }
    train.unpersist();
    holdout.unpersist();
    scored.unpersist();
    Instant ended = Instant.now();
    Run run =
        new Run(
            runId, spec.name(), kind, "succeeded", spec.estimator().type(), Json.write(chosen),
            metrics, slices, spec.dataset(), datasetVersion, batch,
            trainRows, holdoutRows, configHash, codeVersion, seed, lake.spark().version(), artifact, null,
            Timestamp.from(started), Timestamp.from(ended), ended.toEpochMilli() - started.toEpochMilli());
    Runs.save(lake, run);
    return new TrainResult(run, false);
  }

  /** The rows a supervised spec learns from (label not null, as a double {@code label}); all rows otherwise. */
  public static Dataset<Row> labelled(ModelSpec spec, Dataset<Row> frame) {
    return spec.task().supervised()
        ? frame.where(col(spec.label()).isNotNull()).withColumn("label", col(spec.label()).cast("double"))
        : frame;
  }

  /** The holdout of a training batch: its labelled rows outside the seeded training fraction. */
  public static Dataset<Row> holdout(ModelSpec spec, Dataset<Row> frame) {
    return labelled(spec, frame).where(not(inTrain(spec)));
  }

  private static Column inTrain(ModelSpec spec) {
    return seededFraction(spec.id(), spec.split().seed()).lt(spec.split().train());
  }

  /** The file in a model artifact that keeps the spec it was trained with (so it travels with the model). */
  public static final String SPEC_FILE = "esteira-spec.json";

  private void writeSpec(String artifact, ModelSpec spec) throws java.io.IOException {
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(artifact, SPEC_FILE);
    var fs = file.getFileSystem(lake.hadoopConfiguration());
    try (var out = fs.create(file, true)) {
      out.write(Json.write(spec).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /**
   * The spec a model artifact was trained with, as recorded in it; empty for artifacts written before the
   * spec was recorded.
   */
  public static Optional<ModelSpec> recordedSpec(Lakehouse lake, String artifact) {
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(artifact, SPEC_FILE);
    try {
      var fs = file.getFileSystem(lake.hadoopConfiguration());
      if (!fs.exists(file)) {
        return Optional.empty();
      }
      try (var in = fs.open(file)) {
        String json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return Optional.of(dev.esteira.config.Yaml.bind(
            dev.esteira.config.Yaml.mapper().readTree(json), ModelSpec.class, file.toString()));
      }
    } catch (java.io.IOException e) {
      throw new EsteiraException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** A number in [0, 1) fixed by the row id and the seed: the same rows land in the same split always. */
  public static Column seededFraction(String idColumn, long seed) {
    return pmod(xxhash64(col(idColumn).cast("string"), lit(seed)), lit(1_000_000L)).divide(1_000_000.0);
  }

  private Map<String, Object> tune(ModelSpec spec, Estimator<?> estimator, Dataset<Row> train, long seed) {
    ModelSpec.Tuning tuning = spec.tuning();
    Column inFit = seededFraction(spec.id(), seed + 1).lt(tuning.trainRatio());
    Dataset<Row> fit = train.where(inFit);
    Dataset<Row> validation = train.where(not(inFit));
    List<Map<String, Object>> candidates = new ArrayList<>();
    candidates.add(new LinkedHashMap<>());
    for (Map.Entry<String, List<Object>> axis : tuning.grid().entrySet()) {
      List<Map<String, Object>> next = new ArrayList<>();
      for (Map<String, Object> c : candidates) {
        for (Object value : axis.getValue()) {
          Map<String, Object> extended = new LinkedHashMap<>(c);
          extended.put(axis.getKey(), value);
          next.add(extended);
        }
      }
      candidates = next;
    }
    // Every candidate's parameters first, so that a bad grid value is refused before anything is fitted.
    List<ParamMap> paramMaps = new ArrayList<>();
    for (Map<String, Object> candidate : candidates) {
      ParamMap params = new ParamMap();
      for (Map.Entry<String, Object> p : candidate.entrySet()) {
        params = params.$plus$plus(Estimators.paramMap(estimator, p.getKey(), p.getValue(), "tuning.grid"));
      }
      paramMaps.add(params);
    }
    Metric metric = spec.task().requireMetric(tuning.metric(), "tuning.metric");
    // The preparation stages (imputer, indexer, encoder, assembler, scaler) are the same for every
    // candidate: fitted once on the fitting rows, as each candidate's Pipeline.fit would fit them before
    // its estimator, and their output kept for every candidate's fit and validation.
    PipelineModel preparation = ModelPipelines.preparation(spec).fit(fit);
    Dataset<Row> preparedFit = preparation.transform(fit).cache();
    Dataset<Row> preparedValidation = preparation.transform(validation).cache();
    Map<String, Object> best = null;
    double bestScore = Double.NaN;
    try {
      for (int i = 0; i < candidates.size(); i++) {
        Map<String, Object> candidate = candidates.get(i);
        Model<?> m = ((Estimator<?>) estimator.copy(paramMaps.get(i))).fit(preparedFit);
        double score = spec.task().evaluate(m.transform(preparedValidation)).get(tuning.metric());
        progress.report("tuning " + candidate + ": " + tuning.metric() + " = " + score);
        if (best == null || (!Double.isNaN(score) && (Double.isNaN(bestScore) || metric.better(score, bestScore, 1e-12)))) {
          best = candidate;
          bestScore = score;
        }
      }
    } finally {
      preparedFit.unpersist();
      preparedValidation.unpersist();
    }
    return best;
  }

  private static void requireColumns(ModelSpec spec, Dataset<Row> frame, String batch) {
    Set<String> have = new HashSet<>(Arrays.asList(frame.columns()));
    List<String> need = new ArrayList<>(spec.features().all());
    need.add(spec.id());
    if (spec.label() != null) {
      need.add(spec.label());
    }
    need.addAll(spec.slices());
    for (String c : need) {
      if (!have.contains(c)) {
        throw new EsteiraException(
            "model '" + spec.name() + "' needs column '" + c + "', which dataset '" + spec.dataset()
                + "' batch '" + batch + "' does not have (columns: " + have + ")");
      }
    }
  }
}
