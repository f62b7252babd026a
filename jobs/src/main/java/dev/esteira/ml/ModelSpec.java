package dev.esteira.ml;

import dev.esteira.config.ConfigException;
import dev.esteira.config.Yaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model as declared in {@code conf/models/NAME.yaml}: the data it learns from, its features, its
 * estimator and tuning grid, the seeded split, the promotion gates and the slices to evaluate.
 */
public record ModelSpec(
    String name,
    String description,
    String task,
    String dataset,
    String batch,
    String id,
    String label,
    Features features,
    Estimator estimator,
    Split split,
    Tuning tuning,
    Map<String, Gate> gates,
    List<String> slices) {

  public static final Set<String> TASKS = Set.of("classification");
  public static final Set<String> STAGES = Set.of("staging", "production");

  public record Features(List<String> numeric, List<String> categorical) {
    public Features {
      numeric = numeric == null ? List.of() : List.copyOf(numeric);
      categorical = categorical == null ? List.of() : List.copyOf(categorical);
      if (numeric.isEmpty() && categorical.isEmpty()) {
        throw new IllegalArgumentException("declare at least one numeric or categorical feature");
      }
    }

    public List<String> all() {
      List<String> all = new ArrayList<>(numeric);
      all.addAll(categorical);
      return all;
    }
  }

  /** An MLlib estimator by type, with its parameters in snake_case (max_iter for maxIter). */
  public record Estimator(String type, Map<String, Object> params) {
    public Estimator {
      if (type == null || !Estimators.TYPES.contains(type)) {
        throw new IllegalArgumentException(
            "unknown estimator type '" + type + "' (expected one of " + Estimators.TYPES + ")");
      }
      params = params == null ? Map.of() : Map.copyOf(params);
    }
  }

  /** Fraction of rows (chosen by a seeded hash of the id) used to train; the rest is the holdout. */
  public record Split(Double train, Long seed) {
    public Split {
      train = train == null ? 0.8 : train;
      seed = seed == null ? 42L : seed;
      if (train <= 0 || train >= 1) {
        throw new IllegalArgumentException("split.train must be between 0 and 1, got " + train);
      }
    }
  }

  /** A grid of estimator parameters, each candidate scored on a seeded validation split. */
  public record Tuning(String metric, Double trainRatio, Map<String, List<Object>> grid) {
    public Tuning {
      metric = metric == null ? "auc_roc" : metric;
      trainRatio = trainRatio == null ? 0.75 : trainRatio;
      grid = grid == null ? Map.of() : Map.copyOf(grid);
    }
  }

  /**
   * What a version must show to enter a stage: metric floors and ceilings, and optionally that it beats
   * the current production version on one metric by at least {@code min_delta}.
   */
  public record Gate(Map<String, Double> min, Map<String, Double> max, String beatChampion, Double minDelta) {
    public Gate {
      min = min == null ? Map.of() : Map.copyOf(min);
      max = max == null ? Map.of() : Map.copyOf(max);
      minDelta = minDelta == null ? 0.0 : minDelta;
    }
  }

  public ModelSpec {
    if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException(
          "name '" + name + "' must be lower case letters, digits and underscores");
    }
    task = task == null ? "classification" : task;
    if (!TASKS.contains(task)) {
      throw new IllegalArgumentException("unknown task '" + task + "' (expected one of " + TASKS + ")");
    }
    if (dataset == null) {
      throw new IllegalArgumentException("missing required key 'dataset'");
    }
    if (id == null) {
      throw new IllegalArgumentException("missing required key 'id' (the row id column)");
    }
    if (label == null) {
      throw new IllegalArgumentException("missing required key 'label'");
    }
    if (features == null) {
      throw new IllegalArgumentException("missing required key 'features'");
    }
    if (estimator == null) {
      throw new IllegalArgumentException("missing required key 'estimator'");
    }
    split = split == null ? new Split(null, null) : split;
    gates = gates == null ? Map.of() : Map.copyOf(gates);
    for (String stage : gates.keySet()) {
      if (!STAGES.contains(stage)) {
        throw new IllegalArgumentException(
            "gates: unknown stage '" + stage + "' (expected one of " + STAGES + ")");
      }
    }
    slices = slices == null ? List.of() : List.copyOf(slices);
    checkMetricNames(task, tuning, gates);
  }

  /**
   * Metric names in gates and tuning must be ones the task computes: a typo ({@code auc_rocc}) would
   * otherwise surface only when a promotion is refused.
   */
  private static void checkMetricNames(String task, Tuning tuning, Map<String, Gate> gates) {
    if (!task.equals("classification")) {
      return;
    }
    List<String> known = ClassificationMetrics.knownMetrics();
    if (tuning != null && !known.contains(tuning.metric())) {
      throw unknownMetric("tuning.metric", tuning.metric(), task, known);
    }
    for (Map.Entry<String, Gate> g : new java.util.TreeMap<>(gates).entrySet()) {
      Gate gate = g.getValue();
      String at = "gates." + g.getKey();
      for (String m : new java.util.TreeSet<>(gate.min().keySet())) {
        if (!known.contains(m)) {
          throw unknownMetric(at + ".min." + m, m, task, known);
        }
      }
      for (String m : new java.util.TreeSet<>(gate.max().keySet())) {
        if (!known.contains(m)) {
          throw unknownMetric(at + ".max." + m, m, task, known);
        }
        if (gate.min().containsKey(m) && gate.min().get(m) > gate.max().get(m)) {
          throw new IllegalArgumentException(
              at + ": min " + m + " " + gate.min().get(m) + " is greater than max " + gate.max().get(m));
        }
      }
      if (gate.beatChampion() != null && !known.contains(gate.beatChampion())) {
        throw unknownMetric(at + ".beat_champion", gate.beatChampion(), task, known);
      }
      if (gate.minDelta() < 0) {
        throw new IllegalArgumentException(at + ".min_delta must be >= 0, got " + gate.minDelta());
      }
    }
  }

  private static IllegalArgumentException unknownMetric(String key, String metric, String task, List<String> known) {
    return new IllegalArgumentException(
        key + ": unknown metric '" + metric + "' for task " + task + " (expected one of " + String.join(", ", known) + ")");
  }

  public static ModelSpec load(Path modelsDir, String name) {
    Path file = modelsDir.resolve(name + ".yaml");
    if (!Files.exists(file)) {
      throw new ConfigException("unknown model '" + name + "': no spec " + file);
    }
    ModelSpec spec = Yaml.read(file, ModelSpec.class);
    if (!spec.name().equals(name)) {
      throw new ConfigException(file + ": name '" + spec.name() + "' does not match the file name");
    }
    return spec;
  }
}
