package dev.esteira.registry;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.lake.Lakehouse;
import dev.esteira.testing.TestSpark;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry's state in the past, by time and by Delta version of {@code model_transitions}, on a
 * hand-written history whose every step is known: one commit of the log per append, at a known instant.
 */
class RegistryStateAtTest {
  static final String MODEL = "credit";
  static final Instant T1 = Instant.parse("2026-03-01T10:00:00Z");
  static final Instant T2 = T1.plusSeconds(3600);
  static final Instant T3 = T2.plusSeconds(3600);
  static final Instant T4 = T3.plusSeconds(3600);
  static final Instant T5 = T4.plusSeconds(3600);
  static Lakehouse lake;
  static Registry registry;
  /** The Delta version of model_transitions right after commit i (index 1 to 5). */
  static final long[] versionAfter = new long[6];

  @BeforeAll
  static void writeHistory() {
    lake = TestSpark.freshLakehouse("state-at");
    registry = new Registry(lake);
    ModelVersion v1 = ModelVersionsViewTest.registration(MODEL, 1);
    ModelVersion v2 = ModelVersionsViewTest.registration(MODEL, 2);
    // Another model's rows in the same commits: they must not leak into this model's state.
    ModelVersion other = ModelVersionsViewTest.registration("other", 1);
    lake.append(RegistryTables.MODELS, List.of(RegistryTables.registrationRow(v1, lake.root()),
        RegistryTables.registrationRow(v2, lake.root()), RegistryTables.registrationRow(other, lake.root())));
    commit(1, T1,
        Transition.stageChange(v1, Stage.NONE, Stage.STAGING, true, "ana", "first", List.of(), at(T1)),
        Transition.stageChange(other, Stage.NONE, Stage.PRODUCTION, true, "ana", null, List.of(), at(T1)));
    commit(2, T2,
        Transition.stageChange(v1, Stage.STAGING, Stage.PRODUCTION, true, "ana", "gates passed", List.of(), at(T2)),
        Transition.tagSet(v1, "team", "risk", "ana", at(T2)));
    commit(3, T3,
        Transition.stageChange(v2, Stage.NONE, Stage.STAGING, true, "bo", null, List.of(), at(T3)),
        Transition.stageChange(v2, Stage.STAGING, Stage.PRODUCTION, false, "bo", "refused by gates", List.of(), at(T3)),
        Transition.aliasSet(v1, "champion", null, "bo", null, at(T3)),
        Transition.tagSet(other, "team", "fraud", "bo", at(T3)));
    commit(4, T4,
        Transition.stageChange(v2, Stage.STAGING, Stage.PRODUCTION, true, "bo", "retrained", List.of(), at(T4)),
        Transition.stageChange(v1, Stage.PRODUCTION, Stage.ARCHIVED, true, "bo", "replaced by v2", List.of(), at(T4)),
        Transition.aliasSet(v2, "champion", 1, "bo", null, at(T4)),
        Transition.tagRemoved(v1, "team", "bo", at(T4)));
    commit(5, T5,
        Transition.stageChange(v2, Stage.PRODUCTION, Stage.ARCHIVED, true, "cy", "rollback", List.of(), at(T5)),
        Transition.stageChange(v1, Stage.ARCHIVED, Stage.PRODUCTION, true, "cy", "rollback", List.of(), at(T5)),
        Transition.description(v1, "back after the v2 incident", "cy", at(T5)));
  }

  /** One commit of the log: its rows numbered as the registry numbers them (the other model gets seq too). */
  static void commit(int seq, Instant at, Transition... rows) {
    List<org.apache.spark.sql.Row> out = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      out.add(RegistryTables.transitionRow(rows[i].numbered(seq, i)));
    }
    lake.append(RegistryTables.TRANSITIONS, out);
    versionAfter[seq] = lake.currentVersion(RegistryTables.TRANSITIONS);
  }

  static Timestamp at(Instant instant) {
    return Timestamp.from(instant);
  }

  @Test
  void beforeTheFirstCommitNothingHappenedYet() {
    RegistryState before = registry.stateAt(MODEL, T1.minusSeconds(1));
    assertEquals(0, before.lastSeq());
    assertEquals(Stage.NONE, before.stage(1));
    assertEquals(Map.of(), before.aliases());
    assertEquals(Stage.NONE, registry.stateAt(MODEL, -1L).stage(1));
  }

  @Test
  void byTimeEachCommitCountsFromItsInstantOn() {
    RegistryState atT2 = registry.stateAt(MODEL, T2);
    assertEquals(Stage.PRODUCTION, atT2.stage(1));
    assertEquals(Map.of("team", "risk"), atT2.tags(1));
    assertEquals(2, atT2.lastSeq());

    // Between commits 3 and 4: v2 in staging (its promotion was refused), the alias on v1.
    RegistryState betweenT3AndT4 = registry.stateAt(MODEL, T3.plusSeconds(1800));
    assertEquals(Stage.PRODUCTION, betweenT3AndT4.stage(1));
    assertEquals(Stage.STAGING, betweenT3AndT4.stage(2));
    assertEquals(Optional.of(1), betweenT3AndT4.holder("champion"));
    assertEquals(List.of(1), betweenT3AndT4.inProduction());
    assertEquals(Map.of(), betweenT3AndT4.tags(2), "the other model's tag stays with it");

    RegistryState atT4 = registry.stateAt(MODEL, T4);
    assertEquals(List.of(2), atT4.inProduction());
    assertEquals(Stage.ARCHIVED, atT4.stage(1));
    assertEquals(Optional.of(2), atT4.holder("champion"));
    assertEquals(Map.of(), atT4.tags(1));
    assertEquals(Optional.empty(), atT4.description(1));

    RegistryState now = registry.stateAt(MODEL, T5.plusSeconds(86_400));
    assertEquals(List.of(1), now.inProduction());
    assertEquals(Optional.of("back after the v2 incident"), now.description(1));
    assertEquals(Optional.of(2), now.holder("champion"), "a rollback moves stages, not aliases");
  }

  @Test
  void byTableVersionAReaderSeesWhatThatVersionHeld() {
    for (int seq = 1; seq <= 5; seq++) {
      Instant atCommit = List.of(T1, T2, T3, T4, T5).get(seq - 1);
      RegistryState byVersion = registry.stateAt(MODEL, versionAfter[seq]);
      RegistryState byTime = registry.stateAt(MODEL, atCommit);
      assertEquals(seq, byVersion.lastSeq());
      for (int v = 1; v <= 2; v++) {
        assertEquals(byTime.stage(v), byVersion.stage(v), "stage of v" + v + " after commit " + seq);
        assertEquals(byTime.tags(v), byVersion.tags(v), "tags of v" + v + " after commit " + seq);
      }
      assertEquals(byTime.aliases(), byVersion.aliases(), "aliases after commit " + seq);
    }
    assertEquals(Stage.STAGING, registry.stateAt(MODEL, versionAfter[1]).stage(1));
    assertEquals(List.of(2), registry.stateAt(MODEL, versionAfter[4]).inProduction());
  }

  /**
   * `registry history` on this log, through the CLI (which reads it with Delta Kernel): the periods and
   * the state at a time are those of the replay by time above.
   */
  @Test
  void historyThroughTheCliAgreesWithTheStateAtEachTime() throws Exception {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var doc = mapper.readTree(cli("registry", "history", MODEL, "--format", "json"));
    var periods = doc.get("periods");
    // Commit 1 changed neither production nor an alias, commit 3's alias did, commit 2, 4 and 5 moved production.
    assertEquals(List.of(2L, 3L, 4L, 5L), java.util.stream.StreamSupport.stream(periods.spliterator(), false)
        .map(p -> p.get("seq").asLong()).toList());
    for (var p : periods) {
      RegistryState s = registry.stateAt(MODEL, Instant.parse(p.get("from").asText()));
      assertEquals(s.inProduction().get(0), p.get("production").asInt());
      assertEquals(s.aliases().toString(), mapper.convertValue(p.get("aliases"), java.util.TreeMap.class).toString());
    }
    var between = mapper.readTree(cli("registry", "history", MODEL, "--at", T3.plusSeconds(1800).toString(), "--format", "json"));
    assertEquals(1, between.get("production").asInt());
    assertEquals(1, between.get("aliases").get("champion").asInt());
    assertEquals(List.of(2), mapper.convertValue(between.get("stages").get("staging"), List.class));
    assertEquals(T3.toString(), between.get("since").asText());
    var before = mapper.readTree(cli("registry", "history", MODEL, "--at", "2026-03-01", "--format", "json"));
    assertTrue(before.get("production").isNull(), before.toString());
    String text = cli("registry", "history", MODEL, "--at", T5.toString());
    assertTrue(text.startsWith(MODEL + " at " + T5 + ": v1 in production; aliases: champion=v2"), text);
    assertTrue(text.contains("rollback"), text);
  }

  @Test
  void historyRefusesABadTimeAndAnUnknownModelInOneLine() throws Exception {
    var bad = run("registry", "history", MODEL, "--at", "yesterday");
    assertEquals("1", bad[0], bad[2]);
    assertEquals("esteira: error: registry history: --at 'yesterday' is not a time (use 2026-03-01T12:30:00Z, "
        + "2026-03-01T12:30 in UTC, or 2026-03-01)", bad[2].strip());
    var unknown = run("registry", "history", "nobody");
    assertEquals("1", unknown[0]);
    assertEquals("esteira: error: unknown model 'nobody': no version registered", unknown[2].strip());
  }

  /** The CLI in this JVM: exit code, stdout, stderr. */
  static String[] run(String... args) {
    java.util.List<String> all = new ArrayList<>(List.of("--lakehouse", lake.root(), "-q", "--conf-dir",
        dev.esteira.testing.TestSpark.confDir().toString()));
    all.addAll(List.of(args));
    var out = System.out;
    var err = System.err;
    var o = new java.io.ByteArrayOutputStream();
    var e = new java.io.ByteArrayOutputStream();
    try {
      System.setOut(new java.io.PrintStream(o, true, java.nio.charset.StandardCharsets.UTF_8));
      System.setErr(new java.io.PrintStream(e, true, java.nio.charset.StandardCharsets.UTF_8));
      int code = dev.esteira.cli.Main.execute(all.toArray(new String[0]));
      return new String[] {String.valueOf(code), o.toString(java.nio.charset.StandardCharsets.UTF_8),
          e.toString(java.nio.charset.StandardCharsets.UTF_8)};
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  static String cli(String... args) {
    String[] r = run(args);
    assertEquals("0", r[0], r[2]);
    return r[1];
  }
}
