package dev.esteira.ct;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.jobs.JobContext;
import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.ModelSpec;
import dev.esteira.registry.GateResult;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import dev.esteira.registry.RegistryFixtures;
import dev.esteira.registry.Stage;
import dev.esteira.registry.Transition;
import dev.esteira.scoring.PredictionStore;
import dev.esteira.scoring.PredictionTables;
import dev.esteira.scoring.Routing;
import dev.esteira.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * The nightly look of a canary on real tables: routed predictions of two hand-registered versions, labels
 * ingested as a dataset, and the look's move written to {@code model_transitions} with its evidence. The
 * predictions are made by hand so that the challenger's rows are known: right on every row (better), or
 * wrong on every row (worse); the champion right on 80 %.
 */
class RolloutLookTest {
  static final String MODEL = "loan_default";
  static final int ROWS = 600;

  /** A lakehouse with v1 in production, v2 in staging holding the challenger alias, and the labels. */
  static Object[] setUp(String name) throws Exception {
    Lakehouse lake = TestSpark.freshLakehouse(name);
    JobContext ctx = TestSpark.context(lake);
    ModelSpec spec = ctx.model(MODEL);
    RegistryFixtures.register(lake, version(1), version(2));
    Registry registry = new Registry(lake);
    assertTrue(registry.promote(spec, 1, Stage.STAGING, "test", null).accepted());
    assertTrue(registry.promote(spec, 1, Stage.PRODUCTION, "test", null).accepted());
    assertTrue(registry.promote(spec, 2, Stage.STAGING, "test", null).accepted());
    registry.setAlias(MODEL, ContinuousTraining.CHALLENGER, 2, "test", null);
    Path csv = TestSpark.newDir("labels").resolve("labels.csv");
    StringBuilder b = new StringBuilder("application_id,defaulted\n");
    for (int i = 0; i < ROWS; i++) {
      b.append(id(i)).append(',').append(i % 2).append('\n');
    }
    Files.writeString(csv, b.toString());
    new dev.esteira.data.Datasets(lake).ingest(ctx.dataset("loan_labels"), csv.toString(), "csv", "arrived-day-01");
    return new Object[] {lake, spec, registry};
  }

  static String id(int i) {
    return "A" + (10_000 + i);
  }

  static ModelVersion version(int v) {
    return ModelVersion.registration(MODEL, v)
        .run("run-" + v, Map.of("auc_roc", 0.8, "accuracy", 0.8))
        .artifact("/artifacts/" + MODEL + "/" + v, "0".repeat(64))
        .trainedOn("loans", 1L, "reference")
        .builtBy("hash", "test")
        .createdAt(Timestamp.from(Instant.parse("2026-03-01T00:00:00Z")))
        .build();
  }

  /**
   * The batch as the routed score writes it, both versions on every row (shadow): the champion right on
   * four rows in five, the challenger right on all ({@code better}) or on none.
   */
  static void score(Lakehouse lake, Routing routing, boolean better) {
    int challengerVersion = routing.challenger();
    List<Row> rows = new ArrayList<>();
    Timestamp at = Timestamp.from(Instant.now());
    for (int i = 0; i < ROWS; i++) {
      double label = i % 2;
      boolean toChallenger = routing.toChallenger(id(i));
      double champion = i % 5 == 0 ? 1 - label : label;
      double challenger = better ? label : 1 - label;
      rows.add(RowFactory.create(MODEL, 1, "loans", 1L, "day-01", id(i), champion, 0.5, null, at,
          toChallenger ? Routing.SHADOW : Routing.SERVED, routing.experiment()));
      rows.add(RowFactory.create(MODEL, challengerVersion, "loans", 1L, "day-01", id(i), challenger, 0.5, null, at,
          toChallenger ? Routing.SERVED : Routing.SHADOW, routing.experiment()));
    }
    new PredictionStore(lake).replaceServing(MODEL, List.of(1, challengerVersion), "day-01",
        lake.frame(PredictionTables.PREDICTIONS, rows));
  }

  static Policy policy() {
    return new Policy(MODEL, "loan_labels", null, null, null,
        new Rollout("canary", null, null, null, null, 0.05, 0.0, 0.01, 200L, 2000L));
  }

  @Test
  void aBetterChallengerIsWidenedAWorseOneRolledBackABetterOnePromotedEachMoveInTheLog() throws Exception {
    Object[] f = setUp("rollout-look");
    Lakehouse lake = (Lakehouse) f[0];
    ModelSpec spec = (ModelSpec) f[1];
    Registry registry = (Registry) f[2];
    ContinuousTraining ct = new ContinuousTraining(lake, TestSpark.config(), dev.esteira.Progress.NONE);

    Routing routing = ct.routing(spec, policy()).orElseThrow();
    assertEquals(new Routing(MODEL + "-v2", 1, 2, 5.0, true), routing, "the first step, before any look");
    score(lake, routing, true);
    Rollouts.Look look = ct.rollout(spec, policy()).orElseThrow();
    assertEquals(RolloutDecision.Action.WIDEN, look.decision().action(), look.message());
    // Paired on every labelled row: the challenger right on all 600, the champion on 480.
    assertEquals(ROWS, look.decision().look().rows());
    assertEquals(0.2, look.decision().look().estimate(), 1e-12);
    assertEquals(25.0, ct.routing(spec, policy()).orElseThrow().share(), "the next night routes at 25 %");
    Transition widened = last(registry);
    assertEquals(Transition.Kind.TAG, widened.kind());
    assertEquals(Rollouts.TAG_SHARE, widened.name());
    assertEquals("25", widened.value());
    assertTrue(widened.reason().contains("widened from 5% to 25%"), widened.reason());
    GateResult bound = widened.gates().get(0);
    assertEquals(look.decision().look().lower(), bound.value(), 1e-12);
    assertEquals(-0.01, bound.threshold());

    // The night run again: scored at the new share, the same labels. The look holds (it widened on these
    // rows already) instead of widening a second time; the log and the share are unchanged.
    score(lake, routing.withShare(25), true);
    Rollouts.Look rerun = ct.rollout(spec, policy()).orElseThrow();
    assertEquals(RolloutDecision.Action.HOLD, rerun.decision().action(), rerun.message());
    assertEquals(ROWS, rerun.decision().look().rows());
    assertEquals(25.0, ct.routing(spec, policy()).orElseThrow().share(), "still 25 %");
    assertEquals(widened, last(registry), "no new move in the log");

    // The same experiment turning worse: rolled back, archived with its evidence, the alias released.
    score(lake, routing.withShare(25), false);
    Rollouts.Look worse = ct.rollout(spec, policy()).orElseThrow();
    assertEquals(RolloutDecision.Action.ROLLBACK, worse.decision().action(), worse.message());
    assertEquals(-0.8, worse.decision().look().estimate(), 1e-12);
    assertEquals(Stage.ARCHIVED, registry.version(MODEL, 2).stage());
    assertEquals(Stage.PRODUCTION, registry.version(MODEL, 1).stage());
    assertTrue(registry.version(MODEL, 2).aliases().isEmpty());
    assertTrue(ct.routing(spec, policy()).isEmpty(), "the champion serves every row again");
    Transition archived = registry.transitions(MODEL).stream()
        .filter(t -> t.kind() == Transition.Kind.STAGE && t.toStage() == Stage.ARCHIVED && t.version() == 2)
        .findFirst().orElseThrow();
    assertTrue(archived.accepted());
    assertEquals(worse.decision().look().upper(), archived.gates().get(0).value(), 1e-12);
    assertTrue(archived.gates().get(0).value() < 0);

    // A next challenger, in an A/B test, better: promoted through the production gates with the evidence,
    // the champion archived in the same commit, the alias released.
    RegistryFixtures.register(lake, version(3));
    assertTrue(registry.promote(spec, 3, Stage.STAGING, "test", null).accepted());
    registry.setAlias(MODEL, ContinuousTraining.CHALLENGER, 3, "test", null);
    Policy ab = new Policy(MODEL, "loan_labels", null, null, null,
        new Rollout("ab", null, 50.0, null, null, 0.05, 0.0, 0.01, 200L, 2000L));
    Routing split = ct.routing(spec, ab).orElseThrow();
    assertEquals(new Routing(MODEL + "-v3", 1, 3, 50.0, true), split);
    score(lake, split, true);
    Rollouts.Look promoted = ct.rollout(spec, ab).orElseThrow();
    assertEquals(RolloutDecision.Action.PROMOTE, promoted.decision().action(), promoted.message());
    assertTrue(promoted.message().startsWith("promoted: "), promoted.message());
    assertEquals(Stage.PRODUCTION, registry.version(MODEL, 3).stage());
    assertEquals(Stage.ARCHIVED, registry.version(MODEL, 1).stage());
    assertTrue(registry.version(MODEL, 3).aliases().isEmpty());
    Transition toProduction = registry.transitions(MODEL).stream()
        .filter(t -> t.kind() == Transition.Kind.STAGE && t.toStage() == Stage.PRODUCTION && t.version() == 3)
        .findFirst().orElseThrow();
    assertTrue(toProduction.gates().stream().anyMatch(g -> g.check().startsWith("rollout lower bound above min_delta")
        && g.passed() && g.value() > 0), toProduction.gates().toString());
  }

  static Transition last(Registry registry) {
    List<Transition> log = registry.transitions(MODEL);
    return log.get(log.size() - 1);
  }
}
