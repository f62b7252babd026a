package dev.esteira.data;

import java.sql.Timestamp;
import org.apache.spark.sql.Row;

/** One row of {@code dataset_versions}. */
public record DatasetVersion(
    String dataset,
    long version,
    String batch,
    String tag,
    long rowCount,
    String schemaFingerprint,
    String contentFingerprint,
    String source,
    String format,
    String contractStatus,
    String expectationsStatus,
    String quality,
    Timestamp createdAt) {

  static DatasetVersion of(Row r) {
    return new DatasetVersion(
        r.getAs("dataset"),
        r.<Long>getAs("version"),
        r.getAs("batch"),
        r.getAs("tag"),
        r.<Long>getAs("row_count"),
        r.getAs("schema_fingerprint"),
        r.getAs("content_fingerprint"),
        r.getAs("source"),
        r.getAs("format"),
        r.getAs("contract_status"),
        r.getAs("expectations_status"),
        r.getAs("quality"),
        r.getAs("created_at"));
  }

  Row toRow() {
    return org.apache.spark.sql.RowFactory.create(
        dataset, version, batch, tag, rowCount, schemaFingerprint, contentFingerprint, source, format,
        contractStatus, expectationsStatus, quality, createdAt);
  }

  DatasetVersion withTag(String newTag) {
    return new DatasetVersion(dataset, version, batch, newTag, rowCount, schemaFingerprint,
        contentFingerprint, source, format, contractStatus, expectationsStatus, quality, createdAt);
  }

  DatasetVersion withQuality(String status, String qualityJson) {
    return new DatasetVersion(dataset, version, batch, tag, rowCount, schemaFingerprint,
        contentFingerprint, source, format, contractStatus, status, qualityJson, createdAt);
  }
}
