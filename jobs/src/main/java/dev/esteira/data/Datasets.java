package dev.esteira.data;

import static org.apache.spark.sql.functions.*;

import dev.esteira.EsteiraException;
import dev.esteira.config.Json;
import dev.esteira.lake.CrashPoints;
import dev.esteira.lake.Fingerprints;
import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.Match;
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
  /** What a batch or tag name may be; public so a job declares it as its parameter's rule, checked at planning. */
  public static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]*";

  /** The input formats an ingest reads (any case), for the ingest job's parameter rule. */
  public static final java.util.List<String> INPUT_FORMATS = BatchReader.FORMATS;

  private final Lakehouse lake;

  public Datasets(Lakehouse lake) {
    this.lake = lake;
  }

  /**
   * What an ingest did: the version that now holds the batch, whether it was new, and what the work
   * along its contract pass folded (null when none was given).
   */
  public record IngestResult(DatasetVersion version, boolean unchanged, byte[] along) {}

  public IngestResult ingest(DatasetSpec spec, String path, String format, String batch) {
    return ingest(spec, path, format, batch, null);
  }

  /**
   * Checks a batch against its contract and writes it as the dataset's next version (or finds it
   * unchanged), reading it once for the check and once for the write; {@code along} (may be null)
   * folds the typed rows in the check's pass.
   */
  public IngestResult ingest(DatasetSpec spec, String path, String format, String batch, PassAlong along) {
    requireName("batch", batch);
    String fmt = format == null ? spec.format() : format;
    Dataset<Row> raw = BatchReader.read(lake.spark(), path, fmt);
    Dataset<Row> typed;
    Fingerprints.ContentFingerprint content;
    byte[] folded;
    try {
      ContractCheck.Checked checked = ContractCheck.apply(spec, raw, batch, along);
      typed = checked.typed();
      content = checked.content();
      folded = checked.along();
    } catch (EsteiraException e) {
      throw e;
    } catch (Exception e) {
      // Malformed input surfaces only when Spark reads it, as a SparkException (undeclared in Java).
      throw BatchReader.unreadable(path, fmt, e);
    }
    String schemaFingerprint = Fingerprints.schema(typed);
    String table = lake.datasetPath(spec.name());
    // One read of dataset_versions serves both the healing and the question "is this batch new?".
    Optional<DatasetVersion> current = holding(recordUnrecordedIngests(spec.name()), batch);
    if (current.isPresent()
        && current.get().contentFingerprint().equals(content.hash())
        && current.get().schemaFingerprint().equals(schemaFingerprint)) {
      return new IngestResult(current.get(), true, folded);
    }

    Dataset<Row> rows = typed.withColumn(BATCH_COLUMN, lit(batch));
    lake.createUnlessExists("create dataset " + spec.name(), table, () -> lake.isDeltaTable(table), () ->
        DeltaTable.createIfNotExists(lake.spark())
            .location(table)
            .addColumns(rows.schema())
            .partitionedBy(BATCH_COLUMN)
            .comment(spec.description())
            .execute());
    // The commit carries what dataset_versions records about it, so that a crash between this commit
    // and that record is healed by the next ingest of the dataset (recordUnrecordedIngests).
    IngestRecord record = new IngestRecord(batch, content.rows(), schemaFingerprint, content.hash(), path, fmt,
        java.util.UUID.randomUUID().toString());
    String marker = record.marker();
    Lakehouse.withRetry(
        "write batch " + batch + " of " + spec.name(),
        () -> {
          Lakehouse.overwritingWhere(rows.write().format("delta"), BATCH_COLUMN, batch)
              .option("userMetadata", marker)
              .save(table);
          return null;
        });
    CrashPoints.reach("ingest.after-dataset-commit");
    long version = versionCommitted(table, marker);
    DatasetVersion recorded = record.toVersion(spec.name(), version, Timestamp.from(Instant.now()));
    lake.upsert(DatasetTables.DATASET_VERSIONS, List.of(recorded.toRow()));
    return new IngestResult(recorded, false, folded);
  }

  /** What an ingest commit of a dataset table carries in its user metadata. */
  record IngestRecord(String batch, long rows, String schemaFingerprint, String contentFingerprint, String source,
      String format, String op) {
    static final String PREFIX = "esteira-ingest ";

    String marker() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("batch", batch);
      m.put("rows", rows);
      m.put("schema_fingerprint", schemaFingerprint);
      m.put("content_fingerprint", contentFingerprint);
      m.put("source", source);
      m.put("format", format);
      m.put("op", op);
      return PREFIX + Json.write(m);
    }

    @SuppressWarnings("unchecked")
    static IngestRecord parse(String marker) {
      Map<String, Object> m = Json.read(marker.substring(PREFIX.length()), Map.class);
      return new IngestRecord((String) m.get("batch"), ((Number) m.get("rows")).longValue(),
          (String) m.get("schema_fingerprint"), (String) m.get("content_fingerprint"), (String) m.get("source"),
          (String) m.get("format"), (String) m.get("op"));
    }

    DatasetVersion toVersion(String dataset, long version, Timestamp at) {
      return new DatasetVersion(dataset, version, batch, null, rows, schemaFingerprint, contentFingerprint, source,
          format, "passed", null, null, at);
    }
  }

  /**
   * The version of the commit carrying {@code marker}. An empty batch replacing nothing makes no commit:
   * it is held by the version that is current.
   */
  private long versionCommitted(String table, String marker) {
    List<Row> history = DeltaTable.forPath(lake.spark(), table).history(100).select("version", "userMetadata").collectAsList();
    for (Row r : history) {
      if (marker.equals(r.getAs("userMetadata"))) {
        return r.<Long>getAs("version");
      }
    }
    return history.get(0).<Long>getAs("version");
  }

  /**
   * Records in {@code dataset_versions} every ingest commit of the dataset that is not recorded there: a
   * process killed between the two commits of an ingest left one. Reads only recent history. Returns the
   * dataset's versions as now recorded, newest first.
   */
  private List<DatasetVersion> recordUnrecordedIngests(String dataset) {
    String table = lake.datasetPath(dataset);
    if (!lake.isDeltaTable(table)) {
      return List.of();
    }
    List<DatasetVersion> known = new ArrayList<>(versions(dataset));
    java.util.Set<Long> recorded = new java.util.HashSet<>();
    known.forEach(v -> recorded.add(v.version()));
    List<DatasetVersion> missing = new ArrayList<>();
    for (Row r : DeltaTable.forPath(lake.spark(), table).history(100)
        .select("version", "userMetadata", "timestamp").collectAsList()) {
      String meta = r.getAs("userMetadata");
      long version = r.<Long>getAs("version");
      if (meta != null && meta.startsWith(IngestRecord.PREFIX) && !recorded.contains(version)) {
        IngestRecord rec = IngestRecord.parse(meta);
        missing.add(rec.toVersion(dataset, version, r.getAs("timestamp")));
      }
    }
    if (missing.isEmpty()) {
      return known;
    }
    lake.upsert(DatasetTables.DATASET_VERSIONS, missing.stream().map(DatasetVersion::toRow).toList());
    known.addAll(missing);
    known.sort(Comparator.comparing(DatasetVersion::version, Comparator.reverseOrder()));
    return known;
  }

  /** All versions of a dataset, newest first (or of every dataset when {@code dataset} is null). */
  public List<DatasetVersion> versions(String dataset) {
    Match which = Match.on(DatasetTables.DATASET_VERSIONS);
    List<DatasetVersion> out = new ArrayList<>();
    for (Row r : lake.rows(dataset == null ? which : which.eq("dataset", dataset))) {
      out.add(DatasetVersion.of(r));
    }
    out.sort(
        Comparator.comparing(DatasetVersion::dataset)
            .thenComparing(DatasetVersion::version, Comparator.reverseOrder()));
    return out;
  }

  /** The version that holds the batch now. */
  public Optional<DatasetVersion> latest(String dataset, String batch) {
    return holding(versions(dataset), batch);
  }

  /** The version that holds the batch now, or a one-line error. */
  private DatasetVersion versionHolding(String dataset, String batch) {
    return latest(dataset, batch)
        .orElseThrow(
            () ->
                new EsteiraException(
                    "dataset '" + dataset + "' has no batch '" + batch + "'"
                        + (versions(dataset).isEmpty() ? ": nothing ingested yet" : "")));
  }

  /** Of a dataset's versions (newest first), the one that holds the batch now. */
  private static Optional<DatasetVersion> holding(List<DatasetVersion> newestFirst, String batch) {
    return newestFirst.stream().filter(v -> v.batch().equals(batch)).findFirst();
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

  /**
   * Names a version; a tag names one version at a time, so it moves from wherever it was. Decided on
   * the table as of one Delta version and committed only if no other tagging of the dataset committed
   * since (see {@link Lakehouse#commitSequenced}).
   */
  public DatasetVersion tag(String dataset, long version, String tag) {
    requireName("tag", tag);
    version(dataset, version);
    return lake.commitSequenced(DatasetTables.DATASET_VERSIONS, "tag:" + dataset, "tag " + dataset, () -> {
      long read = lake.currentVersion(DatasetTables.DATASET_VERSIONS);
      List<DatasetVersion> all = new ArrayList<>();
      for (Row r : lake.rowsAt(Match.on(DatasetTables.DATASET_VERSIONS).eq("dataset", dataset), read)) {
        all.add(DatasetVersion.of(r));
      }
      List<Row> changes = new ArrayList<>();
      DatasetVersion tagged = null;
      for (DatasetVersion v : all) {
        if (tag.equals(v.tag()) && v.version() != version) {
          changes.add(v.withTag(null).toRow());
        } else if (v.version() == version) {
          // Rows of empty batches may share the version: they describe the same table state.
          tagged = v.withTag(tag);
          if (!tag.equals(v.tag())) {
            changes.add(tagged.toRow());
          }
        }
      }
      if (changes.isEmpty()) {
        return Lakehouse.Decision.nothingToWrite(tagged);
      }
      return new Lakehouse.Decision<>(changes, read + 1, tagged, Lakehouse.keysOf(DatasetTables.DATASET_VERSIONS, changes));
    });
  }

  /**
   * Batches of at most this many rows are read by {@link #readBatchForRowWork} on the driver: the nightly
   * batches of a small model, whose Spark read (Delta state, a file scan job) cost more than their work.
   */
  public static final long LOCAL_READ_MAX_ROWS = 20_000;

  /**
   * A batch as {@link #readBatch} gives it, for work on each row or an aggregate of them (checking
   * expectations, scoring) whose result does not depend on the rows' order or partitioning: a small batch
   * comes from Delta Kernel into a frame on the driver, a large one as {@link #readBatch}. Not for a seeded
   * split (training), which must see the rows as Spark reads them.
   */
  public VersionedFrame readBatchForRowWork(String dataset, String batch) {
    return readBatchForRowWork(dataset, batch, LOCAL_READ_MAX_ROWS);
  }

  VersionedFrame readBatchForRowWork(String dataset, String batch, long localReadMaxRows) {
    DatasetVersion v = versionHolding(dataset, batch);
    if (v.rowCount() > localReadMaxRows) {
      return readBatch(dataset, batch);
    }
    Dataset<Row> frame = lake.localFrame(lake.datasetPath(dataset), v.version(), Map.of(BATCH_COLUMN, batch))
        .drop(BATCH_COLUMN);
    return new VersionedFrame(frame, v);
  }

  /** A batch as it was written, read at its own version; the batch column is dropped. */
  public VersionedFrame readBatch(String dataset, String batch) {
    DatasetVersion v = versionHolding(dataset, batch);
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
    VersionedFrame vf = readBatchForRowWork(spec.name(), batch);
    // Each expectation's value is its own named column of the one aggregate, read back by that name.
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)).as("rows"));
    for (int i = 0; i < spec.expectations().size(); i++) {
      DatasetSpec.Expectation e = spec.expectations().get(i);
      Column value = switch (e.check()) {
        case "unique" -> count(col(e.column())).minus(countDistinct(col(e.column())));
        case "completeness" -> count(col(e.column())).divide(greatest(count(lit(1)), lit(1)));
        case "mean" -> avg(col(e.column()));
        default -> count(lit(1));
      };
      aggs.add(value.as(expectationColumn(i)));
    }
    Row r = vf.frame().agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    List<ExpectationReport.Result> results = new ArrayList<>();
    for (int i = 0; i < spec.expectations().size(); i++) {
      DatasetSpec.Expectation e = spec.expectations().get(i);
      Object raw = r.getAs(expectationColumn(i));
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
    DatasetVersion checked = vf.version().withQuality(report.passed() ? "passed" : "failed", results);
    // A rerun that finds what is recorded already writes nothing (each write is a row of the key's history).
    if (!checked.equals(vf.version())) {
      lake.upsert(DatasetTables.DATASET_VERSIONS, List.of(checked.toRow()));
    }
    return report;
  }

  /** The aggregate column of the {@code i}-th expectation (not its column name, which may repeat). */
  private static String expectationColumn(int i) {
    return "expectation_" + i;
  }

  static void requireName(String what, String value) {
    if (value == null || !value.matches(NAME_PATTERN)) {
      throw new EsteiraException(
          "bad " + what + " name '" + value + "': use letters, digits, '_', '.' and '-'");
    }
  }
}
