package dev.esteira.registry;

import java.sql.Timestamp;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** One row of {@code models}: a registered model version. */
public record ModelVersion(
    String model,
    int version,
    String runId,
    String artifactPath,
    String artifactSha256,
    Stage stage,
    Map<String, Double> metrics,
    String dataset,
    Long datasetVersion,
    String batch,
    String configHash,
    String codeVersion,
    Timestamp createdAt,
    Timestamp updatedAt) {

  static ModelVersion of(Row r) {
    Map<String, Double> metrics = r.getJavaMap(r.fieldIndex("metrics"));
    return new ModelVersion(
        r.getAs("model"), r.<Integer>getAs("version"), r.getAs("run_id"), r.getAs("artifact_path"),
        r.getAs("artifact_sha256"), Stage.parse(r.getAs("stage")),
        metrics == null ? Map.of() : Map.copyOf(metrics), r.getAs("dataset"),
        r.getAs("dataset_version"), r.getAs("batch"), r.getAs("config_hash"), r.getAs("code_version"),
        r.getAs("created_at"), r.getAs("updated_at"));
  }

  Row toRow() {
    return RowFactory.create(
        model, version, runId, artifactPath, artifactSha256, stage.label(), metrics, dataset,
        datasetVersion, batch, configHash, codeVersion, createdAt, updatedAt);
  }

  ModelVersion inStage(Stage newStage, Timestamp at) {
    return new ModelVersion(model, version, runId, artifactPath, artifactSha256, newStage, metrics,
        dataset, datasetVersion, batch, configHash, codeVersion, createdAt, at);
  }
}
