package dev.esteira.data;

import static org.apache.spark.sql.types.DataTypes.*;

import dev.esteira.lake.MetaTable;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/** The tables the {@code data} package owns. */
public final class DatasetTables {
  private DatasetTables() {}

  public static final MetaTable DATASET_VERSIONS =
      new MetaTable(
          "dataset_versions",
          new StructType()
              .add("dataset", StringType, false)
              .add("version", LongType, false)
              .add("batch", StringType, false)
              .add("tag", StringType, true)
              .add("row_count", LongType, false)
              .add("schema_fingerprint", StringType, false)
              .add("content_fingerprint", StringType, false)
              .add("source", StringType, true)
              .add("format", StringType, true)
              .add("contract_status", StringType, false)
              .add("expectations_status", StringType, true)
              .add("quality", StringType, true)
              .add("created_at", TimestampType, false),
          List.of("dataset", "batch", "version"),
          "one row per ingested batch and the Delta version of the dataset table that holds it; an empty "
              + "batch changes no file, so it shares the version that was current");
}
