package dev.esteira.explain;

import static org.apache.spark.sql.functions.col;

import dev.esteira.EsteiraException;
import dev.esteira.Progress;
import dev.esteira.data.Datasets;
import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.ModelSpec;
import dev.esteira.ml.Run;
import dev.esteira.ml.Runs;
import dev.esteira.ml.Trainer;
import dev.esteira.registry.ModelVersion;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Global importances of a run's model: computed on its holdout when it is trained, or on a labelled batch. */
public final class Importances {
  private final Lakehouse lake;
  private final ImportanceStore store;
  private final Progress progress;

  public Importances(Lakehouse lake, Progress progress) {
    this.lake = lake;
    this.store = new ImportanceStore(lake);
    this.progress = progress;
  }

  /** The metric importance is measured with: the spec's tuning metric, or the task's default. */
  public static String metric(ModelSpec spec) {
    return spec.tuning() != null && spec.tuning().metric() != null ? spec.tuning().metric() : spec.task().defaultMetric();
  }

  /**
   * The run's importances on its holdout ({@code batch}: the rows it was trained from), computed and
   * stored unless they already are; empty for a task without a label.
   */
  public List<ImportanceStore.Entry> onHoldout(ModelSpec spec, Run run, Dataset<Row> batch) {
    if (!spec.task().supervised()) {
      return List.of();
    }
    List<ImportanceStore.Entry> stored = store.of(spec.name(), run.runId(), ImportanceStore.HOLDOUT);
    if (!stored.isEmpty()) {
      return stored;
    }
    PipelineModel model = PipelineModel.load(run.artifactPath());
    List<ImportanceStore.Entry> entries = GlobalImportance.compute(spec, model, Trainer.holdout(spec, batch),
        run.runId(), ImportanceStore.HOLDOUT, metric(spec), spec.split().seed());
    store.replace(spec.name(), run.runId(), ImportanceStore.HOLDOUT, entries);
    progress.report("feature importance of run " + run.runId() + " on its holdout: "
        + String.join(", ", entries.stream().limit(3).map(ImportanceStore.Entry::column).toList()) + " first");
    return entries;
  }

  /** A registered version's holdout importances, computed from its recorded training batch when missing. */
  public List<ImportanceStore.Entry> onHoldout(ModelSpec spec, ModelVersion v) {
    List<ImportanceStore.Entry> stored = store.of(spec.name(), v.runId(), ImportanceStore.HOLDOUT);
    if (!stored.isEmpty()) {
      return stored;
    }
    Run run = Runs.find(lake, v.runId()).orElseThrow(() -> new EsteiraException(
        spec.name() + " v" + v.version() + ": its run " + v.runId() + " is not in the runs table"));
    Dataset<Row> batch = new Datasets(lake).readVersion(v.dataset(), v.datasetVersion())
        .where(col(Datasets.BATCH_COLUMN).equalTo(v.batch())).drop(Datasets.BATCH_COLUMN);
    return onHoldout(spec, run, batch);
  }

  /** A version's importances on the labelled rows of a batch (sample = the batch's name), stored. */
  public List<ImportanceStore.Entry> onBatch(ModelSpec spec, ModelVersion v, Datasets.VersionedFrame data) {
    if (!java.util.Arrays.asList(data.frame().columns()).contains(spec.label())) {
      throw new EsteiraException("dataset '" + data.version().dataset() + "' batch '" + data.version().batch()
          + "' has no label column '" + spec.label() + "': importance needs labelled rows");
    }
    PipelineModel model = new dev.esteira.registry.Registry(lake).load(v);
    String sample = data.version().batch();
    List<ImportanceStore.Entry> entries = GlobalImportance.compute(spec, model, Trainer.labelled(spec, data.frame()),
        v.runId(), sample, metric(spec), spec.split().seed());
    store.replace(spec.name(), v.runId(), sample, entries);
    return entries;
  }
}
