package dev.esteira.scoring;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.types.DataTypes.*;

import dev.esteira.lake.MetaTable;
import dev.esteira.lake.Migration;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructType;

/** The table the {@code scoring} package owns: one row per scored row and the model version that scored it. */
public final class PredictionTables {
  private PredictionTables() {}

  /** Schema version 1 (Esteira 0.1), for its migration. */
  static final StructType PREDICTIONS_V1 =
      new StructType()
          .add("model", StringType, false)
          .add("version", IntegerType, false)
          .add("dataset", StringType, false)
          .add("dataset_version", LongType, false)
          .add("batch", StringType, false)
          .add("row_id", StringType, false)
          .add("prediction", DoubleType, false)
          .add("probability", DoubleType, true)
          .add("features", StringType, true)
          .add("scored_at", TimestampType, false);

  public static final MetaTable PREDICTIONS =
      new MetaTable(
          "predictions",
          new StructType()
              .add("model", StringType, false)
              .add("version", IntegerType, false)
              .add("dataset", StringType, false)
              .add("dataset_version", LongType, false)
              .add("batch", StringType, false)
              .add("row_id", StringType, false)
              .add("prediction", DoubleType, false)
              .add("probability", DoubleType, true)
              .add("features", createMapType(StringType, StringType), true)
              .add("scored_at", TimestampType, false),
          List.of("model", "version", "batch", "row_id"),
          "one row per scored row and model version, so two versions can score the same batch side by side; partitioned by batch",
          List.of("batch"))
          .withMigrations(
              new Migration(
                  PREDICTIONS_V1,
                  "key (model, version, batch, row_id); features a map instead of JSON text",
                  (lake, rows) -> rows.withColumn("features",
                      from_json(col("features"), createMapType(StringType, StringType), Map.of()))));
}
