package dev.esteira.lake;

import dev.esteira.EsteiraException;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The lakehouse: a root folder (any Hadoop file system) holding the metadata tables, the dataset tables
 * under {@code datasets/} and the model artifacts under {@code artifacts/}. Every write here is one Delta
 * commit, keyed so that a rerun replaces rows instead of adding them, and retried on a concurrent commit.
 */
public final class Lakehouse {
  private static final int MAX_ATTEMPTS = 5;

  private final SparkSession spark;
  private final String root;
  /** Tables seen to exist: they are never dropped, so asking Delta again would only cost a log listing. */
  private final java.util.Set<String> existing = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public Lakehouse(SparkSession spark, String root) {
    this.spark = spark;
    this.root = qualifiedRoot(root, spark.sparkContext().hadoopConfiguration());
  }

  public SparkSession spark() {
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
    return isDeltaTable(path(table));
  }

  public boolean isDeltaTable(String path) {
    if (existing.contains(path)) {
      return true;
    }
    boolean exists = DeltaTable.isDeltaTable(spark, path);
    if (exists) {
      existing.add(path);
    }
    return exists;
  }

  /** The table's current rows; an empty frame with the declared schema when it was never written. */
  public Dataset<Row> read(MetaTable table) {
    if (!exists(table)) {
      return spark.createDataFrame(new ArrayList<Row>(), table.schema());
    }
    return spark.read().format("delta").load(path(table));
  }

  /** Creates the table with its declared schema when it does not exist yet. */
  public void ensure(MetaTable table) {
    if (!exists(table)) {
      withRetry(
          "create " + table.name(),
          () -> {
            DeltaTable.createIfNotExists(spark)
                .location(path(table))
                .addColumns(table.schema())
                .partitionedBy(table.partitionBy().toArray(new String[0]))
                .comment(table.description())
                .execute();
            return null;
          });
    }
  }

  public Dataset<Row> frame(MetaTable table, List<Row> rows) {
    return spark.createDataFrame(rows, table.schema());
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
    String condition =
        rows.stream().map(r -> "(" + keyPredicate(table, r) + ")").distinct().collect(Collectors.joining(" OR "));
    replace(table, frame(table, rows), condition);
  }

  private static String keyPredicate(MetaTable table, Row row) {
    List<String> parts = new ArrayList<>();
    for (String key : table.keys()) {
      Object value = row.get(table.schema().fieldIndex(key));
      parts.add("`" + key + "`" + (value == null ? " IS NULL" : " = " + SqlLiterals.of(value)));
    }
    return String.join(" AND ", parts);
  }

  /**
   * Replaces, in one commit, every row that matches {@code condition} by {@code rows} (which must all
   * match it too): the idempotent write of a job's output for one key, such as one scored batch.
   */
  public void replace(MetaTable table, Dataset<Row> rows, String condition) {
    ensure(table);
    withRetry(
        "replace in " + table.name(),
        () -> {
          rows.select(table.schema().fieldNames()[0], restOf(table))
              .write()
              .format("delta")
              .mode("overwrite")
              .option("replaceWhere", condition)
              .save(path(table));
          return null;
        });
  }

  private static String[] restOf(MetaTable table) {
    String[] names = table.schema().fieldNames();
    String[] rest = new String[names.length - 1];
    System.arraycopy(names, 1, rest, 0, rest.length);
    return rest;
  }

  /** Runs a Delta commit, retrying when another writer committed first. */
  public static <T> T withRetry(String what, Supplier<T> commit) {
    ConcurrentModificationException last = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        return commit.get();
      } catch (ConcurrentModificationException e) {
        last = e;
        try {
          Thread.sleep(100L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    throw new EsteiraException(
        what + ": gave up after " + MAX_ATTEMPTS + " concurrent-commit conflicts: " + last.getMessage(),
        last);
  }

  /** Registers every existing table as a temporary view of its name. */
  public void registerViews(List<MetaTable> tables) {
    for (MetaTable table : tables) {
      read(table).createOrReplaceTempView(table.name());
    }
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
