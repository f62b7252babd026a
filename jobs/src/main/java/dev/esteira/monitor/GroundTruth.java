package dev.esteira.monitor;

import static org.apache.spark.sql.functions.*;

import dev.esteira.EsteiraException;
import dev.esteira.data.DatasetVersion;
import dev.esteira.data.Datasets;
import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.ModelSpec;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Performance on ground truth: the stored predictions of a model (every version, every scored batch)
 * joined by id to the labels that have arrived, measured by the task, compared with each version's
 * validation metrics, and written to {@code performance} as one keyed replace. A label that arrives late
 * (or is corrected by a later batch of the labels dataset: the latest ingested wins) updates the rows of
 * the batches it concerns; recomputing what did not change writes the same values.
 */
public final class GroundTruth {
  private final Lakehouse lake;
  private final TaskPerformance task;

  public GroundTruth(Lakehouse lake, TaskPerformance task) {
    this.lake = lake;
    this.task = task;
  }

  /** When realized (or estimated) performance is an alert: a drop below validation by more than {@code maxDrop}. */
  public record Decay(Map<String, Double> maxDrop, long minLabelled) {
    public Decay {
      maxDrop = Map.copyOf(maxDrop);
    }
  }

  public record Result(List<TaskPerformance.Measured> measured, List<Alert> alerts, int rows) {
    /** Whether any labelled batch decayed (an estimate alone never says so). */
    public boolean decayed() {
      return alerts.stream().anyMatch(Alert::isRealizedDecay);
    }
  }

  /** The labels that have arrived, one per id: {@code row_id}, {@code label} (double). */
  public Dataset<Row> labels(String labelsDataset, String idColumn, String labelColumn) {
    Datasets datasets = new Datasets(lake);
    List<DatasetVersion> versions = datasets.versions(labelsDataset);
    if (versions.isEmpty()) {
      return lake.spark().emptyDataFrame().select(lit(null).cast("string").as("row_id"), lit(null).cast("double").as("label"));
    }
    List<Row> order = new ArrayList<>();
    for (DatasetVersion v : versions) {
      order.add(org.apache.spark.sql.RowFactory.create(v.batch(), v.version()));
    }
    Dataset<Row> arrival = lake.spark().createDataFrame(order,
        new org.apache.spark.sql.types.StructType().add("b", "string").add("v", "long"));
    Dataset<Row> all = datasets.readVersion(labelsDataset, versions.stream().mapToLong(DatasetVersion::version).max().getAsLong());
    for (String c : List.of(idColumn, labelColumn)) {
      if (!List.of(all.columns()).contains(c)) {
        throw new EsteiraException("labels dataset '" + labelsDataset + "' has no column '" + c + "'");
      }
    }
    return all.join(arrival, all.col(Datasets.BATCH_COLUMN).equalTo(arrival.col("b")))
        .where(col(labelColumn).isNotNull())
        .groupBy(col(idColumn).cast("string").as("row_id"))
        .agg(max_by(col(labelColumn).cast("double"), col("v")).as("label"));
  }

  /**
   * Scored rows ({@code version}, {@code batch}, {@code row_id}, {@code prediction}, {@code probability}:
   * the {@code scoring} package's {@code PredictionStore.scored}) with their labels, where arrived.
   */
  public Dataset<Row> joined(Dataset<Row> scored, Dataset<Row> labels) {
    return scored.join(labels, scored.col("row_id").equalTo(labels.col("row_id")), "left").drop(labels.col("row_id"));
  }

  /**
   * Measures the scored rows of {@code spec}'s model (of {@code batch} only when not null: {@code scored}
   * holds those rows) and replaces what was measured for them.
   */
  public Result evaluate(ModelSpec spec, Dataset<Row> scored, String labelsDataset, String batch, Decay decay) {
    Registry registry = new Registry(lake);
    Map<Integer, ModelVersion> versions = new HashMap<>();
    registry.versions(spec.name()).forEach(v -> versions.put(v.version(), v));
    Calibrations calibrations = new Calibrations(lake);
    Map<Integer, Calibration> calibrationByVersion = new HashMap<>();
    Dataset<Row> joined = joined(scored, labels(labelsDataset, spec.id(), spec.label()));
    List<TaskPerformance.Measured> measured = task.measure(joined, v -> calibrationByVersion.computeIfAbsent(v, k -> {
      ModelVersion mv = versions.get(k);
      return mv == null ? null : calibrations.of(spec, mv);
    }));
    Timestamp now = Timestamp.from(Instant.now());
    List<PerformanceStore.Performance> rows = new ArrayList<>();
    List<Alert> alerts = new ArrayList<>();
    for (TaskPerformance.Measured m : measured) {
      ModelVersion v = versions.get(m.version());
      for (Map.Entry<String, Double> e : m.metrics().entrySet()) {
        Double reference = v == null ? null : v.metrics().get(e.getKey());
        Double drop = decay.maxDrop().get(e.getKey());
        // Decay is a move away from the metric's better side: down for AUC or R², up for an error.
        boolean lowerIsBetter = spec.task().metric(e.getKey()).map(dev.esteira.ml.Metric::lowerIsBetter).orElse(false);
        Double threshold = reference != null && drop != null ? (lowerIsBetter ? reference + drop : reference - drop) : null;
        double value = e.getValue();
        boolean enough = m.kind().equals(PerformanceTables.ESTIMATED) || m.labelled() >= decay.minLabelled();
        boolean alerting = threshold != null && enough && !Double.isNaN(value)
            && (lowerIsBetter ? value > threshold : value < threshold);
        if (alerting) {
          Alert.Kind kind = m.kind().equals(PerformanceTables.REALIZED) ? Alert.Kind.REALIZED_DECAY : Alert.Kind.ESTIMATED_DECAY;
          alerts.add(new Alert(kind, spec.name() + " v" + m.version(), m.batch(), e.getKey(), null, value, threshold,
              String.format(Locale.ROOT, "%s decay of %s v%d on batch %s: %s %s = %.4f %s %.4f (validation %.4f %s %.2f; %d labelled)",
              m.kind(), spec.name(), m.version(), m.batch(), m.kind(), e.getKey(), value,
              lowerIsBetter ? "above" : "below", threshold, reference, lowerIsBetter ? "+" : "-", drop, m.labelled()),
              m.version()));
        }
        rows.add(new PerformanceStore.Performance(spec.name(), m.version(), m.batch(), m.kind(), e.getKey(),
            Double.isNaN(value) ? null : value, m.labelled(), m.predictions(), reference, threshold, alerting, now));
      }
    }
    new PerformanceStore(lake).replace(spec.name(), batch, rows);
    return new Result(measured, alerts, rows.size());
  }
}
