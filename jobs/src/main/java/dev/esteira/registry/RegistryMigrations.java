package dev.esteira.registry;

import dev.esteira.config.Json;
import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.StoragePaths;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Migrations of the registry's tables from older schemas (see {@link RegistryTables}). */
final class RegistryMigrations {
  private RegistryMigrations() {}

  static final String MIGRATION_ACTOR = "esteira lakehouse migrate";

  /**
   * Schema 1 to 2 of {@code model_transitions}: each model's rows are numbered into commits (rows written
   * at the same instant were one operation), typed, and followed, where replaying them does not give
   * the stage that {@code models} (schema 1) recorded for a version, by one commit that sets it: schema 1
   * could end with two versions in production after concurrent promotions, and then only the most
   * recently updated keeps production. Runs before {@code models} is migrated.
   */
  static Dataset<Row> transitionsV1toV2(Lakehouse lake, Dataset<Row> old) {
    Map<String, List<Row>> byModel = new TreeMap<>();
    for (Row r : old.collectAsList()) {
      byModel.computeIfAbsent(r.getAs("model"), k -> new ArrayList<>()).add(r);
    }
    Map<String, List<Row>> modelsV1 = new TreeMap<>();
    String modelsPath = lake.path(RegistryTables.MODELS);
    if (lake.isDeltaTable(modelsPath)) {
      Dataset<Row> models = lake.spark().read().format("delta").load(modelsPath);
      if (List.of(models.columns()).contains("stage")) {
        for (Row r : models.collectAsList()) {
          modelsV1.computeIfAbsent(r.getAs("model"), k -> new ArrayList<>()).add(r);
          byModel.computeIfAbsent(r.getAs("model"), k -> new ArrayList<>());
        }
      }
    }
    List<Row> out = new ArrayList<>();
    Timestamp now = Timestamp.from(Instant.now());
    for (Map.Entry<String, List<Row>> e : byModel.entrySet()) {
      String model = e.getKey();
      List<Row> rows = new ArrayList<>(e.getValue());
      rows.sort(Comparator.comparing((Row r) -> r.<Timestamp>getAs("at")).thenComparing(r -> r.<Integer>getAs("version")));
      List<Transition> log = new ArrayList<>();
      long seq = 0;
      int ordinal = 0;
      Timestamp last = null;
      for (Row r : rows) {
        Timestamp at = r.getAs("at");
        if (!at.equals(last)) {
          seq++;
          ordinal = 0;
          last = at;
        }
        log.add(Transition.stageChange(model, r.<Integer>getAs("version"), Stage.parse(r.getAs("from_stage")),
                Stage.parse(r.getAs("to_stage")), r.<Boolean>getAs("accepted"), r.getAs("actor"), r.getAs("reason"),
                gates(r.getAs("gate_results")), at)
            .numbered(seq, ordinal++));
      }
      log.addAll(reconcile(model, log, modelsV1.getOrDefault(model, List.of()), seq + 1, now));
      log.forEach(t -> out.add(RegistryTables.transitionRow(t)));
    }
    return lake.frame(RegistryTables.TRANSITIONS, out);
  }

  /**
   * Schema 2 to 3 of {@code models}: {@code artifact_path} (absolute) becomes {@code artifact}, relative
   * to the root (see {@link StoragePaths#migrated}); the SHA-256 is kept, so loading still refuses files
   * that are not the registered ones.
   */
  static Dataset<Row> modelsV2toV3(Lakehouse lake, Dataset<Row> old) {
    return StoragePaths.migrateToRelative(lake, RegistryTables.MODELS, old, "artifact_path", "artifact");
  }

  /** The commit that makes the replayed log agree with the stages schema 1 stored in {@code models}. */
  private static List<Transition> reconcile(String model, List<Transition> log, List<Row> models, long seq, Timestamp now) {
    RegistryState replayed = RegistryState.replay(log);
    List<Row> byRecency = new ArrayList<>(models);
    byRecency.sort(Comparator.comparing((Row r) -> r.<Timestamp>getAs("updated_at")).reversed());
    boolean productionTaken = false;
    List<Transition> fixes = new ArrayList<>();
    for (Row m : byRecency) {
      int version = m.getAs("version");
      Stage recorded = Stage.parse(m.getAs("stage"));
      String reason = "schema migration: stage as recorded in models";
      if (recorded == Stage.PRODUCTION) {
        if (productionTaken) {
          recorded = Stage.ARCHIVED;
          reason = "schema migration: a second version in production (left by concurrent promotions), archived";
        }
        productionTaken = true;
      }
      Stage current = replayed.stage(version);
      if (current != recorded) {
        fixes.add(Transition.stageChange(model, version, current, recorded, true, MIGRATION_ACTOR, reason, List.of(), now)
            .numbered(seq, fixes.size()));
      }
    }
    return fixes;
  }

  @SuppressWarnings("unchecked")
  private static List<GateResult> gates(String json) {
    if (json == null || json.isBlank()) {
      return List.of();
    }
    Map<String, Object> doc = Json.read(json, LinkedHashMap.class);
    List<GateResult> out = new ArrayList<>();
    for (Map<String, Object> g : (List<Map<String, Object>>) doc.getOrDefault("gates", List.of())) {
      out.add(new GateResult(String.valueOf(g.get("check")), number(g.get("value")), number(g.get("threshold")),
          Boolean.TRUE.equals(g.get("passed"))));
    }
    return out;
  }

  private static Double number(Object o) {
    return o instanceof Number n ? n.doubleValue() : null;
  }
}
