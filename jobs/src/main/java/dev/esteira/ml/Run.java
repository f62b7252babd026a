package dev.esteira.ml;

import java.sql.Timestamp;
import java.util.Map;

/** One row of {@code runs}. */
public record Run(
    String runId,
    String model,
    String kind,
    String status,
    String estimator,
    String params,
    Map<String, Double> metrics,
    Map<String, Map<String, Double>> sliceMetrics,
    String dataset,
    Long datasetVersion,
    String batch,
    Long trainRows,
    Long holdoutRows,
    String configHash,
    String codeVersion,
    Long seed,
    String sparkVersion,
    String artifactPath,
    String error,
    Timestamp startedAt,
    Timestamp endedAt,
    Long durationMs) {}
