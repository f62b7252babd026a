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

    Instant started = Instant.now();
    try {
      return trainRun(spec, data, runId, configHash, codeVersion, started);
    } catch (RuntimeException e) {
      // A failed run is recorded too, with its error, so that nothing tried is invisible.
      Instant ended = Instant.now();
      String error = dev.esteira.Messages.firstLine(
          e instanceof EsteiraException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage());
      Runs.save(lake, new Run(
          runId, spec.name(), "train", "failed", spec.estimator().type(), Json.write(spec.estimator().params()),
          Map.of(), null, spec.dataset(), datasetVersion, data.version().batch(), null, null, configHash,
          codeVersion, spec.split().seed(), lake.spark().version(), null, error, Timestamp.from(started),
          Timestamp.from(ended), ended.toEpochMilli() - started.toEpochMilli()));
      throw e;
    }
  }

  private TrainResult trainRun(
      ModelSpec spec, VersionedFrame data, String runId, String configHash, String codeVersion, Instant started) {
    long datasetVersion = data.version().version();
    Dataset<Row> frame = data.frame();
    requireColumns(spec, frame, data);
    long seed = spec.split().seed();
    Dataset<Row> labelled =
        frame.where(col(spec.label()).isNotNull()).withColumn("label", col(spec.label()).cast("double"));
    Column inTrain = seededFraction(spec.id(), seed).lt(spec.split().train());
    Dataset<Row> train = labelled.where(inTrain).cache();
    Dataset<Row> holdout = labelled.where(not(inTrain)).cache();
    long trainRows = train.count();
    long holdoutRows = holdout.count();
    if (trainRows == 0 || holdoutRows == 0) {
      throw new EsteiraException(
          "model '" + spec.name() + "': not enough labelled rows to split (" + trainRows + " train, "
              + holdoutRows + " holdout)");
    }
    progress.report("training " + spec.name() + " on " + trainRows + " rows, holding out " + holdoutRows);

    Estimator<?> estimator = Estimators.create(spec.estimator(), seed);
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
    Map<String, Double> metrics = ClassificationMetrics.compute(scored);
    Map<String, Map<String, Double>> slices = ClassificationMetrics.bySlice(scored, spec.slices());
    progress.report("holdout metrics " + metrics);

    String artifact = lake.artifactsRoot() + "/" + spec.name() + "/runs/" + runId;
    try {
      model.write().overwrite().save(artifact);
    } catch (java.io.IOException e) {
      throw new EsteiraException("cannot save model artifact to " + artifact + ": " + e.getMessage(), e);
    }
    train.unpersist();
    holdout.unpersist();
    scored.unpersist();
    Instant ended = Instant.now();
    Run run =
        new Run(
            runId, spec.name(), "train", "succeeded", spec.estimator().type(), Json.write(chosen),
            metrics, slices, spec.dataset(), datasetVersion, data.version().batch(),
            trainRows, holdoutRows, configHash, codeVersion, seed, lake.spark().version(), artifact, null,
            Timestamp.from(started), Timestamp.from(ended), ended.toEpochMilli() - started.toEpochMilli());
    Runs.save(lake, run);
    return new TrainResult(run, false);
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
    Map<String, Object> best = null;
    double bestScore = Double.NaN;
    for (Map<String, Object> candidate : candidates) {
      ParamMap params = new ParamMap();
      for (Map.Entry<String, Object> p : candidate.entrySet()) {
        params = params.$plus$plus(Estimators.paramMap(estimator, p.getKey(), p.getValue(), "tuning.grid"));
      }
      Estimator<?> e = (Estimator<?>) estimator.copy(params);
      PipelineModel m = ModelPipelines.build(spec, e).fit(fit);
      double score = ClassificationMetrics.compute(m.transform(validation)).get(tuning.metric());
      progress.report("tuning " + candidate + ": " + tuning.metric() + " = " + score);
      if (best == null || ClassificationMetrics.better(tuning.metric(), score, bestScore, 1e-12)) {
        best = candidate;
        bestScore = score;
      }
    }
    return best;
  }

  private static void requireColumns(ModelSpec spec, Dataset<Row> frame, VersionedFrame data) {
    Set<String> have = new HashSet<>(Arrays.asList(frame.columns()));
    List<String> need = new ArrayList<>(spec.features().all());
    need.add(spec.id());
    need.add(spec.label());
    need.addAll(spec.slices());
    for (String c : need) {
      if (!have.contains(c)) {
        throw new EsteiraException(
            "model '" + spec.name() + "' needs column '" + c + "', which dataset '" + spec.dataset()
                + "' batch '" + data.version().batch() + "' does not have (columns: " + have + ")");
      }
    }
  }
}
