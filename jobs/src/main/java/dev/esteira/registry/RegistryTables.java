package dev.esteira.registry;

import static org.apache.spark.sql.types.DataTypes.*;

import dev.esteira.lake.MetaTable;
import dev.esteira.lake.Migration;
import dev.esteira.lake.Rows;
import dev.esteira.lake.StoragePaths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
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

  /** Schema version 2: {@code artifact_path}, the artifact's absolute URI (a moved lakehouse loaded the original's). */
  static final StructType MODELS_V2 =
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
          .add("created_at", TimestampType, false);

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
                  .add("artifact", StringType, false)
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
                  (lake, rows) -> rows.drop("stage", "updated_at")),
              new Migration(
                  MODELS_V2,
                  "artifact_path (absolute) becomes artifact, relative to the lakehouse root, so that a "
                      + "lakehouse copied or moved loads its own artifacts",
                  RegistryMigrations::modelsV2toV3));

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

  // ---------------------------------------------------------------- record <-> row, by column name

  /**
   * The row of {@code models} that registers a version (its state lives in the log, not here); the
   * artifact is stored relative to the lakehouse {@code root} (see {@link Artifacts#relativize}).
   */
  static Row registrationRow(ModelVersion v, String root) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", v.model());
    m.put("version", v.version());
    m.put("run_id", v.runId());
    m.put("artifact", StoragePaths.relativize(root, v.artifactPath()));
    m.put("artifact_sha256", v.artifactSha256());
    m.put("metrics", scala.collection.JavaConverters.mapAsScalaMap(v.metrics()));
    m.put("dataset", v.dataset());
    m.put("dataset_version", v.datasetVersion());
    m.put("batch", v.batch());
    m.put("config_hash", v.configHash());
    m.put("code_version", v.codeVersion());
    m.put("created_at", v.createdAt());
    return Rows.of(MODELS.schema(), m);
  }

  /**
   * A row of {@code models} as a version in stage none with no alias, tag or description yet, its
   * artifact resolved against the lakehouse {@code root} it is read from.
   */
  static ModelVersion registration(Row r, String root) {
    Map<String, Double> metrics = r.isNullAt(r.fieldIndex("metrics")) ? Map.of() : r.getJavaMap(r.fieldIndex("metrics"));
    return ModelVersion.registration(r.getAs("model"), r.<Integer>getAs("version"))
        .run(r.getAs("run_id"), metrics)
        .artifact(StoragePaths.resolve(root, r.getAs("artifact")), r.getAs("artifact_sha256"))
        .trainedOn(r.getAs("dataset"), r.getAs("dataset_version"), r.getAs("batch"))
        .builtBy(r.getAs("config_hash"), r.getAs("code_version"))
        .createdAt(r.getAs("created_at"))
        .build();
  }

  static Row transitionRow(Transition t) {
    List<Row> gateRows = new ArrayList<>();
    for (GateResult g : t.gates()) {
      Map<String, Object> gate = new LinkedHashMap<>();
      gate.put("check", g.check());
      gate.put("value", g.value());
      gate.put("threshold", g.threshold());
      gate.put("passed", g.passed());
      gateRows.add(Rows.of(GATE_RESULT, gate));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", t.model());
    m.put("seq", t.seq());
    m.put("ordinal", t.ordinal());
    m.put("version", t.version());
    m.put("kind", t.kind().label());
    m.put("from_stage", t.fromStage() == null ? null : t.fromStage().label());
    m.put("to_stage", t.toStage() == null ? null : t.toStage().label());
    m.put("name", t.name());
    m.put("value", t.value());
    m.put("previous_version", t.previousVersion());
    m.put("accepted", t.accepted());
    m.put("actor", t.actor());
    m.put("reason", t.reason());
    m.put("gate_results", gateRows);
    m.put("at", t.at());
    return Rows.of(TRANSITIONS.schema(), m);
  }

  static Transition transition(Row r) {
    List<GateResult> gates = new ArrayList<>();
    List<Row> raw = r.isNullAt(r.fieldIndex("gate_results")) ? List.of() : r.getList(r.fieldIndex("gate_results"));
    for (Row g : raw) {
      gates.add(new GateResult(g.getAs("check"), g.getAs("value"), g.getAs("threshold"), g.<Boolean>getAs("passed")));
    }
    String from = r.getAs("from_stage");
    String to = r.getAs("to_stage");
    return new Transition(
        r.getAs("model"), r.<Long>getAs("seq"), r.<Integer>getAs("ordinal"), r.<Integer>getAs("version"),
        Transition.Kind.parse(r.getAs("kind")), from == null ? null : Stage.parse(from),
        to == null ? null : Stage.parse(to), r.getAs("name"), r.getAs("value"), r.getAs("previous_version"),
        r.<Boolean>getAs("accepted"), r.getAs("actor"), r.getAs("reason"), gates, r.getAs("at"));
  }

  /** The rows of one model's log in {@code model_transitions}. */
  static dev.esteira.lake.Match logOf(String model) {
    return dev.esteira.lake.Match.on(TRANSITIONS).eq("model", model);
  }
}
