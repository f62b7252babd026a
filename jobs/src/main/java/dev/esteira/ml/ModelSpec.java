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
    String purpose,
    String owner,
    Risk risk,
    Task task,
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

  /**
   * The first column a model of this spec needs to score a frame (its features, then its id) that is not
   * among {@code columns}; empty when all are there. Scoring and explaining refuse such a frame alike.
   */
  public java.util.Optional<String> missingInput(String[] columns) {
    Set<String> have = Set.of(columns);
    List<String> needed = new ArrayList<>(features().all());
    needed.add(id());
    return needed.stream().filter(c -> !have.contains(c)).findFirst();
  }

  /** An MLlib estimator by type, with its parameters in snake_case (max_iter for maxIter). */
  public record Estimator(String type, Map<String, Object> params) {
    public Estimator {
      // Which types exist depends on the task: checked by ModelSpec.
      if (type == null) {
        throw new IllegalArgumentException("estimator.type: missing");
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
      // A missing metric becomes the task's default (ModelSpec knows the task).
      trainRatio = trainRatio == null ? 0.75 : trainRatio;
      grid = grid == null ? Map.of() : Map.copyOf(grid);
    }
  }

  /**
   * What a version must show to enter a stage: metric floors ({@code min}) and ceilings ({@code max});
   * {@code limits}, the worst acceptable value of a metric in its own direction (a ceiling for MSE, a
   * floor for R²); optionally that it beats the current production version on one metric by at least
   * {@code min_delta} (in the metric's direction); and {@code max_gap}, fairness bounds: per slice column
   * and metric, the largest allowed difference between the best and the worst slice value. The spec's
   * {@link Risk} tightens every threshold (see there).
   */
  public record Gate(
      Map<String, Double> min,
      Map<String, Double> max,
      Map<String, Double> limits,
      String beatChampion,
      Double minDelta,
      Map<String, Map<String, Double>> maxGap) {
    public Gate {
      min = min == null ? Map.of() : Map.copyOf(min);
      max = max == null ? Map.of() : Map.copyOf(max);
      limits = limits == null ? Map.of() : Map.copyOf(limits);
      minDelta = minDelta == null ? 0.0 : minDelta;
      maxGap = maxGap == null ? Map.of() : Map.copyOf(maxGap);
    }

    /**
     * Every threshold of this gate as a value, in a stable order (min, max, limits, then max_gap, each
     * sorted by name); a metric the task does not know fails naming the dotted key under {@code where}.
     */
    public List<GateThreshold> thresholds(Task task, String where) {
      List<GateThreshold> out = new ArrayList<>();
      new java.util.TreeMap<>(min).forEach((m, t) -> out.add(GateThreshold.min(task.requireMetric(m, where + ".min." + m), t)));
      new java.util.TreeMap<>(max).forEach((m, t) -> out.add(GateThreshold.max(task.requireMetric(m, where + ".max." + m), t)));
      new java.util.TreeMap<>(limits).forEach((m, t) ->
          out.add(GateThreshold.limit(task.requireMetric(m, where + ".limits." + m), t)));
      new java.util.TreeMap<>(maxGap).forEach((column, metrics) -> new java.util.TreeMap<>(metrics).forEach((m, t) ->
          out.add(GateThreshold.maxGap(task.requireMetric(m, where + ".max_gap." + column + "." + m), column, t))));
      return out;
    }
  }

  public ModelSpec {
    if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException(
          "name '" + name + "' must be lower case letters, digits and underscores");
    }
    task = task == null ? Task.CLASSIFICATION : task;
    risk = risk == null ? Risk.LOW : risk;
    if (dataset == null) {
      throw new IllegalArgumentException("missing required key 'dataset'");
    }
    if (id == null) {
      throw new IllegalArgumentException("missing required key 'id' (the row id column)");
    }
    if (label == null && task.supervised()) {
      throw new IllegalArgumentException("missing required key 'label' (task " + task + " learns from one)");
    }
    if (label != null && !task.supervised()) {
      throw new IllegalArgumentException("label: task " + task + " learns without a label; remove the key");
    }
    if (features == null) {
      throw new IllegalArgumentException("missing required key 'features'");
    }
    if (estimator == null) {
      throw new IllegalArgumentException("missing required key 'estimator'");
    }
    if (!task.estimators().contains(estimator.type())) {
      throw new IllegalArgumentException(
          "estimator.type: unknown estimator type '" + estimator.type() + "' for task " + task + " (expected one of: "
              + String.join(", ", task.estimators()) + ")");
    }
    split = split == null ? new Split(null, null) : split;
    if (tuning != null && tuning.metric() == null) {
      tuning = new Tuning(task.defaultMetric(), tuning.trainRatio(), tuning.grid());
    }
    if (tuning != null) {
      task.requireMetric(tuning.metric(), "tuning.metric");
    }
    gates = gates == null ? Map.of() : Map.copyOf(gates);
    slices = slices == null ? List.of() : List.copyOf(slices);
    for (Map.Entry<String, Gate> g : new java.util.TreeMap<>(gates).entrySet()) {
      String stage = g.getKey();
      if (!STAGES.contains(stage)) {
        throw new IllegalArgumentException(
            "gates: unknown stage '" + stage + "' (expected one of " + STAGES + ")");
      }
      checkGate(task, slices, "gates." + stage, g.getValue());
    }
    if (risk == Risk.HIGH && !gates.containsKey("production")) {
      throw new IllegalArgumentException("gates.production: missing, and risk high requires a production gate");
    }
  }

  /** Every metric a gate names must be one of the task's; a fairness bound must name a slice column. */
  private static void checkGate(Task task, List<String> slices, String where, Gate gate) {
    if (gate == null) {
      return;
    }
    // Reading the thresholds checks every metric they name.
    gate.thresholds(task, where);
    for (String m : new java.util.TreeSet<>(gate.max().keySet())) {
      if (gate.min().containsKey(m) && gate.min().get(m) > gate.max().get(m)) {
        throw new IllegalArgumentException(
            where + ": min " + m + " " + gate.min().get(m) + " is greater than max " + gate.max().get(m));
      }
    }
    if (gate.beatChampion() != null) {
      task.requireMetric(gate.beatChampion(), where + ".beat_champion");
    }
    for (Map.Entry<String, Map<String, Double>> e : new java.util.TreeMap<>(gate.maxGap()).entrySet()) {
      if (!slices.contains(e.getKey())) {
        throw new IllegalArgumentException(
            where + ".max_gap." + e.getKey() + ": not a slice column (slices: " + slices + ")");
      }
    }
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
