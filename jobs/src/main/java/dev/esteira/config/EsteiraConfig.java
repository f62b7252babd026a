package dev.esteira.config;

import java.util.Map;

/**
 * The engine's configuration: {@code conf/esteira.yaml} with the overlay of the chosen environment
 * ({@code conf/env/NAME.yaml}) merged over it. Keys are snake_case in YAML.
 */
public record EsteiraConfig(
    Spark spark, Lakehouse lakehouse, Drift drift, Workflow workflow, Airflow airflow) {

  /** How the embedded SparkSession is built (ignored for the master when spark-submit sets one). */
  public record Spark(
      String master, String appName, Integer shufflePartitions, Map<String, String> conf) {}

  /** Where the lakehouse lives; a relative root is resolved against the working directory. */
  public record Lakehouse(String root) {}

  /**
   * Drift policy (see the README's drift section): bins of PSI and Jensen–Shannon on the reference's
   * quantiles, the rows below which a side is "insufficient data", the size up to which a p-value alone
   * decides (above: significant and a distance above its threshold), the p-value threshold, the
   * sketches' accuracy, the distance thresholds by metric name, and the false-alarm rate across columns
   * of the dataset verdict (Benjamini–Hochberg level), and the history anomaly checks (window, batches
   * needed, robust z cut).
   */
  public record Drift(
      Integer bins,
      Integer minRows,
      Integer smallSampleRows,
      Double pValue,
      Integer sketchK,
      Integer categoryCap,
      Map<String, Double> thresholds,
      Double datasetLevel,
      Integer historyWindow,
      Integer historyMinBatches,
      Double historyZ) {
    /** Metrics a threshold may be set for. */
    public static final java.util.Set<String> THRESHOLDS =
        java.util.Set.of("wasserstein", "js", "psi", "null_rate", "nan_rate");
  }

  /** Defaults for workflow steps that do not say otherwise. */
  public record Workflow(Integer retries, Double retryDelaySeconds) {}

  /**
   * Where the Airflow REST API is and how to log in. The user name may be written here ({@code username})
   * or come from the variable named by {@code username_env}; the password comes only from the variable
   * named by {@code password_env} or from the file named by {@code password_file} (relative to the
   * folder that holds the configuration folder), never from YAML.
   */
  public record Airflow(
      String url, String username, String usernameEnv, String passwordEnv, String passwordFile,
      Double connectTimeoutSeconds, Double requestTimeoutSeconds) {}

  /** Fails with the dotted key path of the first missing required value. */
  public EsteiraConfig validate(String source) {
    require(spark, "spark", source);
    require(spark.master(), "spark.master", source);
    require(spark.shufflePartitions(), "spark.shuffle_partitions", source);
    checkMaster(spark.master(), source + ": spark.master");
    if (spark.shufflePartitions() < 1) {
      throw new ConfigException(
          source + ": spark.shuffle_partitions must be at least 1, got " + spark.shufflePartitions());
    }
    require(lakehouse, "lakehouse", source);
    require(lakehouse.root(), "lakehouse.root", source);
    require(drift, "drift", source);
    require(drift.bins(), "drift.bins", source);
    require(drift.minRows(), "drift.min_rows", source);
    require(drift.smallSampleRows(), "drift.small_sample_rows", source);
    require(drift.pValue(), "drift.p_value", source);
    require(drift.sketchK(), "drift.sketch_k", source);
    require(drift.categoryCap(), "drift.category_cap", source);
    require(drift.thresholds(), "drift.thresholds", source);
    require(drift.datasetLevel(), "drift.dataset_level", source);
    require(drift.historyWindow(), "drift.history_window", source);
    require(drift.historyMinBatches(), "drift.history_min_batches", source);
    require(drift.historyZ(), "drift.history_z", source);
    if (drift.historyWindow() < 0) {
      throw new ConfigException(source + ": drift.history_window must not be negative, got " + drift.historyWindow());
    }
    if (drift.historyMinBatches() < 2 || drift.historyMinBatches() > Math.max(2, drift.historyWindow())) {
      throw new ConfigException(source + ": drift.history_min_batches must be in [2, history_window], got "
          + drift.historyMinBatches());
    }
    if (!(drift.historyZ() > 0)) {
      throw new ConfigException(source + ": drift.history_z must be a number > 0, got " + drift.historyZ());
    }
    if (drift.bins() < 2) {
      throw new ConfigException(source + ": drift.bins must be at least 2, got " + drift.bins());
    }
    if (drift.minRows() < 1) {
      throw new ConfigException(source + ": drift.min_rows must be at least 1, got " + drift.minRows());
    }
    if (drift.smallSampleRows() < 0) {
      throw new ConfigException(
          source + ": drift.small_sample_rows must not be negative, got " + drift.smallSampleRows());
    }
    if (!(drift.pValue() > 0 && drift.pValue() < 1)) {
      throw new ConfigException(source + ": drift.p_value must be in (0, 1), got " + drift.pValue());
    }
    if (!(drift.datasetLevel() > 0 && drift.datasetLevel() < 1)) {
      throw new ConfigException(source + ": drift.dataset_level must be in (0, 1), got " + drift.datasetLevel());
    }
    if (drift.sketchK() < 8 || drift.sketchK() > 65535) {
      throw new ConfigException(source + ": drift.sketch_k must be in [8, 65535], got " + drift.sketchK());
    }
    if (drift.categoryCap() < 1) {
      throw new ConfigException(source + ": drift.category_cap must be at least 1, got " + drift.categoryCap());
    }
    for (Map.Entry<String, Double> t : drift.thresholds().entrySet()) {
      if (!Drift.THRESHOLDS.contains(t.getKey())) {
        throw new ConfigException(
            source + ": unknown key 'drift.thresholds." + t.getKey() + "' (expected one of: "
                + String.join(", ", new java.util.TreeSet<>(Drift.THRESHOLDS)) + ")");
      }
      if (t.getValue() == null || !(t.getValue() >= 0) || t.getValue().isInfinite()) {
        throw new ConfigException(
            source + ": drift.thresholds." + t.getKey() + " must be a number >= 0, got " + t.getValue());
      }
    }
    require(workflow, "workflow", source);
    require(workflow.retries(), "workflow.retries", source);
    if (workflow.retries() < 0) {
      throw new ConfigException(source + ": workflow.retries must not be negative, got " + workflow.retries());
    }
    if (workflow.retryDelaySeconds() != null && !(workflow.retryDelaySeconds() >= 0)) {
      throw new ConfigException(
          source + ": workflow.retry_delay_seconds must be a number >= 0, got " + workflow.retryDelaySeconds());
    }
    return this;
  }

  /** The master URLs Spark itself accepts (SparkContext.createTaskScheduler), checked before Spark starts. */
  private static final java.util.regex.Pattern MASTER =
      java.util.regex.Pattern.compile(
          "local|local\\[(\\*|[1-9][0-9]*)(,\\s*[0-9]+)?\\]|local-cluster\\[\\s*[0-9]+\\s*,\\s*[0-9]+\\s*,\\s*[0-9]+\\s*\\]"
              + "|spark://\\S+|yarn|k8s://\\S+|mesos://\\S+");

  /**
   * Refuses a value that is no Spark master URL, naming where it came from ({@code --master} or the
   * config file and key): Spark would otherwise fail deep in start-up with a stack trace.
   */
  public static void checkMaster(String master, String where) {
    if (master != null && !MASTER.matcher(master.trim()).matches()) {
      throw new ConfigException(where + " '" + master + "' is not a Spark master URL: use local[N], local[*], "
          + "spark://HOST:PORT, yarn or k8s://https://HOST:PORT");
    }
  }

  private static void require(Object value, String path, String source) {
    if (value == null) {
      throw new ConfigException(source + ": missing required key '" + path + "'");
    }
  }
}
