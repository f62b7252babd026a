package dev.esteira.config;

import java.util.Map;

/**
 * The engine's configuration: {@code conf/esteira.yaml} with the overlay of the chosen environment
 * ({@code conf/env/NAME.yaml}) merged over it. Keys are snake_case in YAML.
 */
public record EsteiraConfig(
    Spark spark, Lakehouse lakehouse, Drift drift, Workflow workflow, Airflow airflow, Alerts alerts) {

  /** A configuration without an {@code alerts:} section (as before alerts existed): nothing is sent. */
  public EsteiraConfig(Spark spark, Lakehouse lakehouse, Drift drift, Workflow workflow, Airflow airflow) {
    this(spark, lakehouse, drift, workflow, airflow, null);
  }

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

  /**
   * Where alerts go (README, "Alerts"): named {@code channels} (a webhook or SMTP mail; secrets only by the
   * name of the environment variable that holds them), {@code routes} choosing channels by event kind,
   * severity, model and dataset, and {@code max_attempts}, the deliveries of an event to a channel tried
   * in all (over every run) before it is given up as failed. An environment overlay merges into
   * {@code channels} key by key, so {@code enabled: false} switches a channel off there; a {@code routes}
   * list in an overlay replaces the whole list.
   */
  public record Alerts(Map<String, Channel> channels, java.util.List<Route> routes, Integer maxAttempts) {
    /** The event kinds (the alert package's {@code AlertEvent.Kind} labels: a test keeps them equal). */
    public static final java.util.List<String> KINDS =
        java.util.List.of("drift", "decay", "promotion_accepted", "promotion_refused", "rollback", "step_failed");
    /** Severities, lowest first. */
    public static final java.util.List<String> SEVERITIES = java.util.List.of("info", "warning", "critical");

    public Alerts {
      channels = channels == null ? Map.of() : new java.util.LinkedHashMap<>(channels);
      routes = routes == null ? java.util.List.of() : java.util.List.copyOf(routes);
    }

    /** The tries of one delivery in all before it is failed for good (default 10). */
    public int attemptsAllowed() {
      return maxAttempts == null ? 10 : maxAttempts;
    }
  }

  /**
   * A channel: {@code type} webhook ({@code url}, {@code secret_header} with its value in the variable
   * {@code secret_env}) or mail ({@code host}, {@code port}, {@code starttls}, {@code username_env},
   * {@code password_env}, {@code from}, {@code to}); both with {@code timeout_seconds} per try and
   * {@code retries} with {@code backoff_seconds} doubling. {@code enabled: false} keeps it configured but silent.
   */
  public record Channel(
      String type, Boolean enabled, String url, String secretHeader, String secretEnv, Double timeoutSeconds,
      Integer retries, Double backoffSeconds, String host, Integer port, Boolean starttls, String usernameEnv,
      String passwordEnv, String from, java.util.List<String> to) {
    public boolean on() {
      return enabled == null || enabled;
    }

    public double timeout() {
      return timeoutSeconds == null ? 10.0 : timeoutSeconds;
    }

    public int retryCount() {
      return retries == null ? 2 : retries;
    }

    public double backoff() {
      return backoffSeconds == null ? 1.0 : backoffSeconds;
    }
  }

  /**
   * A route: events of these {@code kinds} (none: every kind), at least {@code min_severity}, of these
   * {@code models} or {@code datasets} (none: any) go to {@code channels}.
   */
  public record Route(
      java.util.List<String> kinds, String minSeverity, java.util.List<String> models, java.util.List<String> datasets,
      java.util.List<String> channels) {
    public Route {
      kinds = kinds == null ? java.util.List.of() : java.util.List.copyOf(kinds);
      models = models == null ? java.util.List.of() : java.util.List.copyOf(models);
      datasets = datasets == null ? java.util.List.of() : java.util.List.copyOf(datasets);
      channels = channels == null ? java.util.List.of() : java.util.List.copyOf(channels);
    }
  }

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
    if (alerts != null) {
      validateAlerts(alerts, source);
    }
    return this;
  }

  private static final java.util.regex.Pattern CHANNEL_NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9_-]*");
  private static final java.util.regex.Pattern ENV_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final java.util.regex.Pattern HEADER_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9-]+");

  private static void validateAlerts(Alerts alerts, String source) {
    if (alerts.maxAttempts() != null && alerts.maxAttempts() < 1) {
      throw new ConfigException(source + ": alerts.max_attempts must be at least 1, got " + alerts.maxAttempts());
    }
    for (Map.Entry<String, Channel> e : alerts.channels().entrySet()) {
      String at = "alerts.channels." + e.getKey();
      Channel c = e.getValue();
      if (!CHANNEL_NAME.matcher(e.getKey()).matches()) {
        throw new ConfigException(source + ": " + at + ": a channel name is lower case letters, digits, '-' and '_'");
      }
      if (c == null) {
        throw new ConfigException(source + ": " + at + " is empty: give its type (webhook or mail)");
      }
      require(c.type(), at + ".type", source);
      if (c.timeoutSeconds() != null && !(c.timeoutSeconds() > 0 && c.timeoutSeconds() <= 600)) {
        throw new ConfigException(source + ": " + at + ".timeout_seconds must be in (0, 600], got " + c.timeoutSeconds());
      }
      for (String[] env : new String[][] {{"secret_env", c.secretEnv()}, {"username_env", c.usernameEnv()},
          {"password_env", c.passwordEnv()}}) {
        if (env[1] != null && !ENV_NAME.matcher(env[1]).matches()) {
          throw new ConfigException(source + ": " + at + "." + env[0] + " must name an environment variable, got '"
              + env[1] + "' (the secret itself never goes in YAML)");
        }
      }
      if (c.retries() != null && (c.retries() < 0 || c.retries() > 10)) {
        throw new ConfigException(source + ": " + at + ".retries must be in [0, 10], got " + c.retries());
      }
      if (c.backoffSeconds() != null && !(c.backoffSeconds() >= 0 && c.backoffSeconds() <= 60)) {
        throw new ConfigException(source + ": " + at + ".backoff_seconds must be in [0, 60], got " + c.backoffSeconds());
      }
      switch (c.type()) {
        case "webhook" -> {
          require(c.url(), at + ".url", source);
          if (!c.url().matches("https?://[^\\s/?#]+[^\\s]*")) {
            throw new ConfigException(source + ": " + at + ".url must be an http:// or https:// URL, got '" + c.url() + "'");
          }
          if ((c.secretHeader() == null) != (c.secretEnv() == null)) {
            throw new ConfigException(source + ": " + at + ": secret_header and secret_env go together");
          }
          if (c.secretHeader() != null && !HEADER_NAME.matcher(c.secretHeader()).matches()) {
            throw new ConfigException(source + ": " + at + ".secret_header must be a header name, got '" + c.secretHeader() + "'");
          }
          refuse(c.host() != null || c.port() != null || c.starttls() != null || c.usernameEnv() != null
              || c.passwordEnv() != null || c.from() != null || c.to() != null, at,
              "host, port, starttls, username_env, password_env, from and to are for mail channels", source);
        }
        case "mail" -> {
          require(c.host(), at + ".host", source);
          require(c.port(), at + ".port", source);
          require(c.from(), at + ".from", source);
          require(c.to(), at + ".to", source);
          if (c.port() < 1 || c.port() > 65535) {
            throw new ConfigException(source + ": " + at + ".port must be in [1, 65535], got " + c.port());
          }
          if (c.to().isEmpty()) {
            throw new ConfigException(source + ": " + at + ".to must list at least one address");
          }
          for (String address : concat(c.from(), c.to())) {
            if (address == null || !address.matches("[^@\\s]+@[^@\\s]+")) {
              throw new ConfigException(source + ": " + at + ": '" + address + "' is not a mail address");
            }
          }
          if ((c.usernameEnv() == null) != (c.passwordEnv() == null)) {
            throw new ConfigException(source + ": " + at + ": username_env and password_env go together");
          }
          refuse(c.url() != null || c.secretHeader() != null || c.secretEnv() != null, at,
              "url, secret_header and secret_env are for webhook channels", source);
        }
        default -> throw new ConfigException(
            source + ": " + at + ".type must be webhook or mail, got '" + c.type() + "'");
      }
    }
    for (int i = 0; i < alerts.routes().size(); i++) {
      String at = "alerts.routes[" + i + "]";
      Route r = alerts.routes().get(i);
      if (r == null || r.channels().isEmpty()) {
        throw new ConfigException(source + ": " + at + ".channels must name at least one channel");
      }
      for (String k : r.kinds()) {
        if (!Alerts.KINDS.contains(k)) {
          throw new ConfigException(source + ": " + at + ".kinds: unknown kind '" + k + "' (expected one of: "
              + String.join(", ", Alerts.KINDS) + ")");
        }
      }
      if (r.minSeverity() != null && !Alerts.SEVERITIES.contains(r.minSeverity())) {
        throw new ConfigException(source + ": " + at + ".min_severity must be one of " + String.join(", ", Alerts.SEVERITIES)
            + ", got '" + r.minSeverity() + "'");
      }
      for (String ch : r.channels()) {
        if (!alerts.channels().containsKey(ch)) {
          throw new ConfigException(source + ": " + at + ".channels: unknown channel '" + ch + "' (channels: "
              + String.join(", ", alerts.channels().keySet()) + ")");
        }
      }
    }
  }

  private static java.util.List<String> concat(String first, java.util.List<String> rest) {
    java.util.List<String> all = new java.util.ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all;
  }

  private static void refuse(boolean wrong, String at, String why, String source) {
    if (wrong) {
      throw new ConfigException(source + ": " + at + ": " + why);
    }
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
