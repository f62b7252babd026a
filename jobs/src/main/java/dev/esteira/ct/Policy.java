package dev.esteira.ct;

import dev.esteira.config.ConfigException;
import dev.esteira.config.Yaml;
import dev.esteira.ml.Task;
import dev.esteira.monitor.GroundTruth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The continuous-training policy of a model, {@code conf/policies/MODEL.yaml}: where its labels arrive,
 * when performance on them is a decay alert, what triggers retraining (drift on named features, decay,
 * or a schedule counted in batches), the training window, what a challenger must show, and optionally
 * how it serves part of the rows before that ({@link Rollout}: a canary or an A/B test). A model
 * without a policy file gets {@link #defaults}: labels are measured, nothing retrains.
 */
public record Policy(String model, String labels, Decay decay, Retrain retrain, Challenge challenge, Rollout rollout) {

  /** A policy without a rollout: a challenger scores in shadow and serves nothing until promoted. */
  public Policy(String model, String labels, Decay decay, Retrain retrain, Challenge challenge) {
    this(model, labels, decay, retrain, challenge, null);
  }

  /**
   * Realized performance below the version's validation value by more than {@code max_drop} alerts. A
   * policy that names no {@code max_drop} allows {@link #DEFAULT_MAX_DROP} on the task's default metric
   * ({@link Task#defaultMetric()}), so a regression or clustering model is not held to a classifier's AUC.
   */
  public record Decay(Map<String, Double> maxDrop, Long minLabelled) {
    public static final double DEFAULT_MAX_DROP = 0.05;

    public Decay {
      maxDrop = maxDrop == null ? null : Map.copyOf(maxDrop);
      minLabelled = minLabelled == null ? 200L : minLabelled;
    }

    /** The drops allowed per metric: the policy's, else the default on the task's default metric. */
    public Map<String, Double> maxDrop(Task task) {
      return maxDrop != null ? maxDrop : Map.of(task.defaultMetric(), DEFAULT_MAX_DROP);
    }
  }

  /**
   * What triggers retraining: an alerting drift of any feature in {@code on_drift}, the dataset verdict
   * (drift across columns at the configured false-alarm rate, {@code drift.dataset_level}) when
   * {@code on_dataset_drift}, a decay alert of the production version when {@code on_decay}, or
   * {@code every_batches} batches since it was registered;
   * never within {@code cooldown_batches} batches of the last registered version, nor while a challenger
   * is in shadow.
   */
  public record Retrain(List<String> onDrift, Boolean onDecay, Integer everyBatches, Window window, Integer cooldownBatches,
      Boolean onDatasetDrift) {
    public Retrain {
      onDrift = onDrift == null ? List.of() : List.copyOf(onDrift);
      onDecay = onDecay != null && onDecay;
      onDatasetDrift = onDatasetDrift != null && onDatasetDrift;
      window = window == null ? new Window(null, null) : window;
      cooldownBatches = cooldownBatches == null ? 3 : cooldownBatches;
    }

    public boolean enabled() {
      return !onDrift.isEmpty() || onDatasetDrift || onDecay || everyBatches != null;
    }
  }

  /**
   * The training window: the latest {@code max_batches} labelled batches (from the first batch that
   * showed the drift or decay that triggered it); fewer than {@code min_batches} defer retraining.
   */
  public record Window(Integer maxBatches, Integer minBatches) {
    public Window {
      maxBatches = maxBatches == null ? 3 : maxBatches;
      minBatches = minBatches == null ? 1 : minBatches;
    }
  }

  /**
   * What promotion needs beyond the production gates: at least {@code min_labelled} rows labelled and
   * scored by both champion and challenger in batches after the challenger's window; the metric and
   * margin are the production gate's {@code beat_champion} and {@code min_delta}.
   */
  public record Challenge(Long minLabelled) {
    public Challenge {
      minLabelled = minLabelled == null ? 500L : minLabelled;
    }
  }

  public Policy {
    decay = decay == null ? new Decay(null, null) : decay;
    retrain = retrain == null ? new Retrain(null, null, null, null, null, null) : retrain;
    challenge = challenge == null ? new Challenge(null) : challenge;
  }

  public static Policy defaults(String model, String dataset) {
    return new Policy(model, dataset + "_labels", null, null, null);
  }

  public GroundTruth.Decay groundTruthDecay(Task task) {
    return new GroundTruth.Decay(decay.maxDrop(task), decay.minLabelled());
  }

  /** The model's policy, checked: metric names the task reports, features the model has, sizes >= 1. */
  public static Policy load(Path confDir, String model, Task task, String dataset, List<String> features,
      Set<String> metrics) {
    return loadFrom(confDir.resolve("policies"), model, task, dataset, features, metrics);
  }

  /** The model's policy {@code MODEL.yaml} in a folder of policies, checked as {@link #load} does. */
  public static Policy loadFrom(Path policies, String model, Task task, String dataset, List<String> features,
      Set<String> metrics) {
    Path file = policies.resolve(model + ".yaml");
    if (!Files.exists(file)) {
      return defaults(model, dataset);
    }
    Policy p = Yaml.read(file, Policy.class);
    if (p.model() != null && !p.model().equals(model)) {
      throw new ConfigException(file + ": model '" + p.model() + "' does not match the file name");
    }
    if (p.labels() == null) {
      throw new ConfigException(file + ": missing required key 'labels' (the dataset the labels arrive in)");
    }
    Map<String, Double> maxDrop = p.decay().maxDrop() == null ? Map.of() : p.decay().maxDrop();
    for (Map.Entry<String, Double> e : maxDrop.entrySet()) {
      if (!metrics.contains(e.getKey())) {
        throw new ConfigException(file + ": unknown metric 'decay.max_drop." + e.getKey() + "' (expected one of: "
            + String.join(", ", new java.util.TreeSet<>(metrics)) + ")");
      }
      if (e.getValue() == null || !(e.getValue() >= 0)) {
        throw new ConfigException(file + ": decay.max_drop." + e.getKey() + " must be a number >= 0, got " + e.getValue());
      }
    }
    for (String f : p.retrain().onDrift()) {
      if (!features.contains(f)) {
        throw new ConfigException(file + ": retrain.on_drift names '" + f + "', which is not a feature of model '"
            + model + "' (features: " + String.join(", ", features) + ")");
      }
    }
    positive(file, "retrain.every_batches", p.retrain().everyBatches());
    positive(file, "retrain.window.max_batches", p.retrain().window().maxBatches());
    positive(file, "retrain.window.min_batches", p.retrain().window().minBatches());
    if (p.retrain().cooldownBatches() < 0) {
      throw new ConfigException(file + ": retrain.cooldown_batches must not be negative, got " + p.retrain().cooldownBatches());
    }
    if (p.retrain().window().minBatches() > p.retrain().window().maxBatches()) {
      throw new ConfigException(file + ": retrain.window.min_batches must not exceed retrain.window.max_batches");
    }
    if (p.rollout() != null) {
      p.rollout().checked(file, task);
    }
    return p;
  }

  private static void positive(Path file, String key, Integer value) {
    if (value != null && value < 1) {
      throw new ConfigException(file + ": " + key + " must be at least 1, got " + value);
    }
  }
}
