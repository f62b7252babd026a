package dev.esteira.jobs;

import static org.apache.spark.sql.functions.*;

import dev.esteira.CodeVersion;
import dev.esteira.EsteiraException;
import dev.esteira.Progress;
import dev.esteira.config.Json;
import dev.esteira.data.Datasets;
import dev.esteira.lake.Fingerprints;
import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.ModelSpec;
import dev.esteira.ml.Run;
import dev.esteira.ml.Runs;
import dev.esteira.ml.Trainer;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Retrains a registered version from what its lineage recorded — the dataset version and batch, the spec
 * kept in its artifact, the seed — and says whether the result is the same: every metric and slice metric
 * bit for bit, and every prediction (and probability) of the model on the rows it was trained from. The
 * retraining is recorded in {@code runs} as kind {@code reproduce}, under its own id; the original run and
 * version are never touched.
 */
public final class Reproduction {
  private final Lakehouse lake;
  private final Progress progress;

  public Reproduction(Lakehouse lake, Progress progress) {
    this.lake = lake;
    this.progress = progress;
  }

  /** A metric whose value differs: as registered and as reproduced. */
  public record Difference(String metric, Double original, Double reproduced) {}

  public record Result(
      ModelVersion version,
      Run original,
      Run reproduced,
      long datasetVersion,
      boolean datasetVersionAsRecorded,
      String specSource,
      boolean configIdentical,
      boolean codeVersionIdentical,
      List<Difference> metricDifferences,
      List<Difference> sliceDifferences,
      long rowsCompared,
      long predictionsDiffering,
      double maxPredictionDifference) {

    public boolean metricsIdentical() {
      return metricDifferences.isEmpty() && sliceDifferences.isEmpty();
    }

    public boolean predictionsIdentical() {
      return predictionsDiffering == 0;
    }

    public boolean identical() {
      return metricsIdentical() && predictionsIdentical();
    }

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("model", version.model());
      m.put("version", version.version());
      m.put("identical", identical());
      m.put("metrics_identical", metricsIdentical());
      m.put("predictions_identical", predictionsIdentical());
      m.put("original_run_id", original.runId());
      m.put("reproduce_run_id", reproduced.runId());
      m.put("dataset", version.dataset());
      m.put("batch", version.batch());
      m.put("recorded_dataset_version", version.datasetVersion());
      m.put("dataset_version", datasetVersion);
      m.put("spec", specSource);
      m.put("config_identical", configIdentical);
      m.put("code_version_identical", codeVersionIdentical);
      m.put("original_metrics", new java.util.TreeMap<>(original.metrics()));
      m.put("reproduced_metrics", new java.util.TreeMap<>(reproduced.metrics()));
      m.put("metric_differences", metricDifferences);
      m.put("slice_metric_differences", sliceDifferences);
      m.put("rows_compared", rowsCompared);
      m.put("predictions_differing", predictionsDiffering);
      m.put("max_prediction_difference", maxPredictionDifference);
      return m;
    }
  }

  /**
   * Reproduces {@code v}; {@code datasetVersion} null reads the recorded version, another value retrains
   * on the batch as of that version instead (to see what a different snapshot changes).
   */
  public Result reproduce(ModelVersion v, ModelSpec currentSpec, Long datasetVersion) {
    Run original = Runs.find(lake, v.runId()).orElseThrow(() -> new EsteiraException(
        v.model() + " v" + v.version() + ": its run '" + v.runId() + "' is not in the runs table"));
    if (v.datasetVersion() == null || v.batch() == null) {
      throw new EsteiraException(v.model() + " v" + v.version() + " records no dataset version to retrain from");
    }
    var recorded = Trainer.recordedSpec(lake, v.artifactPath());
    ModelSpec spec = recorded.orElse(currentSpec);
    String specSource = recorded.isPresent() ? "recorded in the artifact" : "current conf/models file (the artifact records none)";
    boolean configIdentical = Fingerprints.sha256(Json.write(spec)).equals(v.configHash());
    long dsv = datasetVersion == null ? v.datasetVersion() : datasetVersion;
    Datasets datasets = new Datasets(lake);
    datasets.version(v.dataset(), dsv); // an unknown version is refused with the known ones
    Dataset<Row> frame = datasets.readVersion(v.dataset(), dsv)
        .where(col(Datasets.BATCH_COLUMN).equalTo(v.batch())).drop(Datasets.BATCH_COLUMN);
    if (frame.isEmpty()) {
      throw new EsteiraException(
          "dataset '" + v.dataset() + "' version " + dsv + " has no rows of batch '" + v.batch() + "'");
    }
    String codeVersion = CodeVersion.get();
    String runId = Fingerprints.sha256(String.join("|", "reproduce", v.runId(), Long.toString(dsv), codeVersion))
        .substring(0, 16);
    progress.report("retraining " + v.model() + " v" + v.version() + " on " + v.dataset() + " version " + dsv
        + " (batch " + v.batch() + ") as run " + runId);
    Run reproduced = new Trainer(lake, progress).reproduce(spec, frame, v.batch(), dsv, runId);

    List<Difference> metrics = differences(original.metrics(), reproduced.metrics(), "");
    List<Difference> slices = new ArrayList<>();
    Map<String, Map<String, Double>> a = original.sliceMetrics() == null ? Map.of() : original.sliceMetrics();
    Map<String, Map<String, Double>> b = reproduced.sliceMetrics() == null ? Map.of() : reproduced.sliceMetrics();
    for (String slice : union(a.keySet(), b.keySet())) {
      slices.addAll(differences(a.getOrDefault(slice, Map.of()), b.getOrDefault(slice, Map.of()), slice + " "));
    }

    // Predictions of both pipelines on the same rows, joined by id and compared exactly.
    PipelineModel registered = new Registry(lake).load(v);
    PipelineModel retrained = PipelineModel.load(reproduced.artifactPath());
    Dataset<Row> left = outputs(registered.transform(frame), spec.id(), "a");
    Dataset<Row> right = outputs(retrained.transform(frame), spec.id(), "b");
    Dataset<Row> joined = left.join(right, "_id");
    Column differs = not(col("a_prediction").eqNullSafe(col("b_prediction")))
        .or(not(col("a_probability").eqNullSafe(col("b_probability"))));
    Row r = joined.agg(
        count(lit(1)).as("compared"),
        sum(when(differs, 1L).otherwise(0L)).as("differing"),
        max(abs(col("a_prediction").minus(col("b_prediction")))).as("max_difference")).first();
    // sum and max are null over no rows: nothing compared, nothing differs.
    long compared = r.<Long>getAs("compared");
    Long differingOrNull = r.getAs("differing");
    Double maxDifferenceOrNull = r.getAs("max_difference");
    long differing = differingOrNull == null ? 0 : differingOrNull;
    double maxDiff = maxDifferenceOrNull == null ? 0.0 : maxDifferenceOrNull;
    return new Result(v, original, reproduced, dsv, dsv == v.datasetVersion(), specSource, configIdentical,
        codeVersion.equals(v.codeVersion()), metrics, slices, compared, differing, maxDiff);
  }

  private static Dataset<Row> outputs(Dataset<Row> scored, String id, String prefix) {
    boolean hasProbability = Arrays.asList(scored.columns()).contains("probability");
    return scored.select(
        col(id).cast("string").as("_id"),
        col("prediction").cast("double").as(prefix + "_prediction"),
        (hasProbability ? functions.vector_to_array(col("probability"), "float64") : lit(null).cast("array<double>"))
            .as(prefix + "_probability"));
  }

  private static List<Difference> differences(Map<String, Double> a, Map<String, Double> b, String prefix) {
    List<Difference> out = new ArrayList<>();
    for (String k : union(a.keySet(), b.keySet())) {
      Double x = a.get(k);
      Double y = b.get(k);
      // Bit for bit: Double.equals also holds NaN equal to NaN (an undefined metric stays undefined).
      if (x == null || !x.equals(y)) {
        out.add(new Difference(prefix + k, x, y));
      }
    }
    return out;
  }

  private static TreeSet<String> union(java.util.Set<String> a, java.util.Set<String> b) {
    TreeSet<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}
