package dev.esteira.data;

import static org.apache.spark.sql.types.DataTypes.*;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;

import dev.esteira.lake.MetaTable;
import dev.esteira.lake.Migration;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/** The tables the {@code data} package owns. */
public final class DatasetTables {
  private DatasetTables() {}

  /** One expectation's result, as stored in {@code quality} (nested fields nullable: Delta enforces no NOT NULL inside arrays). */
  public static final StructType EXPECTATION_RESULT =
      new StructType()
          .add("expectation", StringType, true)
          .add("check", StringType, true)
          .add("column", StringType, true)
          .add("value", DoubleType, true)
          .add("passed", BooleanType, true);

  static final DataType QUALITY = createArrayType(EXPECTATION_RESULT, true);

  public static final MetaTable DATASET_VERSIONS =
      new MetaTable(
          "dataset_versions",
          schema(QUALITY, true),
          List.of("dataset", "batch", "version"),
          "one row per ingested batch and the Delta version of the dataset table that holds it; an empty "
              + "batch changes no file, so it shares the version that was current; a change of a row (its "
              + "quality, its tag) is appended, the newest by recorded_at is current")
          .withMigrations(
              new Migration(
                  schema(StringType, false),
                  "quality typed as an array of expectation results instead of JSON text",
                  (lake, rows) -> rows.withColumn("quality",
                      from_json(col("quality"), new StructType().add("expectations", QUALITY), Map.of())
                          .getField("expectations"))),
              Migration.addingNull(
                  schema(QUALITY, false), "recorded_at", TimestampType,
                  "recorded_at: when the row was written; a change of a row is appended (the newest row of a "
                      + "key is current) instead of rewriting it; earlier rows have none"))
          // Written at every ingest and validate of every night: an append through Delta Kernel is a few
          // tens of milliseconds where a Spark replace of the key was most of a second.
          .withNewestBy("recorded_at");

  private static StructType schema(DataType quality, boolean recordedAt) {
    StructType s = new StructType()
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
              .add("quality", quality, true)
              .add("created_at", TimestampType, false);
    return recordedAt ? s.add("recorded_at", TimestampType, true) : s;
  }
}
