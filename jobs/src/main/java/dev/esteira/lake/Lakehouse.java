package dev.esteira.lake;

import dev.esteira.EsteiraException;
import dev.esteira.Messages;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The lakehouse: a root folder (any Hadoop file system) holding the metadata tables, the dataset tables
 * under {@code datasets/} and the model artifacts under {@code artifacts/}. Every write here is one Delta
 * commit. Two kinds of write:
 *
 * <ul>
 *   <li>blind writes ({@link #append}, {@link #upsert}, {@link #replace}) whose rows do not depend on what
 *       was read: keyed so that a rerun replaces rows instead of adding them, and simply re-committed on a
 *       concurrent-commit conflict;
 *   <li>decisions ({@link #commitSequenced}): an operation that reads, decides and writes. It is retried
 *       from the read on any conflict, never by re-committing what it decided before.
 * </ul>
 */
public final class Lakehouse {
  private static final int MAX_ATTEMPTS = 5;
  /** A decision may lose to every other writer of its key once; eight writers need up to eight rounds. */
  private static final int MAX_DECISION_ATTEMPTS = 24;
  /** The table property that records the schema version, for people (the shape of the schema decides). */
  public static final String SCHEMA_VERSION_PROPERTY = "esteira.schema_version";

  /** Null for a metadata-only lakehouse (see {@link #metadataOnly}). */
  private final SparkSession spark;
  private final String root;
  /** The Spark-free reader of the metadata tables, used by every process (see {@link #rows(Match)}). */
  private final KernelReader kernel;
  /** The Spark-free writer of tables written by appends (see {@link MetaTable#newestBy()}). */
  private final KernelAppender appender;
  private final org.apache.hadoop.conf.Configuration hadoopConf;
  /** Tables seen to exist: they are never dropped, so asking Delta again would only cost a log listing. */
  private final java.util.Set<String> existing = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Metadata tables whose schema version was checked in this JVM. */
  private final java.util.Set<String> checked = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public Lakehouse(SparkSession spark, String root) {
    this(spark, root, spark.sparkContext().hadoopConfiguration());
  }

  private Lakehouse(SparkSession spark, String root, org.apache.hadoop.conf.Configuration hadoopConf) {
    this.spark = spark;
    this.root = qualifiedRoot(root, hadoopConf);
    this.kernel = new KernelReader(hadoopConf);
    this.appender = new KernelAppender(hadoopConf);
    this.hadoopConf = hadoopConf;
  }

  /** The Hadoop configuration this lakehouse's files are reached with (Spark's, when it has Spark). */
  public org.apache.hadoop.conf.Configuration hadoopConfiguration() {
    return hadoopConf;
  }

  /**
   * A lakehouse for commands that only read metadata: no SparkSession is started, every read goes
   * through Delta Kernel ({@link #rows(Match)}), and anything that needs Spark is a programming error.
   */
  public static Lakehouse metadataOnly(String root, org.apache.hadoop.conf.Configuration hadoopConf) {
    return new Lakehouse(null, root, hadoopConf);
  }

  /** Whether this lakehouse can run Spark jobs (false for {@link #metadataOnly}). */
  public boolean hasSpark() {
    return spark != null;
  }

  public SparkSession spark() {
    if (spark == null) {
      throw new IllegalStateException("this lakehouse reads metadata only: no SparkSession was started for it");
    }
    return spark;
  }

  public String root() {
    return root;
  }

  public String path(MetaTable table) {
    return root + "/" + table.name();
  }

  public String datasetPath(String dataset) {
    return root + "/datasets/" + dataset;
  }

  public String artifactsRoot() {
    return root + "/artifacts";
  }

  public boolean exists(MetaTable table) {
    return existsChecked(table);
  }

  public boolean isDeltaTable(String path) {
    if (existing.contains(path)) {
      return true;
    }
    boolean exists = spark == null ? kernel.latest(path).isPresent() : DeltaTable.isDeltaTable(spark, path);
    if (exists) {
      existing.add(path);
    }
    return exists;
  }

  /**
   * Whether the metadata table exists, checking once per JVM that it has the schema this code reads: a
   * table written by an older Esteira stops the command with the command that migrates it, never a
   * silent misread.
   */
  private boolean existsChecked(MetaTable table) {
    // Tables are never dropped: one seen and checked needs no other look at its log.
    return checked.contains(path(table)) || checkedSnapshot(table).isPresent();
  }

  /**
   * The table's latest snapshot (one listing of its log, read by Delta Kernel), its schema version
   * checked the first time this JVM sees it; empty when the table was never written.
   */
  private java.util.Optional<io.delta.kernel.Snapshot> checkedSnapshot(MetaTable table) {
    String path = path(table);
    java.util.Optional<io.delta.kernel.Snapshot> snapshot = kernel.latest(path);
    if (snapshot.isEmpty() || checked.contains(path)) {
      return snapshot;
    }
    existing.add(path);
    int version = schemaVersionOf(table, kernel.schema(snapshot.get()));
    if (version != table.schemaVersion()) {
      throw new EsteiraException(
          "lakehouse " + root + ": table '" + table.name() + "' has schema version " + version
              + ", this Esteira reads version " + table.schemaVersion()
              + ": run `esteira lakehouse migrate --lakehouse " + root.replaceFirst("^file:", "") + "` first");
    }
    checked.add(path);
    return snapshot;
  }

  /** The schema version of an existing table, recognised by its shape; 0 for a shape this code never wrote. */
  public int schemaVersionOf(MetaTable table) {
    return schemaVersionOf(table, kernel.schema(kernel.latest(path(table)).orElseThrow(
        () -> new EsteiraException("lakehouse " + root + ": no table '" + table.name() + "'"))));
  }

  private int schemaVersionOf(MetaTable table, StructType schema) {
    String actual = shape(schema);
    if (actual.equals(shape(table.schema()))) {
      return table.schemaVersion();
    }
    for (int i = table.migrations().size() - 1; i >= 0; i--) {
      if (actual.equals(shape(table.migrations().get(i).from()))) {
        return i + 1;
      }
    }
    throw new EsteiraException(
        "lakehouse " + root + ": table '" + table.name() + "' has a schema this Esteira does not know ("
            + actual + "); was it written by a newer Esteira?");
  }

  /** Column names and types, nullability left out (Delta may relax it). */
  private static String shape(StructType schema) {
    return schema.catalogString();
  }

  /** The table's current rows; an empty frame with the declared schema when it was never written. */
  public Dataset<Row> read(MetaTable table) {
    if (!exists(table)) {
      return spark().createDataFrame(new ArrayList<Row>(), table.schema());
    }
    return newest(table, spark().read().format("delta").load(path(table)));
  }

  /**
   * The rows of a metadata table that {@code match} selects, read without Spark (Delta Kernel): for the
   * few hundred rows of a registry, a run log or a batch's drift metrics this is a read of a few files,
   * where a Spark read is a job. {@code columns} limits what is read (all columns when none are given);
   * an empty list when the table was never written.
   */
  public List<Row> rows(Match match, String... columns) {
    return checkedSnapshot(match.table())
        .map(snapshot -> current(snapshot, match, readColumns(match.table(), columns)))
        .orElse(List.of());
  }

  /** The rows any of {@code matches} (all of one table) selects, from one snapshot of the table. */
  public List<Row> rowsOfAny(List<Match> matches, String... columns) {
    var found = matches.isEmpty() ? java.util.Optional.<io.delta.kernel.Snapshot>empty() : checkedSnapshot(matches.get(0).table());
    if (found.isEmpty()) {
      return List.of();
    }
    var snapshot = found.get();
    MetaTable table = matches.get(0).table();
    List<Row> out = new ArrayList<>();
    for (Match m : matches) {
      out.addAll(current(snapshot, m, readColumns(table, columns)));
    }
    return out;
  }

  /** Every row of a metadata table (see {@link #rows(Match, String...)}). */
  public List<Row> rows(MetaTable table, String... columns) {
    return rows(Match.on(table), columns);
  }

  /**
   * The rows of a data table (a dataset) as of a version where every column of {@code equalities} equals
   * its value, read through Delta Kernel into a frame held on the driver: no Delta state to reconstruct and
   * no file scan job, which for a batch of a few hundred rows is most of a read. For small reads only (the
   * rows are in this JVM's memory), and for work whose result does not depend on how rows are ordered and
   * partitioned: a seeded split of the same rows read by Spark can differ.
   */
  public Dataset<Row> localFrame(String path, long version, Map<String, Object> equalities) {
    io.delta.kernel.Snapshot snapshot = kernel.at(path, version);
    return spark().createDataFrame(kernel.rows(snapshot, equalities, List.of()), kernel.schema(snapshot));
  }

  /** The rows {@code match} selects as of a Delta version of its table (none before the first). */
  public List<Row> rowsAt(Match match, long version) {
    if (version < 0) {
      return List.of();
    }
    return current(kernel.at(path(match.table()), version), match, List.of());
  }

  /**
   * The current rows {@code match} selects in a snapshot. For a table written a partition at a time, which
   * write of a partition is the newest is decided over all of the partition's rows, not only the selected
   * ones (a newer write may have no row for the column a match names).
   */
  private List<Row> current(io.delta.kernel.Snapshot snapshot, Match match, List<String> columns) {
    MetaTable table = match.table();
    List<Row> rows = kernel.rows(snapshot, match.equalities(), columns);
    if (!table.newestWriteOfPartition()) {
      return newest(table, rows);
    }
    Map<String, Object> partitions = new java.util.LinkedHashMap<>(match.equalities());
    partitions.keySet().retainAll(table.partitionBy());
    List<Row> stamps = rows;
    if (partitions.size() != match.equalities().size()) {
      List<String> stampColumns = new ArrayList<>(table.partitionBy());
      stampColumns.add(table.newestBy());
      stamps = kernel.rows(snapshot, partitions, stampColumns);
    }
    return newestWrites(table, rows, stamps);
  }

  /**
   * The columns to read: those asked for, and for a table written by appends what finds a key's newest row
   * (or a partition's newest write).
   */
  private static List<String> readColumns(MetaTable table, String... columns) {
    if (columns.length == 0 || table.newestBy() == null) {
      return List.of(columns);
    }
    java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(List.of(columns));
    all.addAll(table.newestWriteOfPartition() ? table.partitionBy() : table.keys());
    all.add(table.newestBy());
    return List.copyOf(all);
  }

  /** For a table written by appends, the newest row of each key (rows with no stamp are the oldest). */
  static List<Row> newest(MetaTable table, List<Row> rows) {
    if (table.newestBy() == null) {
      return rows;
    }
    if (table.newestWriteOfPartition()) {
      return newestWrites(table, rows, rows);
    }
    java.util.Map<List<Object>, Row> byKey = new java.util.LinkedHashMap<>();
    for (Row row : rows) {
      List<Object> key = new ArrayList<>();
      for (String k : table.keys()) {
        key.add(row.getAs(k));
      }
      byKey.merge(key, row, (a, b) -> stamp(b, table).compareTo(stamp(a, table)) > 0 ? b : a);
    }
    return new ArrayList<>(byKey.values());
  }

  /**
   * Of a table written a partition at a time, the rows of each partition's newest write: those stamped
   * like the newest stamp that {@code stamps} (rows of the same partitions) holds for their partition.
   * Rows with no stamp (written before the table was) are the oldest write.
   */
  private static List<Row> newestWrites(MetaTable table, List<Row> rows, List<Row> stamps) {
    Map<List<Object>, java.sql.Timestamp> newest = new java.util.HashMap<>();
    for (Row row : stamps) {
      newest.merge(partitionOf(table, row), stamp(row, table), (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }
    List<Row> out = new ArrayList<>();
    for (Row row : rows) {
      if (stamp(row, table).equals(newest.get(partitionOf(table, row)))) {
        out.add(row);
      }
    }
    return out;
  }

  private static List<Object> partitionOf(MetaTable table, Row row) {
    List<Object> values = new ArrayList<>();
    for (String column : table.partitionBy()) {
      values.add(row.getAs(column));
    }
    return values;
  }

  private static java.sql.Timestamp stamp(Row row, MetaTable table) {
    java.sql.Timestamp t = row.getAs(table.newestBy());
    return t == null ? new java.sql.Timestamp(Long.MIN_VALUE) : t;
  }

  /** The same for a frame: the newest row of each key, by a window over the keys. */
  private static Dataset<Row> newest(MetaTable table, Dataset<Row> rows) {
    if (table.newestBy() == null) {
      return rows;
    }
    if (table.newestWriteOfPartition()) {
      org.apache.spark.sql.Column[] partition = table.partitionBy().stream().map(org.apache.spark.sql.functions::col)
          .toArray(org.apache.spark.sql.Column[]::new);
      var stamp = org.apache.spark.sql.functions.col(table.newestBy());
      return rows.withColumn("_newest", org.apache.spark.sql.functions.max(stamp)
              .over(org.apache.spark.sql.expressions.Window.partitionBy(partition)))
          .where(stamp.eqNullSafe(org.apache.spark.sql.functions.col("_newest")))
          .drop("_newest");
    }
    org.apache.spark.sql.Column[] keys = table.keys().stream().map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new);
    var byKey = org.apache.spark.sql.expressions.Window.partitionBy(keys)
        .orderBy(org.apache.spark.sql.functions.col(table.newestBy()).desc_nulls_last());
    return rows.withColumn("_newest", org.apache.spark.sql.functions.row_number().over(byKey))
        .where(org.apache.spark.sql.functions.col("_newest").equalTo(1))
        .drop("_newest");
  }

  /** Creates the table with its declared schema when it does not exist yet. */
  public void ensure(MetaTable table) {
    createUnlessExists("create " + table.name(), path(table), () -> exists(table), () ->
        DeltaTable.createIfNotExists(spark)
            .location(path(table))
            .addColumns(table.schema())
            .partitionedBy(table.partitionBy().toArray(new String[0]))
            .comment(table.description())
            .property(SCHEMA_VERSION_PROPERTY, Integer.toString(table.schemaVersion()))
            .execute());
  }

  /**
   * Runs {@code create} unless {@code exists} says the table is there, when other writers may be creating
   * the same table at the same moment (eight threads registering the first models, processes ingesting a
   * new dataset's first batches). A loser of that race does not always get a concurrent-modification
   * error: Delta's create fails with {@code DELTA_TABLE_NOT_FOUND} when it finds the log folder another
   * creator has just made but whose first commit is not written yet. Whatever failed, it looks again
   * after a pause, and a table that now exists is what it wanted; an Esteira error (a table of another
   * schema version) is final.
   */
  public void createUnlessExists(String what, String path, Supplier<Boolean> exists, Runnable create) {
    // As many pauses as a decision gets (several seconds in all): the other creator's first commit may
    // be a slow one, the first Delta write of its JVM.
    for (int attempt = 1; ; attempt++) {
      try {
        if (!exists.get()) {
          create.run();
          existing.add(path);
        }
        return;
      } catch (EsteiraException e) {
        throw e;
      } catch (Exception e) {
        if (attempt >= MAX_DECISION_ATTEMPTS) {
          throw new EsteiraException(
              what + ": gave up after " + MAX_DECISION_ATTEMPTS + " attempts while other writers created it too ("
                  + Messages.firstLine(String.valueOf(e.getMessage())).trim() + ")", e);
        }
        existing.remove(path);
        backOff(attempt);
      }
    }
  }

  /**
   * What an operation decided after reading: the rows to append, stamped with {@code sequence}, the next
   * number in its key's sequence (one more than the last it read), and the result to return. No rows
   * means there is nothing to write (the operation found its work already done).
   */
  public record Decision<R>(List<Row> rows, long sequence, R result, List<Match> replacing) {
    public Decision {
      replacing = replacing == null ? List.of() : List.copyOf(replacing);
    }

    public Decision(List<Row> rows, long sequence, R result) {
      this(rows, sequence, result, List.of());
    }

    public static <R> Decision<R> nothingToWrite(R result) {
      return new Decision<>(List.of(), -1, result, List.of());
    }
  }

  /** The table's current Delta version (-1 when it does not exist yet): a sequence for decisions on it. */
  public long currentVersion(MetaTable table) {
    return checkedSnapshot(table).map(kernel::version).orElse(-1L);
  }

  /** The table's rows as of a Delta version. */
  public Dataset<Row> readAt(MetaTable table, long version) {
    if (version < 0) {
      return spark().createDataFrame(new ArrayList<Row>(), table.schema());
    }
    return newest(table, spark().read().format("delta").option("versionAsOf", version).load(path(table)));
  }

  /**
   * Runs an operation that reads, decides and writes, as one unit: {@code decide} reads what it needs and
   * returns the rows of its decision with the next sequence number of {@code key} (a model, a dataset).
   * The rows are appended in one commit that Delta accepts only if no other commit has recorded that
   * sequence number of that key since: Delta's idempotent-write identifiers ({@code txnAppId},
   * {@code txnVersion}) are compared and set inside the commit's transaction, and two concurrent commits
   * of the same identifier conflict. So a writer that decided on a stale read either conflicts or finds
   * its write skipped; both make it read, decide and write again. After a bounded number of attempts it
   * fails with one line.
   *
   * <p>A decision that only appends rows to a table of neither partitions nor newest rows (the registry's
   * {@code models} and {@code model_transitions}) is committed by Delta Kernel, with the same identifier:
   * a few rows need no Spark job (in a process with Spark, about a second less per registry write), and a
   * lakehouse without Spark ({@link #metadataOnly}) can make it, so an operator's {@code registry promote}
   * starts no SparkSession. Kernel refuses an identifier the table holds where Spark skips the write, and
   * each reads the identifiers the other wrote, so a lakehouse whose sequences Spark numbered (an older
   * Esteira) goes on from them, and a Spark writer of the same sequence at the same moment is excluded too
   * ({@code RegistryConcurrencyTest} races both).
   */
  public <R> R commitSequenced(MetaTable table, String key, String what, Supplier<Decision<R>> decide) {
    ensure(table);
    String lastConflict = "";
    for (int attempt = 1; attempt <= MAX_DECISION_ATTEMPTS; attempt++) {
      Decision<R> decision = decide.get();
      if (decision.rows().isEmpty()) {
        return decision.result();
      }
      if (byKernel(table, decision)) {
        try {
          appender.append(path(table), table.schema(), decision.rows(), Map.of(),
              new KernelAppender.Sequence(table.name() + "/" + key, decision.sequence()));
          return decision.result();
        } catch (KernelAppender.SequenceTaken e) {
          lastConflict = Messages.firstLine(String.valueOf(e.getMessage()));
        }
        backOff(attempt);
        continue;
      }
      String marker = "esteira-op " + java.util.UUID.randomUUID();
      try {
        // A table written by appends takes the decision's rows as new rows of their keys (the newest
        // is current); any other replaces the rows the decision names.
        boolean appends = table.newestBy() != null;
        var writer = ordered(table, frame(table, appends ? stamped(table, decision.rows()) : decision.rows()))
            .write().format("delta");
        writer = appends || decision.replacing().isEmpty()
            ? writer.mode("append")
            : writer.mode("overwrite").option("replaceWhere", Match.anyOf(decision.replacing()));
        writer
            .option("txnAppId", table.name() + "/" + key)
            .option("txnVersion", decision.sequence())
            .option("userMetadata", marker)
            .save(path(table));
        if (committed(table, marker)) {
          return decision.result();
        }
        lastConflict = "sequence " + decision.sequence() + " of '" + key + "' was taken by another writer";
      } catch (ConcurrentModificationException e) {
        lastConflict = Messages.firstLine(String.valueOf(e.getMessage()));
      }
      backOff(attempt);
    }
    throw new EsteiraException(
        what + ": gave up after " + MAX_DECISION_ATTEMPTS + " attempts, other writers kept committing first ("
            + lastConflict + ")");
  }

  /** Whether a sequenced decision is a plain append that Kernel commits (see {@link #commitSequenced}). */
  private static boolean byKernel(MetaTable table, Decision<?> decision) {
    return decision.replacing().isEmpty() && table.newestBy() == null && table.partitionBy().isEmpty();
  }

  /** Whether the commit carrying {@code marker} is in the table's recent history (a skipped write is not). */
  private boolean committed(MetaTable table, String marker) {
    return !DeltaTable.forPath(spark(), path(table))
        .history(100)
        .where(org.apache.spark.sql.functions.col("userMetadata").equalTo(marker))
        .isEmpty();
  }

  private static void backOff(int attempt) {
    // Jittered, so that writers that lost together do not collide again in lockstep.
    long millis = 50L * Math.min(attempt, 8) + java.util.concurrent.ThreadLocalRandom.current().nextLong(200);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new EsteiraException("interrupted while retrying a commit");
    }
  }

  public Dataset<Row> frame(MetaTable table, List<Row> rows) {
    return spark().createDataFrame(rows, table.schema());
  }

  /** Appends rows in one commit. Use only for tables whose rows are never rewritten. */
  public void append(MetaTable table, List<Row> rows) {
    ensure(table);
    withRetry(
        "append to " + table.name(),
        () -> {
          frame(table, rows).write().format("delta").mode("append").save(path(table));
          return null;
        });
  }

  /**
   * Inserts or replaces rows by the table's keys, in one commit. Written as a {@code replaceWhere} on
   * the keys of the given rows: for the few rows a job upserts this is much cheaper than a MERGE join,
   * and it is as atomic.
   */
  public void upsert(MetaTable table, List<Row> rows) {
    if (rows.isEmpty()) {
      return;
    }
    if (table.newestWriteOfPartition()) {
      throw new IllegalArgumentException(table.name() + " is written a partition at a time: use replace(Match, rows)");
    }
    if (table.newestBy() != null) {
      appendStamped(table, rows, Map.of(), null);
      return;
    }
    replace(table, frame(table, rows), Match.anyOf(keysOf(table, rows)));
  }

  /**
   * A table written by appends gains a small file per write, and a Kernel read opens every live file:
   * every {@link MetaTable#compactEvery()} commits the writer that made the commit compacts the table
   * (Delta's OPTIMIZE: the same rows in fewer files, a commit that changes no data, so concurrent appends
   * do not conflict). This rewrites a table's small files into few; no row changes.
   */
  public void compact(MetaTable table) {
    withRetry("compact " + table.name(), () -> spark().sql("OPTIMIZE delta.`" + path(table) + "`").collectAsList());
  }

  /** The last stamp given in this JVM, so that two writes of one key never carry the same one. */
  private static final java.util.concurrent.atomic.AtomicLong lastStampMicros = new java.util.concurrent.atomic.AtomicLong();

  /**
   * The rows with the table's {@code newestBy} column set to now (microseconds), each later than any stamp
   * given before in this JVM, so that of two writes of one key (or two rows of it in one write) the later
   * is the newest. Writers of one key in two processes are one after the other (a resumed run). A table
   * written a partition at a time stamps all rows of one write alike: together they are that write.
   */
  private static List<Row> stamped(MetaTable table, List<Row> rows) {
    int at = table.schema().fieldIndex(table.newestBy());
    List<Row> out = new ArrayList<>();
    long once = table.newestWriteOfPartition() ? nextStamp() : 0;
    for (Row row : rows) {
      long micros = table.newestWriteOfPartition() ? once : nextStamp();
      Object[] cells = new Object[row.size()];
      for (int i = 0; i < cells.length; i++) {
        cells[i] = i == at ? org.apache.spark.sql.catalyst.util.DateTimeUtils.toJavaTimestamp(micros) : row.get(i);
      }
      out.add(org.apache.spark.sql.RowFactory.create(cells));
    }
    return out;
  }

  private static long nextStamp() {
    long now = java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH, java.time.Instant.now());
    return lastStampMicros.updateAndGet(last -> Math.max(last + 1, now));
  }

  /** One match per row of {@code rows}: exactly the rows with the table's keys of each. */
  public static List<Match> keysOf(MetaTable table, List<Row> rows) {
    List<Match> matches = new ArrayList<>();
    for (Row row : rows) {
      Match m = Match.on(table);
      for (String key : table.keys()) {
        // Rows to write are built by Rows.of / RowFactory and carry no schema: the key's position is the table's.
        m = m.eq(key, row.get(table.schema().fieldIndex(key)));
      }
      matches.add(m);
    }
    return matches;
  }

  /** The rows of a metadata table that {@code match} selects. */
  public Dataset<Row> read(Match match) {
    return read(match.table()).where(match.column());
  }

  /**
   * Replaces, in one commit, every row that {@code match} selects by {@code rows} (which must all match
   * it too): the idempotent write of a job's output for one key, such as one scored batch.
   */
  public void replace(Dataset<Row> rows, Match match) {
    if (match.table().newestWriteOfPartition()) {
      throw new IllegalArgumentException(match.table().name() + " is written a partition at a time: use replace(Match, rows)");
    }
    replace(match.table(), rows, match.sql());
  }

  /**
   * Replaces, in one commit, every row that {@code match} selects by {@code rows}, records built on the
   * driver (a store's profiles, metrics), each of which must match too.
   */
  public void replace(Match match, List<Row> rows) {
    MetaTable table = match.table();
    if (!table.newestWriteOfPartition()) {
      replace(table, frame(table, rows), match.sql());
      return;
    }
    // A table written a partition at a time: the match names one partition (or, where the table allows
    // it, a part of one), and the partition's new rows are one Kernel append that every reader takes as
    // its newest write. No rows at all must leave none current, which only a delete does: then Spark
    // replaces the partition by nothing.
    Map<String, Object> partition = new java.util.LinkedHashMap<>();
    for (String column : table.partitionBy()) {
      if (!match.equalities().containsKey(column)) {
        throw new IllegalArgumentException(
            table.name() + " is replaced a partition " + table.partitionBy() + " at a time, not " + match.sql());
      }
      partition.put(column, match.equalities().get(column));
    }
    boolean whole = partition.size() == match.equalities().size();
    if (!whole && !table.partialReplace()) {
      throw new IllegalArgumentException(
          table.name() + " is replaced a whole partition " + table.partitionBy() + " at a time, not " + match.sql());
    }
    for (Row row : rows) {
      if (!selects(match, row)) {
        throw new IllegalArgumentException(table.name() + ": a row to write is not in " + match.sql());
      }
    }
    if (!table.partialReplace()) {
      if (rows.isEmpty()) {
        replace(table, frame(table, rows), match.sql());
      } else {
        appendStamped(table, rows, partition, null);
      }
      return;
    }
    replaceSequenced(table, partition, match, whole, rows);
  }

  /** Whether {@code row} (in the table's schema) has every value {@code match} names. */
  private static boolean selects(Match match, Row row) {
    for (Map.Entry<String, Object> e : match.equalities().entrySet()) {
      if (!java.util.Objects.equals(row.get(match.table().schema().fieldIndex(e.getKey())), e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /**
   * A write of a partition of a table replaced in part: numbered in the partition's sequence, so that a
   * replace of a part, which keeps the partition's other current rows, is refused when another writer
   * wrote the partition after this one read it; then it reads, and writes, again.
   */
  private void replaceSequenced(MetaTable table, Map<String, Object> partition, Match match, boolean whole, List<Row> rows) {
    ensure(table);
    Match ofPartition = Match.on(table);
    for (Map.Entry<String, Object> e : partition.entrySet()) {
      ofPartition = ofPartition.eq(e.getKey(), e.getValue());
    }
    String appId = table.name() + "/" + ofPartition.sql();
    String lastConflict = "";
    for (int attempt = 1; attempt <= MAX_DECISION_ATTEMPTS; attempt++) {
      // The sequence's last number and the rows kept are read from one snapshot.
      io.delta.kernel.Snapshot snapshot = checkedSnapshot(table).orElseThrow();
      long last = kernel.sequenceVersion(snapshot, appId);
      List<Row> written = new ArrayList<>(rows);
      if (!whole) {
        // The rows of the partition's newest write that the match does not select stay current.
        for (Row row : current(snapshot, ofPartition, List.of())) {
          if (!selects(match, row)) {
            written.add(row);
          }
        }
      }
      // Rows none: Spark deletes the partition, a write outside the sequence (a partial replace that read
      // before it may bring its other rows back; only a model with no predictions measures nothing).
      if (written.isEmpty()) {
        replace(table, frame(table, written), ofPartition.sql());
        return;
      }
      try {
        appendStamped(table, written, partition, new KernelAppender.Sequence(appId, last + 1));
        return;
      } catch (KernelAppender.SequenceTaken e) {
        lastConflict = Messages.firstLine(String.valueOf(e.getMessage()));
      }
      backOff(attempt);
    }
    throw new EsteiraException("replace in " + table.name() + ": gave up after " + MAX_DECISION_ATTEMPTS
        + " attempts, other writers of " + ofPartition.sql() + " kept committing first (" + lastConflict + ")");
  }

  /**
   * One Kernel append of {@code rows}, stamped, to a table written by appends ({@code partition}: the
   * group a partition-at-a-time write replaces, none by key); every {@link MetaTable#compactEvery()}
   * commits, the compaction.
   */
  private void appendStamped(MetaTable table, List<Row> rows, Map<String, Object> partition, KernelAppender.Sequence sequence) {
    ensure(table);
    long version = appender.append(path(table), table.schema(), stamped(table, rows), partition, sequence);
    if (version % table.compactEvery() == 0 && hasSpark()) {
      compact(table);
    }
  }

  /**
   * A writer that replaces, in one commit, the rows of a data table (not a metadata table) where
   * {@code column} equals {@code value}: an ingest's batch. The condition is built here, from a typed literal.
   */
  public static <T> org.apache.spark.sql.DataFrameWriter<T> overwritingWhere(
      org.apache.spark.sql.DataFrameWriter<T> writer, String column, Object value) {
    return writer.mode("overwrite").option("replaceWhere", "`" + column.replace("`", "``") + "` = " + SqlLiterals.of(value));
  }

  private void replace(MetaTable table, Dataset<Row> rows, String condition) {
    ensure(table);
    withRetry(
        "replace in " + table.name(),
        () -> {
          ordered(table, rows)
              .write()
              .format("delta")
              .mode("overwrite")
              .option("replaceWhere", condition)
              .save(path(table));
          return null;
        });
  }

  /** The rows with the table's columns in the table's order (Delta matches columns by name, but be exact). */
  private static Dataset<Row> ordered(MetaTable table, Dataset<Row> rows) {
    String[] names = table.schema().fieldNames();
    org.apache.spark.sql.Column[] cols = new org.apache.spark.sql.Column[names.length];
    for (int i = 0; i < names.length; i++) {
      cols[i] = rows.col("`" + names[i] + "`");
    }
    return rows.select(cols);
  }

  /** A table's state for {@code lakehouse status}: its version on disk and the version this code reads. */
  public record TableStatus(String table, boolean exists, int version, int current) {
    public boolean needsMigration() {
      return exists && version != current;
    }
  }

  public List<TableStatus> status(List<MetaTable> tables) {
    List<TableStatus> out = new ArrayList<>();
    for (MetaTable t : tables) {
      boolean exists = isDeltaTable(path(t));
      out.add(new TableStatus(t.name(), exists, exists ? schemaVersionOf(t) : 0, t.schemaVersion()));
    }
    return out;
  }

  /**
   * Brings every table to the schema this code reads, in the order given (a migration may read a table
   * that comes after it as it was). Each table is rewritten in one commit that replaces rows and schema
   * together, so a crash leaves it at its old or its new version, and rerunning finishes the job.
   */
  public List<String> migrate(List<MetaTable> tables, java.util.function.Consumer<String> progress) {
    List<String> done = new ArrayList<>();
    for (MetaTable t : tables) {
      if (!isDeltaTable(path(t))) {
        continue;
      }
      int version = schemaVersionOf(t);
      if (version == t.schemaVersion()) {
        continue;
      }
      Dataset<Row> rows = spark().read().format("delta").load(path(t));
      for (int v = version; v < t.schemaVersion(); v++) {
        Migration m = t.migrations().get(v - 1);
        progress.accept(t.name() + ": schema version " + v + " -> " + (v + 1) + ": " + m.description());
        rows = m.transform().apply(this, rows);
      }
      // Collected first: the new rows are computed from the table being overwritten.
      List<Row> migrated = ordered(t, rows).collectAsList();
      // An overwrite that replaces the schema also replaces the partitioning: the table keeps its own
      // (a table created before the lakehouse partitioned it stays unpartitioned, as it was).
      List<String> partitioning = kernel.partitionColumns(kernel.latest(path(t)).orElseThrow());
      ordered(t, frame(t, migrated))
          .write()
          .format("delta")
          .partitionBy(partitioning.toArray(new String[0]))
          .mode("overwrite")
          .option("overwriteSchema", "true")
          .option("userMetadata", "esteira lakehouse migrate to schema version " + t.schemaVersion())
          .save(path(t));
      spark().sql("ALTER TABLE delta.`" + path(t) + "` SET TBLPROPERTIES ('" + SCHEMA_VERSION_PROPERTY + "' = '"
          + t.schemaVersion() + "')");
      done.add(t.name() + " " + version + " -> " + t.schemaVersion() + " (" + migrated.size() + " rows)");
    }
    checked.clear();
    return done;
  }

  /** Runs a Delta commit, retrying when another writer committed first. */
  public static <T> T withRetry(String what, Supplier<T> commit) {
    ConcurrentModificationException last = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        return commit.get();
      } catch (ConcurrentModificationException e) {
        last = e;
        backOff(attempt);
      }
    }
    throw new EsteiraException(
        what + ": gave up after " + MAX_ATTEMPTS + " concurrent-commit conflicts: " + last.getMessage(),
        last);
  }

  /** The root as a qualified URI ({@code file:/abs/path} for a local folder), with no trailing slash. */
  public static String qualifiedRoot(String root, org.apache.hadoop.conf.Configuration conf) {
    try {
      Path p = new Path(root);
      FileSystem fs = p.getFileSystem(conf);
      return stripSlash(fs.makeQualified(p).toString());
    } catch (java.io.IOException e) {
      throw new EsteiraException("cannot use lakehouse root " + root + ": " + e.getMessage(), e);
    }
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
