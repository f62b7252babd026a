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
   * Drift policy: how many quantile bins the baseline histogram has and the threshold per metric above
   * which a column counts as drifted (for {@code chi_square_p}: the p-value below which it does).
   */
  public record Drift(Integer bins, Map<String, Double> thresholds, Map<String, Boolean> alertOn) {}

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
    require(lakehouse, "lakehouse", source);
    require(lakehouse.root(), "lakehouse.root", source);
    require(drift, "drift", source);
    require(drift.bins(), "drift.bins", source);
    require(drift.thresholds(), "drift.thresholds", source);
    if (drift.bins() < 2) {
      throw new ConfigException(source + ": drift.bins must be at least 2, got " + drift.bins());
    }
    require(workflow, "workflow", source);
    require(workflow.retries(), "workflow.retries", source);
    return this;
  }

  private static void require(Object value, String path, String source) {
    if (value == null) {
      throw new ConfigException(source + ": missing required key '" + path + "'");
    }
  }
}
