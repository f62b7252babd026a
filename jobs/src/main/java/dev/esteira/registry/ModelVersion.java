package dev.esteira.registry;

import dev.esteira.lake.Rows;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * A registered model version: what was registered (one row of {@code models}, never changed) and its
 * current state (stage, aliases, tags, description), derived from {@code model_transitions}.
 */
public record ModelVersion(
    String model,
    int version,
    String runId,
    String artifactPath,
    String artifactSha256,
    Map<String, Double> metrics,
    String dataset,
    Long datasetVersion,
    String batch,
    String configHash,
    String codeVersion,
    Timestamp createdAt,
    Stage stage,
    List<String> aliases,
    Map<String, String> tags,
    String description) {

  public ModelVersion {
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  /** A registration row, in stage none with no alias, tag or description yet. */
  static ModelVersion registered(Row r) {
    Map<String, Double> metrics = r.getJavaMap(r.fieldIndex("metrics"));
    return new ModelVersion(
        r.getAs("model"), r.<Integer>getAs("version"), r.getAs("run_id"), r.getAs("artifact_path"),
        r.getAs("artifact_sha256"), metrics, r.getAs("dataset"), r.getAs("dataset_version"),
        r.getAs("batch"), r.getAs("config_hash"), r.getAs("code_version"), r.getAs("created_at"),
        Stage.NONE, List.of(), Map.of(), null);
  }

  Row toRow() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("version", version);
    m.put("run_id", runId);
    m.put("artifact_path", artifactPath);
    m.put("artifact_sha256", artifactSha256);
    m.put("metrics", scala.collection.JavaConverters.mapAsScalaMap(metrics));
    m.put("dataset", dataset);
    m.put("dataset_version", datasetVersion);
    m.put("batch", batch);
    m.put("config_hash", configHash);
    m.put("code_version", codeVersion);
    m.put("created_at", createdAt);
    return Rows.of(RegistryTables.MODELS.schema(), m);
  }

  ModelVersion withState(Stage newStage, List<String> newAliases, Map<String, String> newTags, String newDescription) {
    return new ModelVersion(model, version, runId, artifactPath, artifactSha256, metrics, dataset,
        datasetVersion, batch, configHash, codeVersion, createdAt, newStage, newAliases, newTags, newDescription);
  }

  ModelVersion inStage(Stage newStage) {
    return withState(newStage, aliases, tags, description);
  }
}
