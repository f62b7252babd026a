package dev.esteira.data;

import static org.apache.spark.sql.functions.*;

import dev.esteira.EsteiraException;
import dev.esteira.config.Json;
import dev.esteira.lake.Fingerprints;
import dev.esteira.lake.Lakehouse;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Versioned datasets. A dataset is a Delta table under {@code datasets/NAME}, one batch per value of its
 * {@code _batch} partition column. Ingesting a batch checks it against the contract and, if it passes,
 * replaces that batch in one commit: that commit is the batch's dataset version, recorded in
 * {@code dataset_versions}. Ingesting the same content again changes nothing.
 */
public final class Datasets {
  public static final String BATCH_COLUMN = "_batch";
  private static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]*";

  private final Lakehouse lake;

  public Datasets(Lakehouse lake) {
    this.lake = lake;
  }

  /** What an ingest did: the version that now holds the batch, and whether it was new. */
  public record IngestResult(DatasetVersion version, boolean unchanged) {}

  public IngestResult ingest(DatasetSpec spec, String path, String format, String batch) {
    requireName("batch", batch);
    String fmt = format == null ? spec.format() : format;
    Dataset<Row> raw = BatchReader.read(lake.spark(), path, fmt);
    Dataset<Row> typed;
    Fingerprints.ContentFingerprint content;
    try {
      typed = ContractCheck.apply(spec, raw, batch);
      content = Fingerprints.content(typed);
    } catch (EsteiraException e) {
      throw e;
    } catch (Exception e) {
      // Malformed input surfaces only when Spark reads it, as a SparkException (undeclared in Java).
      throw BatchReader.unreadable(path, fmt, e);
    }
    String schemaFingerprint = Fingerprints.schema(typed);
    Optional<DatasetVersion> current = latest(spec.name(), batch);
    if (current.isPresent()
        && current.get().contentFingerprint().equals(content.hash())
        && current.get().schemaFingerprint().equals(schemaFingerprint)) {
      return new IngestResult(current.get(), true);
    }

    String table = lake.datasetPath(spec.name());
    Dataset<Row> rows = typed.withColumn(BATCH_COLUMN, lit(batch));
    if (!lake.isDeltaTable(table)) {
      Lakehouse.withRetry(
          "create dataset " + spec.name(),
          () ->
              DeltaTable.createIfNotExists(lake.spark())
                  .location(table)
                  .addColumns(rows.schema())
                  .partitionedBy(BATCH_COLUMN)
                  .comment(spec.description())
                  .execute());
    }
    Lakehouse.withRetry(
        "write batch " + batch + " of " + spec.name(),
        () -> {
          rows.write()
              .format("delta")
              .mode("overwrite")
              .option("replaceWhere", BATCH_COLUMN + " = '" + batch + "'")
              .save(table);
          return null;
        });
    long version = lastVersionWriting(table, batch);
    DatasetVersion recorded =
        new DatasetVersion(
            spec.name(), version, batch, null, content.rows(), schemaFingerprint, content.hash(), path,
            fmt, "passed", null, null, Timestamp.from(Instant.now()));
    lake.upsert(DatasetTables.DATASET_VERSIONS, List.of(recorded.toRow()));
    return new IngestResult(recorded, false);
  }

  /**
   * The newest commit of the table that wrote this batch (a concurrent writer may have come after). An
   * empty batch replacing nothing makes no commit: it is held by the version that is current.
   */
  private long lastVersionWriting(String table, String batch) {
    List<Row> history =
        DeltaTable.forPath(lake.spark(), table)
            .history(20)
            .select("version", "operationParameters")
            .collectAsList();
    String needle = "'" + batch + "'";
    for (Row r : history) {
      Map<String, String> params = r.getJavaMap(1);
      String predicate = params == null ? null : String.valueOf(params.get("predicate"));
      if (predicate != null && predicate.contains(needle)) {
        return r.getLong(0);
      }
    }
    return history.get(0).getLong(0);
  }

  /** All versions of a dataset, newest first (or of every dataset when {@code dataset} is null). */
  public List<DatasetVersion> versions(String dataset) {
    Dataset<Row> all = lake.read(DatasetTables.DATASET_VERSIONS);
    if (dataset != null) {
      all = all.where(col("dataset").equalTo(dataset));
    }
    List<DatasetVersion> out = new ArrayList<>();
    for (Row r : all.collectAsList()) {
      out.add(DatasetVersion.of(r));
    }
    out.sort(
        Comparator.comparing(DatasetVersion::dataset)
            .thenComparing(DatasetVersion::version, Comparator.reverseOrder()));
    return out;
  }

  /** The version that holds the batch now. */
  public Optional<DatasetVersion> latest(String dataset, String batch) {
    return versions(dataset).stream().filter(v -> v.batch().equals(batch)).findFirst();
  }

  public DatasetVersion version(String dataset, long version) {
    return versions(dataset).stream()
        .filter(v -> v.version() == version)
        .findFirst()
        .orElseThrow(() -> new EsteiraException(unknownVersion(dataset, String.valueOf(version))));
  }

  public DatasetVersion tagged(String dataset, String tag) {
    return versions(dataset).stream()
        .filter(v -> tag.equals(v.tag()))
        .findFirst()
        .orElseThrow(() -> new EsteiraException(unknownVersion(dataset, "tag '" + tag + "'")));
  }

  private String unknownVersion(String dataset, String what) {
    List<DatasetVersion> known = versions(dataset);
    if (known.isEmpty()) {
      return "unknown dataset '" + dataset + "': nothing ingested yet";
    }
    return "dataset '" + dataset + "' has no version " + what + " (versions: "
        + known.stream().map(v -> v.version() + (v.tag() == null ? "" : "#" + v.tag())).toList() + ")";
  }

  /** Names a version; a tag names one version at a time, so it moves from wherever it was. */
  public DatasetVersion tag(String dataset, long version, String tag) {
    requireName("tag", tag);
    DatasetVersion target = version(dataset, version);
    List<Row> changes = new ArrayList<>();
    for (DatasetVersion v : versions(dataset)) {
      if (tag.equals(v.tag()) && v.version() != version) {
        changes.add(v.withTag(null).toRow());
      }
    }
    DatasetVersion tagged = target.withTag(tag);
    for (DatasetVersion v : versions(dataset)) {
      // Rows of empty batches may share the version: they describe the same table state.
      if (v.version() == version) {
        changes.add(v.withTag(tag).toRow());
      }
    }
    lake.upsert(DatasetTables.DATASET_VERSIONS, changes);
    return tagged;
  }

  /** A batch as it was written, read at its own version; the batch column is dropped. */
  public VersionedFrame readBatch(String dataset, String batch) {
    DatasetVersion v =
        latest(dataset, batch)
            .orElseThrow(
                () ->
                    new EsteiraException(
                        "dataset '" + dataset + "' has no batch '" + batch + "'"
                            + (versions(dataset).isEmpty() ? ": nothing ingested yet" : "")));
    Dataset<Row> frame =
        readVersion(dataset, v.version()).where(col(BATCH_COLUMN).equalTo(batch)).drop(BATCH_COLUMN);
    return new VersionedFrame(frame, v);
  }

  /** The whole dataset (every batch) exactly as of a version. */
  public Dataset<Row> readVersion(String dataset, long version) {
    return lake.spark()
        .read()
        .format("delta")
        .option("versionAsOf", version)
        .load(lake.datasetPath(dataset));
  }

  public record VersionedFrame(Dataset<Row> frame, DatasetVersion version) {}

  /** Runs the dataset's expectations on a batch and records the results with its version. */
  public ExpectationReport validate(DatasetSpec spec, String batch) {
    VersionedFrame vf = readBatch(spec.name(), batch);
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)));
    for (DatasetSpec.Expectation e : spec.expectations()) {
      switch (e.check()) {
        case "unique" -> aggs.add(count(col(e.column())).minus(countDistinct(col(e.column()))));
        case "completeness" -> aggs.add(count(col(e.column())).divide(greatest(count(lit(1)), lit(1))));
        case "mean" -> aggs.add(avg(col(e.column())));
        default -> aggs.add(count(lit(1)));
      }
    }
    Row r = vf.frame().agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    List<ExpectationReport.Result> results = new ArrayList<>();
    for (int i = 0; i < spec.expectations().size(); i++) {
      DatasetSpec.Expectation e = spec.expectations().get(i);
      Object raw = r.get(i + 1);
      Double value = raw == null ? null : ((Number) raw).doubleValue();
      boolean passed;
      if (e.check().equals("unique")) {
        passed = value != null && value == 0;
      } else {
        passed =
            value != null
                && (e.min() == null || value >= e.min())
                && (e.max() == null || value <= e.max());
      }
      results.add(new ExpectationReport.Result(e.describe(), e.check(), e.column(), value, passed));
    }
    ExpectationReport report = new ExpectationReport(spec.name(), batch, vf.version().version(), results);
    Map<String, Object> quality = new LinkedHashMap<>();
    quality.put("expectations", results);
    lake.upsert(
        DatasetTables.DATASET_VERSIONS,
        List.of(vf.version().withQuality(report.passed() ? "passed" : "failed", Json.write(quality)).toRow()));
    return report;
  }

  static void requireName(String what, String value) {
    if (value == null || !value.matches(NAME_PATTERN)) {
      throw new EsteiraException(
          "bad " + what + " name '" + value + "': use letters, digits, '_', '.' and '-'");
    }
  }
}
