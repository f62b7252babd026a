package dev.esteira.registry;

import static org.junit.jupiter.api.Assertions.*;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Who served when, on a hand-written log whose every period is known: stages, a refused promotion,
 * aliases set, moved and removed, a rollback, and commits that change neither production nor an alias.
 * Plain Java: the periods are the replay of the log's prefixes ({@link RegistryState}).
 */
class RegistryHistoryTest {
  static final String MODEL = "credit";
  static final Instant T1 = Instant.parse("2026-03-01T10:00:00Z");

  static Instant t(int commit) {
    return T1.plusSeconds(3600L * (commit - 1));
  }

  static Timestamp at(int commit) {
    return Timestamp.from(t(commit));
  }

  /** The log, numbered into commits 1 to 7 at T1 + (commit - 1) hours. */
  static List<Transition> log() {
    ModelVersion v1 = ModelVersionsViewTest.registration(MODEL, 1);
    ModelVersion v2 = ModelVersionsViewTest.registration(MODEL, 2);
    ModelVersion v3 = ModelVersionsViewTest.registration(MODEL, 3);
    List<Transition> log = new ArrayList<>();
    commit(log, 1, Transition.stageChange(v1, Stage.NONE, Stage.STAGING, true, "ana", "first", List.of(), at(1)));
    commit(log, 2, Transition.stageChange(v1, Stage.STAGING, Stage.PRODUCTION, true, "ana", "gates passed", List.of(), at(2)));
    commit(log, 3,
        Transition.stageChange(v2, Stage.NONE, Stage.STAGING, true, "bo", null, List.of(), at(3)),
        Transition.stageChange(v2, Stage.STAGING, Stage.PRODUCTION, false, "bo", "refused by gates", List.of(), at(3)),
        Transition.aliasSet(v1, "champion", null, "bo", null, at(3)));
    commit(log, 4,
        Transition.stageChange(v2, Stage.STAGING, Stage.PRODUCTION, true, "bo", "retrained", List.of(), at(4)),
        Transition.stageChange(v1, Stage.PRODUCTION, Stage.ARCHIVED, true, "bo", "replaced by v2", List.of(), at(4)),
        Transition.aliasSet(v2, "champion", 1, "bo", null, at(4)),
        Transition.aliasSet(v3, "challenger", null, "ct", "retrained", at(4)));
    commit(log, 5,
        Transition.stageChange(v2, Stage.PRODUCTION, Stage.ARCHIVED, true, "cy", "rollback", List.of(), at(5)),
        Transition.stageChange(v1, Stage.ARCHIVED, Stage.PRODUCTION, true, "cy", "rollback", List.of(), at(5)));
    commit(log, 6, Transition.tagSet(v1, "incident", "INC-7", "cy", at(6)));
    commit(log, 7, Transition.aliasRemoved(v3, "challenger", "cy", "dropped", at(7)));
    return log;
  }

  static void commit(List<Transition> log, int seq, Transition... rows) {
    for (int i = 0; i < rows.length; i++) {
      log.add(rows[i].numbered(seq, i));
    }
  }

  record Expected(int commit, Integer production, Map<String, Integer> aliases) {}

  /** Written by hand from the log above: the commits that changed production or an alias. */
  static final List<Expected> EXPECTED = List.of(
      new Expected(2, 1, Map.of()),
      new Expected(3, 1, Map.of("champion", 1)),
      new Expected(4, 2, Map.of("champion", 2, "challenger", 3)),
      new Expected(5, 1, Map.of("champion", 2, "challenger", 3)),
      new Expected(7, 1, Map.of("champion", 2)));

  @Test
  void eachPeriodOpensAtTheCommitThatChangedWhoServesOrAnAlias() {
    RegistryHistory h = RegistryHistory.of(MODEL, log());
    assertEquals(EXPECTED.size(), h.periods().size(), h.periods().toString());
    for (int i = 0; i < EXPECTED.size(); i++) {
      Expected e = EXPECTED.get(i);
      RegistryHistory.Period p = h.periods().get(i);
      assertEquals(t(e.commit()), p.from(), "period " + i);
      assertEquals(e.commit(), p.seq(), "period " + i);
      assertEquals(e.production(), p.production(), "period " + i);
      assertEquals(e.aliases(), p.aliases(), "period " + i);
    }
    // The refused promotion of commit 3 is not among its changes; v2's move to staging is.
    assertEquals(List.of("none -> staging", "alias champion"),
        h.periods().get(1).changes().stream().map(Transition::summary).toList());
    assertEquals(Stage.ARCHIVED, h.periods().get(3).stages().get(2), "rolled back: v2 archived");
    assertEquals(Map.of("archived", List.of(2), "production", List.of(1)),
        RegistryHistory.byStage(h.periods().get(4).stages()));
  }

  @Test
  void atAnyTimeTheAnswerIsTheHandWrittenPeriodAndTheReplayByTime() {
    List<Transition> log = log();
    RegistryHistory h = RegistryHistory.of(MODEL, log);
    assertEquals(Optional.empty(), h.at(t(2).minusNanos(1000)), "before v1 reached production nothing served");
    // Every 10 minutes from an hour before the log to two hours after it.
    for (Instant when = t(1).minusSeconds(3600); when.isBefore(t(9)); when = when.plusSeconds(600)) {
      Expected expected = null;
      for (Expected e : EXPECTED) {
        if (!t(e.commit()).isAfter(when)) {
          expected = e;
        }
      }
      Optional<RegistryHistory.Period> p = h.at(when);
      assertEquals(expected == null ? null : expected.production(), p.map(RegistryHistory.Period::production).orElse(null), "at " + when);
      assertEquals(expected == null ? Map.of() : expected.aliases(), p.map(RegistryHistory.Period::aliases).orElse(Map.of()), "at " + when);
      // The same answer as Registry.stateAt's replay of the rows written by then.
      RegistryState byTime = RegistryHistory.stateAt(log, when);
      assertEquals(byTime.inProduction().stream().findFirst().orElse(null), p.map(RegistryHistory.Period::production).orElse(null));
      assertEquals(byTime.aliases(), p.map(RegistryHistory.Period::aliases).orElse(Map.of()));
    }
    // Exactly at a commit's instant, the commit counts.
    assertEquals(2, h.at(t(4)).orElseThrow().production());
    assertEquals(1, h.at(t(4).minusNanos(1000)).orElseThrow().production());
  }

  @Test
  void theOrderTheRowsAreReadInDoesNotMatter() {
    List<Transition> shuffled = new ArrayList<>(log());
    Collections.shuffle(shuffled, new Random(7));
    assertEquals(RegistryHistory.of(MODEL, log()), RegistryHistory.of(MODEL, shuffled));
  }

  @Test
  void aLogWithoutProductionOrAliasHasNoPeriod() {
    List<Transition> log = log().subList(0, 1);
    assertEquals(List.of(), RegistryHistory.of(MODEL, log).periods());
    assertEquals(Optional.empty(), RegistryHistory.of(MODEL, List.of()).at(t(9)));
  }
}
