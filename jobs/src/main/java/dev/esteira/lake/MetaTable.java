package dev.esteira.lake;

import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * A metadata table of the lakehouse: its name (also its folder and its SQL view), its schema, the
 * columns that identify a row (so that a rerun replaces instead of duplicating), for tables that grow by
 * batch the partition columns that make replacing a batch a metadata-only operation, and the migrations
 * from every older schema. The owning package declares it once.
 *
 * <p>A table with {@link #newestBy()} is written by appending: a write of a key adds a row instead of
 * replacing one, every reader keeps the newest row per key (by that timestamp column, which the lakehouse
 * stamps as it writes), and the older rows stay as the key's history. An append is a commit that Delta
 * Kernel makes in this thread, with no Spark job and no conflict between concurrent writers of other keys:
 * for tables written at every step of every run (the run log) a rewrite per write was most of a night.
 *
 * <p>A partitioned table with {@link #newestBy()} is written a whole partition at a time (a batch's
 * profiles, its drift metrics): a write appends the partition's new rows, all stamped alike, and every
 * reader keeps of each partition only the rows of its newest write, so a rewrite with fewer rows (a
 * column no longer monitored) leaves none of the older rows current. See {@link #newestWriteOfPartition()}.
 * One with {@link #partialReplace()} (a model's performance) may also be replaced in part, its writes
 * numbered in a sequence per partition (see {@link #withPartialReplace()}).
 *
 * <p>The schema version is {@code migrations.size() + 1}: migration {@code i} turns a table of version
 * {@code i + 1} (whose schema is {@link Migration#from()}) into version {@code i + 2}. A table's version is
 * recognised by the shape of its Delta schema, which the migrating commit changes atomically with the
 * data, so a crash during a migration can never leave a table whose version says one thing and whose
 * rows another.
 */
public record MetaTable(
    String name, StructType schema, List<String> keys, String description, List<String> partitionBy,
    List<Migration> migrations, String newestBy, int compactEvery, boolean partialReplace) {

  public MetaTable {
    keys = List.copyOf(keys);
    partitionBy = List.copyOf(partitionBy);
    migrations = List.copyOf(migrations);
  }

  /**
   * Whether a write replaces whole partitions by appending (a partitioned table with {@link #newestBy()}):
   * the current rows of a partition are those of its newest write. Otherwise, with {@code newestBy}, the
   * current row of each key is its newest row.
   */
  public boolean newestWriteOfPartition() {
    return newestBy != null && !partitionBy.isEmpty();
  }

  public MetaTable(String name, StructType schema, List<String> keys, String description, List<String> partitionBy) {
    this(name, schema, keys, description, partitionBy, List.of(), null, 0, false);
  }

  public MetaTable(String name, StructType schema, List<String> keys, String description) {
    this(name, schema, keys, description, List.of(), List.of(), null, 0, false);
  }

  /** The version of {@link #schema()}: 1 for a table that never changed shape. */
  public int schemaVersion() {
    return migrations.size() + 1;
  }

  /** The same table with migrations from its older schemas (oldest first). */
  public MetaTable withMigrations(Migration... steps) {
    return new MetaTable(name, schema, keys, description, partitionBy, List.of(steps), newestBy, compactEvery, partialReplace);
  }

  /**
   * The same table written by appends, the newest row of a key by {@code column} being current; every
   * 50th commit compacts it (a read opens every live file: a run log of 50 small files is still cheap).
   */
  public MetaTable withNewestBy(String column) {
    return withNewestBy(column, 50);
  }

  /** The same, compacted every {@code compactEvery} commits. */
  public MetaTable withNewestBy(String column, int compactEvery) {
    if (compactEvery < 1) {
      throw new IllegalArgumentException(name + ": compactEvery must be at least 1");
    }
    return new MetaTable(name, schema, keys, description, partitionBy, migrations, column, compactEvery, partialReplace);
  }

  /**
   * The same partition-at-a-time table, whose partitions may also be replaced in part (a model's
   * performance on one batch): such a replace reads the partition's current rows and writes them back with
   * the new ones as the partition's newest write. So that it never builds on a stale read, every write of
   * such a table's partition is sequenced (Delta's transaction identifiers: a write whose partition another
   * writer wrote since it read conflicts, and reads again). Tables without it refuse a partial replace,
   * and their writes carry no identifier (one per partition would pile up in the table's state, a batch a
   * night).
   */
  public MetaTable withPartialReplace() {
    if (!newestWriteOfPartition()) {
      throw new IllegalStateException(name + ": only a table written a partition at a time is replaced in part");
    }
    return new MetaTable(name, schema, keys, description, partitionBy, migrations, newestBy, compactEvery, true);
  }
}
