package dev.esteira.lake;

import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * A metadata table of the lakehouse: its name (also its folder and its SQL view), its schema, the
 * columns that identify a row (so that a rerun replaces instead of duplicating) and, for tables that
 * grow by batch, the partition columns that make replacing a batch a metadata-only operation. The
 * owning package declares it once.
 */
public record MetaTable(
    String name, StructType schema, List<String> keys, String description, List<String> partitionBy) {

  public MetaTable(String name, StructType schema, List<String> keys, String description) {
    this(name, schema, keys, description, List.of());
  }
}
