package dev.esteira.registry;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.lake.Lakehouse;
import dev.esteira.testing.TestSpark;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The SQL view {@code model_versions} ({@link RegistryViews#MODEL_VERSIONS_SQL}) and the registry's own
 * replay ({@link RegistryState}) are two readings of one log; they must agree on every version of every
 * history, or an analyst's query and {@code registry show} tell different stories.
 */
class ModelVersionsViewTest {
  private static final String[] ALIASES = {"champion", "challenger", "shadow"};
  private static final String[] TAG_NAMES = {"team", "owner", "risk"};
  private static final String[] TAG_VALUES = {"a", "b", "c"};
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /** What a version looks like in both readings: compared as one value, so a mismatch prints whole. */
  record VersionState(Stage stage, List<String> aliases, Map<String, String> tags, String description) {}

  @Test
  void tagSetThenDeletedIsGoneFromTheViewAsFromTheRegistry() {
    Lakehouse lake = TestSpark.freshLakehouse("view-tag");
    Registry registry = new Registry(lake);
    lake.append(RegistryTables.MODELS, List.of(RegistryTables.registrationRow(registration("loan_default", 1), lake.root())));

    registry.setTag("loan_default", 1, "team", "risk", "tester");
    registry.setTag("loan_default", 1, "team", null, "tester");
    assertEquals(Map.of(), registry.version("loan_default", 1).tags());
    assertEquals(Map.of(), viewStates(lake).get("loan_default v1").tags());

    // Set again after the removal: the newest row wins again.
    registry.setTag("loan_default", 1, "team", "fraud", "tester");
    assertEquals(Map.of("team", "fraud"), registry.version("loan_default", 1).tags());
    assertEquals(Map.of("team", "fraud"), viewStates(lake).get("loan_default v1").tags());
  }

  /**
   * Random histories (several versions each: stages, refused moves, rollbacks, aliases set, moved and
   * removed, tags set, removed and set again, descriptions), one model per history, all written in one
   * append and read by one query of the view.
   */
  @Test
  void viewAgreesWithTheReplayOnRandomHistories() {
    Lakehouse lake = TestSpark.freshLakehouse("view-property");
    Random random = new Random(20261206L);
    int histories = 300;
    List<Row> registrations = new ArrayList<>();
    List<Row> transitions = new ArrayList<>();
    Map<String, VersionState> expected = new TreeMap<>();
    Map<String, List<Transition>> logs = new LinkedHashMap<>();
    for (int h = 0; h < histories; h++) {
      String model = "model_" + h;
      int versions = 1 + random.nextInt(4);
      List<Transition> log = randomHistory(model, versions, random);
      logs.put(model, log);
      RegistryState state = RegistryState.replay(log);
      for (int v = 1; v <= versions; v++) {
        ModelVersion registered = registration(model, v);
        registrations.add(RegistryTables.registrationRow(registered, lake.root()));
        expected.put(model + " v" + v, stateOf(state.apply(registered)));
      }
      log.forEach(t -> transitions.add(RegistryTables.transitionRow(t)));
    }
    // Commit order is (seq, ordinal), never the order rows happen to be stored in.
    Collections.shuffle(transitions, random);
    lake.append(RegistryTables.MODELS, registrations);
    lake.append(RegistryTables.TRANSITIONS, transitions);

    Map<String, VersionState> actual = viewStates(lake);
    assertEquals(expected.keySet(), actual.keySet());
    List<String> mismatches = new ArrayList<>();
    for (Map.Entry<String, VersionState> e : expected.entrySet()) {
      VersionState fromView = actual.get(e.getKey());
      if (!e.getValue().equals(fromView)) {
        String model = e.getKey().substring(0, e.getKey().indexOf(' '));
        mismatches.add(e.getKey() + ": replay " + e.getValue() + ", view " + fromView + "; log "
            + logs.get(model).stream().map(t -> t.seq() + "." + t.ordinal() + " v" + t.version() + " " + t.summary()).toList());
      }
    }
    assertTrue(mismatches.isEmpty(),
        mismatches.size() + " of " + expected.size() + " versions disagree, first: "
            + mismatches.subList(0, Math.min(3, mismatches.size())));
  }

  /** A history of one model as {@link Registry} writes it, plus rows it never would (refused, odd removals). */
  static List<Transition> randomHistory(String model, int versions, Random random) {
    List<Transition> log = new ArrayList<>();
    // The writer's view of the state while generating, so moves are mostly the ones the registry makes.
    int commits = 3 + random.nextInt(25);
    for (int seq = 1; seq <= commits; seq++) {
      RegistryState state = RegistryState.replay(log);
      Timestamp at = Timestamp.from(START.plusSeconds(60L * seq));
      int version = 1 + random.nextInt(versions);
      ModelVersion v = registration(model, version);
      List<Transition> commit = new ArrayList<>();
      int op = random.nextInt(11);
      switch (op) {
        case 0, 1 -> {
          Stage to = List.of(Stage.STAGING, Stage.PRODUCTION, Stage.ARCHIVED).get(random.nextInt(3));
          boolean accepted = random.nextInt(5) > 0;
          commit.add(Transition.stageChange(v, state.stage(version), to, accepted, "tester", null, List.of(), at));
          List<Integer> production = state.inProduction();
          if (accepted && to == Stage.PRODUCTION && !production.isEmpty() && production.get(0) != version) {
            commit.add(Transition.stageChange(registration(model, production.get(0)), Stage.PRODUCTION,
                Stage.ARCHIVED, true, "tester", "replaced", List.of(), at));
          }
        }
        case 2 -> {
          // A rollback: the version in production archived, another put back, in one commit.
          List<Integer> production = state.inProduction();
          if (!production.isEmpty() && versions > 1) {
            int back = production.get(0) == version ? 1 + (version % versions) : version;
            commit.add(Transition.stageChange(registration(model, production.get(0)), Stage.PRODUCTION,
                Stage.ARCHIVED, true, "tester", "rollback", List.of(), at));
            commit.add(Transition.stageChange(registration(model, back), state.stage(back), Stage.PRODUCTION, true,
                "tester", "rollback", List.of(), at));
          }
        }
        case 3, 4 -> {
          String alias = ALIASES[random.nextInt(ALIASES.length)];
          Transition set = Transition.aliasSet(v, alias, state.holder(alias).orElse(null), "tester", null, at);
          commit.add(random.nextInt(8) > 0 ? set : refused(set));
        }
        case 5 -> {
          // Removed from its holder as the registry does, or now and then from a version not holding it,
          // which must change nothing.
          String alias = ALIASES[random.nextInt(ALIASES.length)];
          int from = random.nextInt(4) > 0 ? state.holder(alias).orElse(version) : version;
          commit.add(Transition.aliasRemoved(registration(model, from), alias, "tester", null, at));
        }
        case 6, 7 -> commit.add(tag(v, random, true, at));
        case 8 -> commit.add(tag(v, random, false, at));
        case 9 -> {
          // Several changes of one tag in one commit: the ordinal decides.
          for (int i = 0, n = 2 + random.nextInt(3); i < n; i++) {
            commit.add(tag(v, random, random.nextBoolean(), at));
          }
        }
        default -> {
          Transition described =
              Transition.description(v, random.nextInt(6) == 0 ? null : "text " + random.nextInt(3), "tester", at);
          commit.add(random.nextInt(6) > 0 ? described : refused(described));
        }
      }
      for (int i = 0; i < commit.size(); i++) {
        log.add(commit.get(i).numbered(seq, i));
      }
    }
    return log;
  }

  private static Transition tag(ModelVersion v, Random random, boolean set, Timestamp at) {
    String name = TAG_NAMES[random.nextInt(TAG_NAMES.length)];
    if (!set) {
      return Transition.tagRemoved(v, name, "tester", at);
    }
    Transition tag = Transition.tagSet(v, name, TAG_VALUES[random.nextInt(TAG_VALUES.length)], "tester", at);
    return random.nextInt(8) > 0 ? tag : refused(tag);
  }

  /**
   * The row as written refused. The registry refuses only stage moves, but a refused row of any kind must
   * change nothing in either reading.
   */
  private static Transition refused(Transition t) {
    return new Transition(t.model(), t.seq(), t.ordinal(), t.version(), t.kind(), t.fromStage(), t.toStage(), t.name(),
        t.value(), t.previousVersion(), false, t.actor(), t.reason(), t.gates(), t.at());
  }

  static ModelVersion registration(String model, int version) {
    return ModelVersion.registration(model, version)
        .run("run-" + model + "-" + version, Map.of("auc_roc", 0.8))
        .artifact("/artifacts/" + model + "/" + version, "0".repeat(64))
        .trainedOn("loans", 1L, "reference")
        .builtBy("hash", "test")
        .createdAt(Timestamp.from(START))
        .build();
  }

  private static VersionState stateOf(ModelVersion v) {
    return new VersionState(v.stage(), v.aliases().stream().sorted().toList(), new TreeMap<>(v.tags()), v.description());
  }

  /** Every version as the view shows it, keyed "model vN"; read by column name. */
  static Map<String, VersionState> viewStates(Lakehouse lake) {
    lake.read(RegistryTables.MODELS).createOrReplaceTempView(RegistryTables.MODELS.name());
    lake.read(RegistryTables.TRANSITIONS).createOrReplaceTempView(RegistryTables.TRANSITIONS.name());
    Map<String, VersionState> out = new TreeMap<>();
    for (Row r : lake.spark().sql(RegistryViews.MODEL_VERSIONS_SQL).collectAsList()) {
      // The view has no tags map for a version without tags; the replay has an empty one.
      Map<String, String> tags = r.isNullAt(r.fieldIndex("tags")) ? Map.of() : r.getJavaMap(r.fieldIndex("tags"));
      out.put(r.<String>getAs("model") + " v" + r.<Integer>getAs("version"), new VersionState(
          Stage.parse(r.getAs("stage")), List.copyOf(r.<String>getList(r.fieldIndex("aliases"))), new TreeMap<>(tags),
          r.getAs("description")));
    }
    return out;
  }
}
