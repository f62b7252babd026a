package dev.esteira.data;

import dev.esteira.lake.Rows;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

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
    List<ExpectationReport.Result> quality,
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
        quality(r),
        r.getAs("created_at"));
  }

  private static List<ExpectationReport.Result> quality(Row r) {
    if (r.isNullAt(r.fieldIndex("quality"))) {
      return null;
    }
    List<ExpectationReport.Result> out = new ArrayList<>();
    for (Row q : r.<Row>getList(r.fieldIndex("quality"))) {
      out.add(new ExpectationReport.Result(
          q.getAs("expectation"), q.getAs("check"), q.getAs("column"), q.getAs("value"), q.<Boolean>getAs("passed")));
    }
    return out;
  }

  Row toRow() {
    List<Row> results = null;
    if (quality != null) {
      results = new ArrayList<>();
      for (ExpectationReport.Result q : quality) {
        results.add(RowFactory.create(q.expectation(), q.check(), q.column(), q.value(), q.passed()));
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dataset", dataset);
    m.put("version", version);
    m.put("batch", batch);
    m.put("tag", tag);
    m.put("row_count", rowCount);
    m.put("schema_fingerprint", schemaFingerprint);
    m.put("content_fingerprint", contentFingerprint);
    m.put("source", source);
    m.put("format", format);
    m.put("contract_status", contractStatus);
    m.put("expectations_status", expectationsStatus);
    m.put("quality", results);
    m.put("created_at", createdAt);
    return Rows.of(DatasetTables.DATASET_VERSIONS.schema(), m);
  }

  DatasetVersion withTag(String newTag) {
    return new DatasetVersion(dataset, version, batch, newTag, rowCount, schemaFingerprint,
        contentFingerprint, source, format, contractStatus, expectationsStatus, quality, createdAt);
  }

  DatasetVersion withQuality(String status, List<ExpectationReport.Result> results) {
    return new DatasetVersion(dataset, version, batch, tag, rowCount, schemaFingerprint,
        contentFingerprint, source, format, contractStatus, status, results, createdAt);
  }
}
