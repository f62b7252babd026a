package dev.esteira.lake;

import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * A metadata table of the lakehouse: its name (also its folder and its SQL view), its schema, the
 * columns that identify a row (so that a rerun replaces instead of duplicating), for tables that grow by
 * batch the partition columns that make replacing a batch a metadata-only operation, and the migrations
 * from every older schema. The owning package declares it once.
 *
 * <p>The schema version is {@code migrations.size() + 1}: migration {@code i} turns a table of version
 * {@code i + 1} (whose schema is {@link Migration#from()}) into version {@code i + 2}. A table's version is
 * recognised by the shape of its Delta schema, which the migrating commit changes atomically with the
 * data, so a crash during a migration can never leave a table whose version says one thing and whose
 * rows another.
 */
public record MetaTable(
    String name, StructType schema, List<String> keys, String description, List<String> partitionBy,
    List<Migration> migrations) {

  public MetaTable {
    keys = List.copyOf(keys);
    partitionBy = List.copyOf(partitionBy);
    migrations = List.copyOf(migrations);
  }

  public MetaTable(String name, StructType schema, List<String> keys, String description, List<String> partitionBy) {
    this(name, schema, keys, description, partitionBy, List.of());
  }

  public MetaTable(String name, StructType schema, List<String> keys, String description) {
    this(name, schema, keys, description, List.of(), List.of());
  }

  /** The version of {@link #schema()}: 1 for a table that never changed shape. */
  public int schemaVersion() {
    return migrations.size() + 1;
  }

  /** The same table with migrations from its older schemas (oldest first). */
  public MetaTable withMigrations(Migration... steps) {
    return new MetaTable(name, schema, keys, description, partitionBy, List.of(steps));
  }
}
