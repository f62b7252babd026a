package dev.esteira.ct;

import static org.apache.spark.sql.functions.*;

import dev.esteira.ml.ModelSpec;
import dev.esteira.monitor.GroundTruth;
import dev.esteira.monitor.TaskPerformance;
import dev.esteira.registry.GateResult;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import dev.esteira.registry.Stage;
import dev.esteira.registry.Transition;
import dev.esteira.scoring.PredictionStore;
import dev.esteira.scoring.Routing;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A challenger serving part of the rows (a {@link Rollout}): tonight's routing, and the nightly look that
 * compares it with the champion on the labelled rows and widens, promotes, rolls back or holds
 * ({@link RolloutDecision}). Its state is in the registry: the challenger alias names the version on
 * trial and its tag {@code rollout.share} the share it serves (the first share until a look widens it);
 * every move is a row of {@code model_transitions} with the comparison in its gate results.
 */
public final class Rollouts {
  public static final String TAG_SHARE = "rollout.share";
  public static final String ACTOR = "esteira-rollout";
  /** The gate result of a move that says how many labelled rows it rested on. */
  public static final String LABELLED_ROWS = "rollout labelled rows (min_labelled)";

  private final ContinuousTraining ct;
  private final Registry registry;
  private final PredictionStore predictions;
  private final dev.esteira.lake.Lakehouse lake;

  Rollouts(ContinuousTraining ct, dev.esteira.lake.Lakehouse lake, Registry registry, PredictionStore predictions) {
    this.ct = ct;
    this.lake = lake;
    this.registry = registry;
    this.predictions = predictions;
  }

  /** The experiment of a challenger: its name salts the routing, so each challenger draws its split anew. */
  public static String experiment(String model, int challenger) {
    return model + "-v" + challenger;
  }

  /** The share a challenger serves now: its tag, else the rollout's first share. */
  static double share(ModelVersion challenger, Rollout rollout) {
    String tag = challenger.tags().get(TAG_SHARE);
    return tag == null ? rollout.shares().get(0) : Double.parseDouble(tag);
  }

  /** Tonight's routing: none without a rollout in the policy or without a challenger on trial. */
  Optional<Routing> routing(ModelSpec spec, Policy policy) {
    if (policy.rollout() == null) {
      return Optional.empty();
    }
    Optional<ModelVersion> c = ct.challenger(spec.name());
    if (c.isEmpty() || c.get().stage() == Stage.ARCHIVED || c.get().stage() == Stage.PRODUCTION) {
      return Optional.empty();
    }
    int champion = registry.requireProduction(spec.name()).version();
    return Optional.of(new Routing(experiment(spec.name(), c.get().version()), champion, c.get().version(),
        share(c.get(), policy.rollout()), policy.rollout().shadow()));
  }

  /** One look: the decision and what it did. */
  public record Look(Routing routing, String metric, RolloutDecision decision, String message) {}

  /**
   * Compares the challenger with the champion on the experiment's rows whose labels arrived (paired on
   * every row both scored when the rollout shadows, else the served cohorts), decides, and writes the
   * move: a widening is the challenger's share tag, a promotion goes through the production gates with
   * the comparison as evidence, a rollback archives the challenger; both release the alias. Nothing is
   * written while it waits or holds.
   */
  Optional<Look> look(ModelSpec spec, Policy policy) {
    Optional<Routing> r = routing(spec, policy);
    if (r.isEmpty()) {
      // A promotion or rollback that crashed before releasing the alias: finish it.
      ct.challenger(spec.name()).filter(v -> policy.rollout() != null
              && (v.stage() == Stage.ARCHIVED || v.stage() == Stage.PRODUCTION))
          .ifPresent(v -> registry.removeAlias(spec.name(), ContinuousTraining.CHALLENGER, ACTOR,
              "v" + v.version() + " is " + v.stage().label() + ": the rollout was decided"));
      return Optional.empty();
    }
    Routing routing = r.get();
    Rollout rollout = policy.rollout();
    String metric = rollout.metric(spec.task());
    boolean lowerIsBetter = spec.task().requireMetric(metric, "rollout.metric").lowerIsBetter();
    Dataset<Row> labels = new GroundTruth(lake, TaskPerformance.of(spec.task())).labels(policy.labels(), spec.id(), spec.label());
    // The per-row goodness: 1/0 for a right/wrong class, minus the squared or absolute error.
    Column good = switch (metric) {
      case "accuracy" -> col("prediction").equalTo(col("label")).cast("double");
      case "mse" -> pow(col("prediction").minus(col("label")), 2).multiply(-1);
      case "mae" -> abs(col("prediction").minus(col("label"))).multiply(-1);
      default -> throw new IllegalStateException("not a per-row metric: " + metric);
    };
    ConfidenceSequence.Look look;
    if (routing.shadow()) {
      // Every labelled row both scored after the challenger's training window counts: the experiment's,
      // and those of the batches it scored in shadow before the experiment began (retrain shadow-scores
      // the batches after its window), so the first look of a canary already rests on the shadow's pairs.
      List<String> since = ct.challenger(spec.name())
          .map(c -> ct.after(spec, Window.parse(c.tags().get(ContinuousTraining.TAG_WINDOW)))).orElse(List.of());
      Dataset<Row> both = predictions.scoredByBothIn(spec.name(), routing.experiment(), since, routing.champion(),
              routing.challenger())
          .join(labels, "row_id").withColumn("good", good);
      Row s = both.groupBy("batch", "row_id")
          .agg(sum(when(col("version").equalTo(routing.challenger()), col("good")).otherwise(col("good").multiply(-1))).as("d"))
          .agg(count(lit(1)).as("n"), coalesce(sum("d"), lit(0.0)).as("s"), coalesce(sum(col("d").multiply(col("d"))), lit(0.0)).as("q"))
          .first();
      look = ConfidenceSequence.paired(s.<Long>getAs("n"), s.<Double>getAs("s"), s.<Double>getAs("q"),
          rollout.plannedLabelled(), rollout.alpha());
    } else {
      Dataset<Row> served = predictions.servedIn(spec.name(), routing.experiment()).join(labels, "row_id")
          .withColumn("good", good);
      long[] n = new long[2];
      double[] s = new double[2];
      double[] q = new double[2];
      for (Row x : served.groupBy("version").agg(count(lit(1)).as("n"), sum("good").as("s"),
          sum(col("good").multiply(col("good"))).as("q")).collectAsList()) {
        int i = x.<Integer>getAs("version") == routing.challenger() ? 0 : 1;
        n[i] = x.<Long>getAs("n");
        s[i] = x.<Double>getAs("s");
        q[i] = x.<Double>getAs("q");
      }
      look = n[0] < 2 || n[1] < 2
          ? ConfidenceSequence.paired(Math.min(n[0], n[1]), 0, 0, rollout.plannedLabelled(), rollout.alpha())
          : ConfidenceSequence.cohorts(n[0], s[0], q[0], n[1], s[1], q[1], rollout.plannedLabelled(), rollout.alpha());
    }
    RolloutDecision d = RolloutDecision.decide(rollout, routing.share(), look, lastWideningRows(spec.name(), routing.challenger()));
    String what = String.format(Locale.ROOT, "%s v%d at %s%% against v%d on %s%s: %s", spec.name(), routing.challenger(),
        Rollout.percent(routing.share()), routing.champion(), metric, lowerIsBetter ? " (as its negative)" : "", d.reason());
    List<GateResult> evidence = evidence(d, rollout, metric);
    String message = switch (d.action()) {
      case WAIT, HOLD -> d.action().label() + ": " + what;
      case WIDEN -> {
        registry.setTag(spec.name(), routing.challenger(), TAG_SHARE, Rollout.percent(d.nextShare()), ACTOR, what, evidence);
        yield "widened: " + what;
      }
      case PROMOTE -> {
        var p = registry.promote(spec, routing.challenger(), Stage.PRODUCTION, ACTOR, what, evidence);
        registry.removeAlias(spec.name(), ContinuousTraining.CHALLENGER, ACTOR, (p.accepted() ? "promoted: " : "refused: ") + what);
        yield (p.accepted() ? "promoted: " : "refused by the production gates (" + p.message() + "): ") + what;
      }
      case ROLLBACK -> {
        registry.promote(spec, routing.challenger(), Stage.ARCHIVED, ACTOR, "rolled back: " + what, evidence);
        registry.removeAlias(spec.name(), ContinuousTraining.CHALLENGER, ACTOR, "rolled back: " + what);
        yield "rolled back: " + what;
      }
    };
    return Optional.of(new Look(routing, metric, d, message));
  }

  /** The labelled rows the challenger's last widening rested on, from its row in the log; -1 when never widened. */
  private long lastWideningRows(String model, int challenger) {
    return registry.transitions(model).stream()
        .filter(t -> t.version() == challenger && t.kind() == Transition.Kind.TAG && TAG_SHARE.equals(t.name()) && t.accepted())
        .flatMap(t -> t.gates().stream())
        .filter(g -> g.check().equals(LABELLED_ROWS) && g.value() != null)
        .mapToLong(g -> g.value().longValue())
        .max().orElse(-1);
  }

  /** The comparison as gate results of the move's row: the estimate, the interval, the rows it rests on. */
  static List<GateResult> evidence(RolloutDecision d, Rollout rollout, String metric) {
    ConfidenceSequence.Look l = d.look();
    String cs = " (" + metric + ", challenger minus champion, confidence sequence at alpha " + rollout.alpha() + ")";
    List<GateResult> out = new ArrayList<>();
    switch (d.action()) {
      case ROLLBACK -> out.add(new GateResult("rollout upper bound below 0: the challenger is worse" + cs, l.upper(), 0.0, true));
      case PROMOTE -> out.add(new GateResult("rollout lower bound above min_delta" + cs, l.lower(), rollout.minDelta(),
          l.lower() > rollout.minDelta()));
      case WIDEN -> out.add(new GateResult("rollout lower bound above -max_loss" + cs, l.lower(), -rollout.maxLoss(),
          l.lower() > -rollout.maxLoss()));
      default -> { }
    }
    out.add(new GateResult("rollout estimate" + cs, l.estimate(), null, true));
    out.add(new GateResult("rollout interval lower end", l.lower(), null, true));
    out.add(new GateResult("rollout interval upper end", l.upper(), null, true));
    out.add(new GateResult(LABELLED_ROWS, (double) l.rows(), (double) rollout.minLabelled(), true));
    return out;
  }
}
