package dev.esteira.ct;

import static org.apache.spark.sql.functions.*;

import dev.esteira.EsteiraException;
import dev.esteira.Progress;
import dev.esteira.config.EsteiraConfig;
import dev.esteira.data.DatasetSpec;
import dev.esteira.data.DatasetVersion;
import dev.esteira.data.Datasets;
import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.ModelSpec;
import dev.esteira.ml.Run;
import dev.esteira.ml.Trainer;
import dev.esteira.monitor.DriftStore;
import dev.esteira.monitor.GroundTruth;
import dev.esteira.monitor.Monitoring;
import dev.esteira.monitor.PerformanceStore;
import dev.esteira.monitor.Target;
import dev.esteira.monitor.TaskPerformance;
import dev.esteira.registry.GateResult;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import dev.esteira.registry.Stage;
import dev.esteira.scoring.PredictionStore;
import dev.esteira.scoring.Scorer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The continuous-training loop of one model: decide from the policy whether to retrain, retrain on a
 * window of labelled batches into a challenger, let the challenger score batches in shadow beside the
 * champion, and promote it only when it beats the champion on the same recent labelled rows. Every
 * step reads what it needs from the lakehouse, so each can run alone (a workflow step, an Airflow task)
 * and again with the same result.
 */
public final class ContinuousTraining {
  public static final String CHALLENGER = "challenger";
  /** Batches this loop writes to the model's dataset to train on: never a scored batch. */
  public static final String WINDOW_PREFIX = "window-";
  static final String TAG_WINDOW = "ct.window";
  static final String TAG_TRIGGER = "ct.trigger";

  private final Lakehouse lake;
  private final EsteiraConfig config;
  private final Progress progress;
  private final Registry registry;
  private final Datasets datasets;
  private final PerformanceStore performance;
  private final PredictionStore predictions;

  public ContinuousTraining(Lakehouse lake, EsteiraConfig config, Progress progress) {
    this.lake = lake;
    this.config = config;
    this.progress = progress;
    this.registry = new Registry(lake);
    this.datasets = new Datasets(lake);
    this.performance = new PerformanceStore(lake);
    this.predictions = new PredictionStore(lake);
  }

  /** What the policy says tonight: retrain or not, why, and on which labelled batches. */
  public record Decision(boolean retrain, String trigger, String reason, Window window, Integer challenger) {}

  /** The model's scored batches (not windows) in arrival order, oldest first. */
  List<DatasetVersion> arrivals(ModelSpec spec) {
    List<DatasetVersion> all = new ArrayList<>(datasets.versions(spec.dataset()));
    all.removeIf(v -> v.batch().startsWith(WINDOW_PREFIX));
    all.sort(Comparator.comparingLong(DatasetVersion::version).thenComparing(DatasetVersion::createdAt));
    return all;
  }

  Optional<ModelVersion> challenger(String model) {
    return registry.versions(model).stream().filter(v -> v.aliases().contains(CHALLENGER)).findFirst();
  }

  public Decision decide(ModelSpec spec, Policy policy, String batch) {
    ModelVersion production = registry.requireProduction(spec.name());
    Optional<ModelVersion> challenger = challenger(spec.name());
    if (challenger.isPresent()) {
      return new Decision(false, null, "challenger v" + challenger.get().version() + " is in shadow", Window.empty(),
          challenger.get().version());
    }
    if (!policy.retrain().enabled()) {
      return new Decision(false, null, "the policy never retrains", Window.empty(), null);
    }
    List<DatasetVersion> arrivals = arrivals(spec);
    List<String> since = arrivals.stream()
        .filter(v -> v.createdAt().after(production.createdAt())).map(DatasetVersion::batch).toList();
    ModelVersion latest = registry.versions(spec.name()).stream().max(Comparator.comparing(ModelVersion::createdAt)).orElseThrow();
    long sinceLatest = arrivals.stream().filter(v -> v.createdAt().after(latest.createdAt())).count();
    String trigger = null;
    String start = null;
    if (!policy.retrain().onDrift().isEmpty() && !since.isEmpty()) {
      Set<String> batches = new HashSet<>();
      Set<String> columns = new java.util.TreeSet<>();
      new DriftStore(lake).alertingColumns(Target.dataset(spec.dataset()), since).forEach((b, alerting) -> {
        List<String> watched = alerting.stream().filter(policy.retrain().onDrift()::contains).toList();
        if (!watched.isEmpty()) {
          batches.add(b);
          columns.addAll(watched);
        }
      });
      start = since.stream().filter(batches::contains).findFirst().orElse(null);
      if (start != null) {
        trigger = "drift in " + String.join(", ", columns) + " since " + start;
      }
    }
    if (trigger == null && policy.retrain().onDatasetDrift() && !since.isEmpty()) {
      Set<String> drifted = new DriftStore(lake).datasetDriftBatches(Target.dataset(spec.dataset()), since);
      start = since.stream().filter(drifted::contains).findFirst().orElse(null);
      if (start != null) {
        trigger = "dataset drift of " + spec.dataset() + " since " + start;
      }
    }
    if (trigger == null && policy.retrain().onDecay() && !since.isEmpty()) {
      Set<String> decayed = performance.decayedBatches(spec.name(), production.version());
      start = since.stream().filter(decayed::contains).findFirst().orElse(null);
      if (start != null) {
        trigger = "decay of v" + production.version() + " since " + start;
      }
    }
    if (trigger == null && policy.retrain().everyBatches() != null && since.size() >= policy.retrain().everyBatches()) {
      trigger = "schedule: " + since.size() + " batches since v" + production.version();
    }
    if (trigger == null) {
      return new Decision(false, null, "no trigger: no drift in " + policy.retrain().onDrift() + ", no decay", Window.empty(), null);
    }
    if (sinceLatest < policy.retrain().cooldownBatches()) {
      return new Decision(false, trigger, trigger + "; but only " + sinceLatest + " batches since v" + latest.version()
          + " was registered (cooldown " + policy.retrain().cooldownBatches() + ")", Window.empty(), null);
    }
    Set<String> labelled = performance.labelledBatches(spec.name(), production.version(), policy.decay().minLabelled());
    List<String> order = arrivals.stream().map(DatasetVersion::batch).toList();
    int from = start == null ? 0 : order.indexOf(start);
    List<String> candidates = order.subList(Math.max(0, from), order.size()).stream().filter(labelled::contains).toList();
    List<String> window = candidates.subList(Math.max(0, candidates.size() - policy.retrain().window().maxBatches()), candidates.size());
    if (window.size() < policy.retrain().window().minBatches()) {
      return new Decision(false, trigger, trigger + "; waiting for labelled batches (" + window.size() + " of "
          + policy.retrain().window().minBatches() + ")", Window.empty(), null);
    }
    return new Decision(true, trigger, trigger + "; retrain on " + window, new Window(window), null);
  }

  /** What retraining did: the candidate, whether it became the challenger, the batches it shadow-scored. */
  public record Retrained(ModelVersion candidate, boolean challenger, String message, List<String> shadowScored) {}

  /**
   * Builds the window (the batches' rows joined to their labels) as a batch of the model's dataset, so
   * that it is versioned and the candidate's lineage names it; trains and registers the candidate,
   * promotes it to staging through its gates and gives it the challenger alias; then it shadow-scores the
   * batches that arrived after its window.
   */
  public Retrained retrain(ModelSpec spec, DatasetSpec dataset, Policy policy, Decision decision, String batch) {
    if (!decision.retrain()) {
      throw new EsteiraException("retrain " + spec.name() + ": the policy does not retrain now (" + decision.reason() + ")");
    }
    String windowBatch = WINDOW_PREFIX + batch;
    Dataset<Row> rows = null;
    for (String b : decision.window().batches()) {
      Dataset<Row> f = datasets.readBatch(spec.dataset(), b).frame();
      rows = rows == null ? f : rows.unionByName(f);
    }
    Dataset<Row> labels = new GroundTruth(lake, TaskPerformance.of(spec.task())).labels(policy.labels(), spec.id(), spec.label());
    Dataset<Row> unlabelled = List.of(rows.columns()).contains(spec.label()) ? rows.drop(spec.label()) : rows;
    String labelType = dataset.columns().stream().filter(c -> c.name().equals(spec.label())).map(DatasetSpec.Column::type)
        .findFirst().orElse("double");
    Dataset<Row> labelled = unlabelled
        .join(labels, unlabelled.col(spec.id()).cast("string").equalTo(labels.col("row_id")))
        .drop("row_id")
        .withColumn(spec.label(), col("label").cast(labelType))
        .drop("label");
    String path = lake.root() + "/ct/windows/" + spec.name() + "/" + windowBatch;
    labelled.write().mode("overwrite").parquet(path);
    DatasetVersion dv = datasets.ingest(dataset, path, "parquet", windowBatch).version();
    progress.report("window " + windowBatch + ": " + dv.rowCount() + " labelled rows of " + decision.window()
        + " as " + spec.dataset() + " version " + dv.version());
    Run run = new Trainer(lake, progress).train(spec, datasets.readBatch(spec.dataset(), windowBatch), false).run();
    ModelVersion v = registry.register(run);
    String actor = "esteira-ct";
    var staged = registry.promote(spec, v.version(), Stage.STAGING, actor, "retrained: " + decision.trigger());
    if (!staged.accepted()) {
      return new Retrained(v, false, "candidate " + spec.name() + " v" + v.version() + " refused at staging: " + staged.message(), List.of());
    }
    registry.setTag(spec.name(), v.version(), TAG_WINDOW, decision.window().format(), actor);
    registry.setTag(spec.name(), v.version(), TAG_TRIGGER, decision.trigger(), actor);
    registry.setAlias(spec.name(), CHALLENGER, v.version(), actor,
        "retrained on " + decision.window() + " (" + spec.dataset() + " version " + dv.version() + "): " + decision.trigger());
    List<String> scored = new ArrayList<>();
    for (String b : after(spec, decision.window())) {
      shadowScore(spec, registry.version(spec.name(), v.version()), b);
      scored.add(b);
    }
    String metric = spec.task().defaultMetric();
    return new Retrained(v, true, spec.name() + " v" + v.version() + " is the challenger (" + metric + " "
        + fmt(v.metrics().get(metric)) + " on its holdout), shadow-scored " + scored, scored);
  }

  /** The scored batches that arrived after the last batch of a window. */
  List<String> after(ModelSpec spec, Window window) {
    List<String> order = arrivals(spec).stream().map(DatasetVersion::batch).toList();
    int last = window.batches().stream().mapToInt(order::indexOf).max().orElse(-1);
    return order.subList(last + 1, order.size());
  }

  private void shadowScore(ModelSpec spec, ModelVersion v, String batch) {
    new Scorer(lake).score(spec, v, datasets.readBatch(spec.dataset(), batch), Monitoring.profiler(lake, config.drift()));
  }

  private Rollouts rollouts() {
    return new Rollouts(this, lake, registry, predictions);
  }

  /**
   * Tonight's routing between champion and challenger, when the policy has a rollout and a challenger is
   * on trial (see {@link Rollouts}); empty otherwise, and the production version serves every row.
   */
  public Optional<dev.esteira.scoring.Routing> routing(ModelSpec spec, Policy policy) {
    return rollouts().routing(spec, policy);
  }

  /** The nightly look of a rollout (empty without one): compare, then widen, promote, roll back or hold. */
  public Optional<Rollouts.Look> rollout(ModelSpec spec, Policy policy) {
    return rollouts().look(spec, policy);
  }

  /**
   * Scores a batch with the challenger beside the champion; nothing without a challenger, and nothing for
   * a batch of the challenger's own window: it was trained on those labels, so its scores there measure
   * nothing (the challenge never reads them), and a rerun of the night that retrained must not add rows.
   */
  public Optional<Integer> shadow(ModelSpec spec, String batch) {
    Optional<ModelVersion> c = challenger(spec.name());
    c.ifPresent(v -> {
      if (Window.parse(v.tags().get(TAG_WINDOW)).batches().contains(batch)) {
        progress.report("challenger v" + v.version() + " was trained on " + batch + ": not scored in shadow");
      } else {
        shadowScore(spec, v, batch);
      }
    });
    return c.map(ModelVersion::version);
  }

  /** The outcome of a challenge: no challenger, waiting for labels, or a decision (accepted or refused). */
  public record Challenge(String state, Integer challenger, Integer champion, Double challengerValue,
      Double championValue, long labelled, List<String> batches, String message) {}

  /**
   * Compares the challenger with the champion on the same rows: those of the batches after the
   * challenger's window that both scored and whose labels arrived. With enough of them, promotes the
   * challenger through the production gates with that comparison as the {@code beat_champion} evidence
   * (margin: the gate's {@code min_delta}); accepted or refused, the decision is in the transition log
   * and the challenger alias is released.
   */
  public Challenge challenge(ModelSpec spec, Policy policy) {
    Optional<ModelVersion> c = challenger(spec.name());
    if (c.isEmpty()) {
      return new Challenge("none", null, null, null, null, 0, List.of(), "no challenger");
    }
    ModelVersion challenger = c.get();
    ModelVersion champion = registry.requireProduction(spec.name());
    List<String> batches = after(spec, Window.parse(challenger.tags().get(TAG_WINDOW)));
    ModelSpec.Gate gate = spec.gates().get("production");
    String metric = gate != null && gate.beatChampion() != null ? gate.beatChampion() : spec.task().defaultMetric();
    double margin = gate != null ? gate.minDelta() : 0.0;
    TaskPerformance measure = TaskPerformance.of(spec.task());
    GroundTruth gt = new GroundTruth(lake, measure);
    Dataset<Row> labels = gt.labels(policy.labels(), spec.id(), spec.label());
    Dataset<Row> both = predictions.scoredByBoth(spec.name(), champion.version(), challenger.version(), batches)
        .join(labels, "row_id");
    Dataset<Row> rows = both.withColumn("batch", lit("recent"));
    List<TaskPerformance.Measured> measured = measure.measure(rows, v -> null);
    Double cv = null, pv = null;
    long labelled = 0;
    List<String> labelledBatches = both.select("batch").distinct().orderBy("batch").collectAsList().stream()
        .map(r -> r.<String>getAs("batch")).toList();
    for (TaskPerformance.Measured m : measured) {
      if (m.version() == challenger.version()) {
        cv = m.metrics().get(metric);
        labelled = m.labelled();
      } else {
        pv = m.metrics().get(metric);
      }
    }
    if (labelled < policy.challenge().minLabelled() || cv == null || pv == null) {
      return new Challenge("waiting", challenger.version(), champion.version(), cv, pv, labelled, labelledBatches,
          "challenger v" + challenger.version() + " waits for labels: " + labelled + " labelled rows scored by both, needs "
              + policy.challenge().minLabelled());
    }
    dev.esteira.ml.Metric direction = spec.task().requireMetric(metric, "challenge.metric");
    boolean beats = direction.better(cv, pv, margin);
    GateResult evidence = new GateResult(
        "beat champion v" + champion.version() + " on " + metric + " over " + labelled + " recent labelled rows ("
            + String.join(",", labelledBatches) + ") by " + margin, cv,
        direction.lowerIsBetter() ? pv - margin : pv + margin, beats);
    String reason = String.format(Locale.ROOT, "challenger %s %.4f vs champion v%d %.4f on %d labelled rows of %s",
        metric, cv, champion.version(), pv, labelled, labelledBatches);
    var r = registry.promote(spec, challenger.version(), Stage.PRODUCTION, "esteira-ct", reason, List.of(evidence));
    registry.removeAlias(spec.name(), CHALLENGER, "esteira-ct", (r.accepted() ? "promoted: " : "refused: ") + reason);
    return new Challenge(r.accepted() ? "promoted" : "refused", challenger.version(), champion.version(), cv, pv,
        labelled, labelledBatches, r.message() + " (" + reason + ")");
  }

  static String fmt(Double d) {
    return d == null ? "n/a" : String.format(Locale.ROOT, "%.4f", d);
  }
}
