package dev.esteira.registry;

import static org.apache.spark.sql.types.DataTypes.*;

import dev.esteira.lake.MetaTable;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/** The tables the {@code registry} package owns. */
public final class RegistryTables {
  private RegistryTables() {}

  public static final MetaTable MODELS =
      new MetaTable(
          "models",
          new StructType()
              .add("model", StringType, false)
              .add("version", IntegerType, false)
              .add("run_id", StringType, false)
              .add("artifact_path", StringType, false)
              .add("artifact_sha256", StringType, false)
              .add("stage", StringType, false)
              .add("metrics", createMapType(StringType, DoubleType), true)
              .add("dataset", StringType, true)
              .add("dataset_version", LongType, true)
              .add("batch", StringType, true)
              .add("config_hash", StringType, true)
              .add("code_version", StringType, true)
              .add("created_at", TimestampType, false)
              .add("updated_at", TimestampType, false),
          List.of("model", "version"),
          "one row per registered model version, with its lineage and current stage");

  public static final MetaTable TRANSITIONS =
      new MetaTable(
          "model_transitions",
          new StructType()
              .add("model", StringType, false)
              .add("version", IntegerType, false)
              .add("from_stage", StringType, false)
              .add("to_stage", StringType, false)
              .add("accepted", BooleanType, false)
              .add("actor", StringType, false)
              .add("reason", StringType, true)
              .add("gate_results", StringType, true)
              .add("at", TimestampType, false),
          List.of("model", "version", "at"),
          "one row per stage change of a model version, accepted or refused");
}
