package dev.esteira.scoring;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.types.DataTypes.*;

import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.MetaTable;
import dev.esteira.lake.Migration;
import dev.esteira.registry.Registry;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The table the {@code scoring} package owns: one row per scored row and the model version that scored
 * it, with its role: {@code served} (the prediction that was used; one per row of a batch) or
 * {@code shadow} (scored beside it to be measured), and the experiment that routed it, if any.
 */
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

  /** Schema version 2: one row per scored row and version, no role. */
  static final StructType PREDICTIONS_V2 =
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
          .add("scored_at", TimestampType, false);

  public static final MetaTable PREDICTIONS =
      new MetaTable(
          "predictions",
          PREDICTIONS_V2
              .add("role", StringType, false)
              .add("experiment", StringType, true),
          List.of("model", "version", "batch", "row_id"),
          "one row per scored row and model version, so two versions can score the same batch side by side; "
              + "role served (the prediction used) or shadow; partitioned by batch",
          List.of("batch"))
          .withMigrations(
              new Migration(
                  PREDICTIONS_V1,
                  "key (model, version, batch, row_id); features a map instead of JSON text",
                  (lake, rows) -> rows.withColumn("features",
                      from_json(col("features"), createMapType(StringType, StringType), Map.of()))),
              new Migration(
                  PREDICTIONS_V2,
                  "role (served or shadow: served where the version was in production when it scored) and experiment",
                  PredictionTables::rolesV2toV3));

  /**
   * Schema 2 to 3: before canaries, the version in production served and any other scored in shadow, so
   * a row's role is whether its version was in production when it was scored, by the registry's history
   * (model_transitions migrates before predictions). One scoring job stamps one {@code scored_at}, so the
   * registry is asked once per model, version and job.
   */
  static Dataset<Row> rolesV2toV3(Lakehouse lake, Dataset<Row> rows) {
    Registry registry = new Registry(lake);
    List<Row> served = new ArrayList<>();
    for (Row r : rows.select("model", "version", "scored_at").distinct().collectAsList()) {
      String model = r.getAs("model");
      int version = r.<Integer>getAs("version");
      Timestamp at = r.getAs("scored_at");
      boolean inProduction = registry.stateAt(model, at.toInstant()).inProduction().contains(version);
      served.add(RowFactory.create(model, version, at, inProduction ? Routing.SERVED : Routing.SHADOW));
    }
    StructType roleSchema = new StructType().add("r_model", StringType, false).add("r_version", IntegerType, false)
        .add("r_scored_at", TimestampType, false).add("role", StringType, false);
    Dataset<Row> roles = lake.spark().createDataFrame(served, roleSchema);
    return rows.join(roles, rows.col("model").equalTo(roles.col("r_model"))
            .and(rows.col("version").equalTo(roles.col("r_version")))
            .and(rows.col("scored_at").equalTo(roles.col("r_scored_at"))), "left")
        .drop("r_model", "r_version", "r_scored_at")
        .withColumn("role", coalesce(col("role"), lit(Routing.SHADOW)))
        .withColumn("experiment", lit(null).cast(StringType));
  }
}
