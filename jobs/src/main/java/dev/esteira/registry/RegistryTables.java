package dev.esteira.registry;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.types.DataTypes.*;

import dev.esteira.lake.MetaTable;
import dev.esteira.lake.Migration;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The tables the {@code registry} package owns. {@code models} holds what never changes about a version
 * (written once, at registration); {@code model_transitions} is the log of every change of stage, alias,
 * tag and description, accepted or refused, and the current state of a version is derived from it (see
 * {@link RegistryState}). So state and audit trail are one commit and can never disagree.
 */
public final class RegistryTables {
  private RegistryTables() {}

  /** One gate checked (nested fields nullable: Delta enforces no NOT NULL inside arrays) for a transition, as stored in {@code gate_results}. */
  public static final StructType GATE_RESULT =
      new StructType()
          .add("check", StringType, true)
          .add("value", DoubleType, true)
          .add("threshold", DoubleType, true)
          .add("passed", BooleanType, true);

  static final DataType GATE_RESULTS = createArrayType(GATE_RESULT, true);

  /** Schema version 1 (Esteira 0.1): the stage was a column of models, updated in place. */
  static final StructType MODELS_V1 =
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
          .add("updated_at", TimestampType, false);

  static final StructType TRANSITIONS_V1 =
      new StructType()
          .add("model", StringType, false)
          .add("version", IntegerType, false)
          .add("from_stage", StringType, false)
          .add("to_stage", StringType, false)
          .add("accepted", BooleanType, false)
          .add("actor", StringType, false)
          .add("reason", StringType, true)
          .add("gate_results", StringType, true)
          .add("at", TimestampType, false);

  public static final MetaTable MODELS =
      new MetaTable(
              "models",
              new StructType()
                  .add("model", StringType, false)
                  .add("version", IntegerType, false)
                  .add("run_id", StringType, false)
                  .add("artifact_path", StringType, false)
                  .add("artifact_sha256", StringType, false)
                  .add("metrics", createMapType(StringType, DoubleType), true)
                  .add("dataset", StringType, true)
                  .add("dataset_version", LongType, true)
                  .add("batch", StringType, true)
                  .add("config_hash", StringType, true)
                  .add("code_version", StringType, true)
                  .add("created_at", TimestampType, false),
              List.of("model", "version"),
              "one row per registered model version: its lineage and artifact, written once; its stage, "
                  + "aliases, tags and description are derived from model_transitions")
          .withMigrations(
              new Migration(
                  MODELS_V1,
                  "stage and updated_at move out of models: the current stage is derived from model_transitions",
                  (lake, rows) -> rows.drop("stage", "updated_at")));

  public static final MetaTable TRANSITIONS =
      new MetaTable(
              "model_transitions",
              new StructType()
                  .add("model", StringType, false)
                  .add("seq", LongType, false)
                  .add("ordinal", IntegerType, false)
                  .add("version", IntegerType, false)
                  .add("kind", StringType, false)
                  .add("from_stage", StringType, true)
                  .add("to_stage", StringType, true)
                  .add("name", StringType, true)
                  .add("value", StringType, true)
                  .add("previous_version", IntegerType, true)
                  .add("accepted", BooleanType, false)
                  .add("actor", StringType, false)
                  .add("reason", StringType, true)
                  .add("gate_results", GATE_RESULTS, true)
                  .add("at", TimestampType, false),
              List.of("model", "seq", "ordinal"),
              "the registry's log: one row per change of a version's stage, alias, tag or description, "
                  + "accepted or refused; seq numbers a model's commits, ordinal the rows of one commit")
          .withMigrations(
              new Migration(
                  TRANSITIONS_V1,
                  "one log for stages, aliases, tags and descriptions; commits numbered per model (seq); "
                      + "gate_results typed; the stage each version had in models kept as the current state",
                  RegistryMigrations::transitionsV1toV2));

  /** Columns of {@code models} that hold the immutable registration (all of them). */
  static final List<String> MODEL_COLUMNS = List.of(MODELS.schema().fieldNames());

  static org.apache.spark.sql.Column forModel(String model) {
    return col("model").equalTo(model);
  }
}
