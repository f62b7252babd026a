package dev.esteira.registry;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

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

  /**
   * A new registration of {@code model} version {@code version}, in stage none with no alias, tag or
   * description yet: its lineage is set by name, so no caller counts positions.
   */
  public static Registration registration(String model, int version) {
    return new Registration(model, version);
  }

  /** Builds a registered version: each setter names the part of the lineage it records. */
  public static final class Registration {
    private final String model;
    private final int version;
    private String runId;
    private String artifactPath;
    private String artifactSha256;
    private Map<String, Double> metrics = Map.of();
    private String dataset;
    private Long datasetVersion;
    private String batch;
    private String configHash;
    private String codeVersion;
    private Timestamp createdAt;

    private Registration(String model, int version) {
      this.model = model;
      this.version = version;
    }

    /** The training run the version comes from and the metrics it measured. */
    public Registration run(String newRunId, Map<String, Double> newMetrics) {
      this.runId = newRunId;
      this.metrics = newMetrics;
      return this;
    }

    /** Where the registered copy of the pipeline is, and the SHA-256 of its files. */
    public Registration artifact(String path, String sha256) {
      this.artifactPath = path;
      this.artifactSha256 = sha256;
      return this;
    }

    /** The data it was trained on: a dataset, its Delta version and the batch it was read as. */
    public Registration trainedOn(String newDataset, Long newDatasetVersion, String newBatch) {
      this.dataset = newDataset;
      this.datasetVersion = newDatasetVersion;
      this.batch = newBatch;
      return this;
    }

    /** The configuration and code that trained it. */
    public Registration builtBy(String newConfigHash, String newCodeVersion) {
      this.configHash = newConfigHash;
      this.codeVersion = newCodeVersion;
      return this;
    }

    public Registration createdAt(Timestamp at) {
      this.createdAt = at;
      return this;
    }

    public ModelVersion build() {
      return new ModelVersion(model, version, runId, artifactPath, artifactSha256, metrics, dataset, datasetVersion,
          batch, configHash, codeVersion, createdAt, Stage.NONE, List.of(), Map.of(), null);
    }
  }

  ModelVersion withState(Stage newStage, List<String> newAliases, Map<String, String> newTags, String newDescription) {
    return new ModelVersion(model, version, runId, artifactPath, artifactSha256, metrics, dataset,
        datasetVersion, batch, configHash, codeVersion, createdAt, newStage, newAliases, newTags, newDescription);
  }

  ModelVersion inStage(Stage newStage) {
    return withState(newStage, aliases, tags, description);
  }
}
