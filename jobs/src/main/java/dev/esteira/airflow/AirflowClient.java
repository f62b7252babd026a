package dev.esteira.airflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.esteira.Messages;
import dev.esteira.airflow.AirflowModel.Cleared;
import dev.esteira.airflow.AirflowModel.Dag;
import dev.esteira.airflow.AirflowModel.DagRun;
import dev.esteira.airflow.AirflowModel.ImportError;
import dev.esteira.airflow.AirflowModel.RunProgress;
import dev.esteira.airflow.AirflowModel.TaskInstance;
import dev.esteira.airflow.AirflowModel.TaskLog;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A client of the Airflow 3 REST API (v2) on {@code java.net.http}: token, DAGs, runs, task instances,
 * logs, import errors, clearing. Every failure is an {@link AirflowException} with one line that says
 * what went wrong where, and never a credential.
 *
 * <p>HTTP/1.1 on purpose: the JDK's default HTTP/2 sends an h2c upgrade on plain http, and Airflow's
 * uvicorn then loses the request body (500 on {@code POST /auth/token}).
 */
public final class AirflowClient {
  static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final int PAGE = 100;

  private final AirflowSettings settings;
  private final HttpClient http;
  private String token;

  public AirflowClient(AirflowSettings settings) {
    this.settings = settings;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public AirflowSettings settings() {
    return settings;
  }

  // --- DAGs ----------------------------------------------------------------------------------------

  /** Every DAG, page by page, in dag_id order. */
  public List<Dag> dags() {
    List<Dag> all = new ArrayList<>();
    while (true) {
      JsonNode page = get("/api/v2/dags?order_by=dag_id&limit=" + PAGE + "&offset=" + all.size());
      JsonNode items = page.path("dags");
      for (JsonNode d : items) {
        all.add(convert(d, Dag.class));
      }
      if (items.size() == 0 || all.size() >= page.path("total_entries").asInt(0)) {
        return all;
      }
    }
  }

  public Dag dag(String dagId) {
    try {
      return convert(get("/api/v2/dags/" + seg(dagId)), Dag.class);
    } catch (AirflowException e) {
      throw e.status() == 404 ? unknownDag(dagId) : e;
    }
  }

  public Dag setPaused(String dagId, boolean paused) {
    try {
      return convert(
          send("PATCH", "/api/v2/dags/" + seg(dagId) + "?update_mask=is_paused", Map.of("is_paused", paused)),
          Dag.class);
    } catch (AirflowException e) {
      throw e.status() == 404 ? unknownDag(dagId) : e;
    }
  }

  // --- runs ----------------------------------------------------------------------------------------

  /**
   * Triggers a run. {@code runId} null lets Airflow name it; {@code logicalDate} null makes a run without
   * a logical date (Airflow 3 requires the field, null allowed); {@code conf} overrides the DAG's params.
   */
  public DagRun trigger(String dagId, String runId, OffsetDateTime logicalDate, Map<String, ?> conf) {
    Map<String, Object> body = triggerBody(runId, logicalDate, conf);
    try {
      return convert(send("POST", "/api/v2/dags/" + seg(dagId) + "/dagRuns", body), DagRun.class);
    } catch (AirflowException e) {
      if (e.status() == 404) {
        throw unknownDag(dagId);
      }
      if (e.status() == 409) {
        throw new AirflowException(
            "DAG '" + dagId + "' already has a run "
                + (runId != null ? "with run id '" + runId + "'" : "for logical date " + logicalDate)
                + " (Airflow answered 409): choose another run id or logical date",
            409, null);
      }
      throw e;
    }
  }

  /** The body of a trigger request; {@code logical_date} is always present (null allowed). */
  static Map<String, Object> triggerBody(String runId, OffsetDateTime logicalDate, Map<String, ?> conf) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (runId != null) {
      body.put("dag_run_id", runId);
    }
    body.put("logical_date", logicalDate == null ? null : logicalDate.toString());
    body.put("conf", conf == null ? Map.of() : conf);
    return body;
  }

  public DagRun run(String dagId, String runId) {
    try {
      return convert(get(runPath(dagId, runId)), DagRun.class);
    } catch (AirflowException e) {
      throw e.status() == 404 ? notFound(dagId, runId) : e;
    }
  }

  /** The newest runs of a DAG, newest first. */
  public List<DagRun> runs(String dagId, int limit) {
    try {
      JsonNode page = get("/api/v2/dags/" + seg(dagId) + "/dagRuns?order_by=-run_after&limit=" + limit);
      List<DagRun> runs = new ArrayList<>();
      page.path("dag_runs").forEach(r -> runs.add(convert(r, DagRun.class)));
      return runs;
    } catch (AirflowException e) {
      throw e.status() == 404 ? unknownDag(dagId) : e;
    }
  }

  public List<TaskInstance> taskInstances(String dagId, String runId) {
    try {
      JsonNode page = get(runPath(dagId, runId) + "/taskInstances?limit=" + PAGE);
      List<TaskInstance> tasks = new ArrayList<>();
      page.path("task_instances").forEach(t -> tasks.add(convert(t, TaskInstance.class)));
      tasks.sort((a, b) -> a.taskId().compareTo(b.taskId()));
      return tasks;
    } catch (AirflowException e) {
      throw e.status() == 404 ? notFound(dagId, runId) : e;
    }
  }

  /**
   * Waits until the run has finished, polling every {@code poll}; calls {@code progress} whenever the
   * run's or a task's state changed. Returns the finished run, whatever its state.
   */
  public DagRun await(String dagId, String runId, Duration timeout, Duration poll, Consumer<RunProgress> progress) {
    Instant deadline = Instant.now().plus(timeout);
    String last = null;
    while (true) {
      DagRun run = run(dagId, runId);
      List<TaskInstance> tasks = taskInstances(dagId, runId);
      String now = run.state() + tasks.stream().map(t -> t.taskId() + "=" + t.state() + "/" + t.tries()).toList();
      if (!now.equals(last)) {
        progress.accept(new RunProgress(run, tasks));
        last = now;
      }
      if (run.finished()) {
        return run;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AirflowException(
            "run '" + runId + "' of DAG '" + dagId + "' is still " + run.state() + " after " + timeout.toSeconds()
                + "s (the wait timed out; the run goes on)", 0, null);
      }
      try {
        Thread.sleep(poll.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AirflowException("interrupted while waiting for run '" + runId + "' of DAG '" + dagId + "'");
      }
    }
  }

  /** The one line that says why a run failed: its failed tasks, and how to see their logs. */
  public static String failureMessage(DagRun run, List<TaskInstance> tasks) {
    List<String> failed = new ArrayList<>();
    for (TaskInstance t : tasks) {
      if ("failed".equals(t.state())) {
        failed.add("'" + t.taskId() + "' (try " + t.tries() + (t.maxTries() == null ? "" : " of " + (t.maxTries() + 1)) + ")");
      }
    }
    String dag = run.dagId();
    String where = failed.isEmpty() ? "" : " at task " + String.join(", ", failed);
    String first = tasks.stream().filter(t -> "failed".equals(t.state())).map(TaskInstance::taskId).findFirst().orElse(null);
    return "run '" + run.dagRunId() + "' of DAG '" + dag + "' " + run.state() + where
        + (first == null ? "" : "; its log: esteira airflow logs " + dag + " '" + run.dagRunId() + "' " + first);
  }

  // --- logs, import errors, clearing ---------------------------------------------------------------

  /** A task's log for one try ({@code tryNumber} null: its latest try). */
  public TaskLog log(String dagId, String runId, String taskId, Integer tryNumber) {
    int tryNo;
    if (tryNumber == null) {
      TaskInstance ti =
          taskInstances(dagId, runId).stream()
              .filter(t -> t.taskId().equals(taskId))
              .findFirst()
              .orElseThrow(() -> new AirflowException(
                  "run '" + runId + "' of DAG '" + dagId + "' has no task '" + taskId + "'", 404, null));
      if (ti.tries() == 0) {
        throw new AirflowException(
            "task '" + taskId + "' of run '" + runId + "' never ran (state " + ti.state() + "): it has no log", 0, null);
      }
      tryNo = ti.tries();
    } else {
      tryNo = tryNumber;
    }
    List<JsonNode> events = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    String path = runPath(dagId, runId) + "/taskInstances/" + seg(taskId) + "/logs/" + tryNo + "?full_content=true";
    JsonNode page;
    try {
      page = get(path);
    } catch (AirflowException e) {
      if (e.status() == 404) {
        throw new AirflowException(
            "no log for task '" + taskId + "' try " + tryNo + " of run '" + runId + "' of DAG '" + dagId + "' ("
                + e.getMessage() + ")", 404, null);
      }
      throw e;
    }
    JsonNode content = page.path("content");
    if (content.isTextual()) {
      // Older servers send the log as one string.
      content.asText().lines().forEach(lines::add);
    } else {
      for (JsonNode ev : content) {
        events.add(ev);
        lines.add(logLine(ev));
      }
    }
    return new TaskLog(dagId, runId, taskId, tryNo, lines, events);
  }

  /** One structured log event as a line: time, level, what happened, and an error's summary. */
  static String logLine(JsonNode ev) {
    if (ev.isTextual()) {
      return ev.asText();
    }
    StringBuilder sb = new StringBuilder();
    if (ev.hasNonNull("timestamp")) {
      sb.append(ev.get("timestamp").asText()).append(' ');
    }
    if (ev.hasNonNull("level")) {
      sb.append(ev.get("level").asText().toUpperCase(java.util.Locale.ROOT)).append(' ');
    }
    if (ev.hasNonNull("logger")) {
      sb.append(ev.get("logger").asText()).append(": ");
    }
    sb.append(ev.path("event").asText(""));
    for (JsonNode err : ev.path("error_detail")) {
      sb.append(" [").append(err.path("exc_type").asText("")).append(": ").append(err.path("exc_value").asText("")).append(']');
    }
    return sb.toString().stripTrailing();
  }

  public List<ImportError> importErrors() {
    List<ImportError> all = new ArrayList<>();
    while (true) {
      JsonNode page = get("/api/v2/importErrors?order_by=filename&limit=" + PAGE + "&offset=" + all.size());
      JsonNode items = page.path("import_errors");
      for (JsonNode e : items) {
        all.add(convert(e, ImportError.class));
      }
      if (items.size() == 0 || all.size() >= page.path("total_entries").asInt(0)) {
        return all;
      }
    }
  }

  /**
   * Clears a task of a run and everything downstream of it, so that the scheduler runs them again (a
   * new try each) and the run, reset to queued, ends with them.
   */
  public Cleared clear(String dagId, String runId, String taskId) {
    run(dagId, runId); // a clear error for an unknown DAG or run, before anything changes
    try {
      JsonNode answer = send("POST", "/api/v2/dags/" + seg(dagId) + "/clearTaskInstances", clearBody(runId, taskId));
      List<TaskInstance> tasks = new ArrayList<>();
      answer.path("task_instances").forEach(t -> tasks.add(convert(t, TaskInstance.class)));
      if (tasks.isEmpty()) {
        throw new AirflowException("run '" + runId + "' of DAG '" + dagId + "' has no task '" + taskId + "' to clear", 404, null);
      }
      return new Cleared(dagId, runId, tasks);
    } catch (AirflowException e) {
      throw e.status() == 404 && e.getMessage().startsWith("Airflow") ? notFound(dagId, runId) : e;
    }
  }

  static Map<String, Object> clearBody(String runId, String taskId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("dry_run", false); // the API's default is a dry run
    body.put("dag_run_id", runId);
    body.put("task_ids", List.of(taskId));
    body.put("only_failed", false);
    body.put("include_downstream", true);
    body.put("include_upstream", false);
    body.put("reset_dag_runs", true);
    return body;
  }

  // --- HTTP ----------------------------------------------------------------------------------------

  JsonNode get(String path) {
    return send("GET", path, null);
  }

  /** Sends one request with a token, fetching a new token once when Airflow answers 401 or 403. */
  JsonNode send(String method, String path, Object body) {
    boolean fresh = false;
    if (token == null) {
      token = fetchToken();
      fresh = true;
    }
    HttpResponse<String> r = exchange(method, path, body, token);
    if ((r.statusCode() == 401 || r.statusCode() == 403) && !fresh) {
      token = fetchToken();
      r = exchange(method, path, body, token);
    }
    if (r.statusCode() / 100 != 2) {
      throw httpError(method, path, r);
    }
    return parse(r.body(), method + " " + path);
  }

  private String fetchToken() {
    Map<String, String> creds = new LinkedHashMap<>();
    creds.put("username", settings.username());
    creds.put("password", settings.password());
    HttpResponse<String> r = exchange("POST", "/auth/token", creds, null);
    if (r.statusCode() == 401 || r.statusCode() == 403 || r.statusCode() == 422) {
      // Never the body: a 422 echoes what was sent, the password included.
      throw new AirflowException(
          "Airflow at " + settings.url() + " refused the credentials of user '" + settings.username()
              + "' (password from " + settings.passwordSource() + "; HTTP " + r.statusCode() + ")", r.statusCode(), null);
    }
    if (r.statusCode() / 100 != 2) {
      throw new AirflowException(
          "Airflow at " + settings.url() + " answered HTTP " + r.statusCode() + " to POST /auth/token"
              + (r.statusCode() == 404 ? " (is this an Airflow 3 API server?)" : ""), r.statusCode(), null);
    }
    JsonNode t = parse(r.body(), "POST /auth/token").path("access_token");
    if (!t.isTextual() || t.asText().isEmpty()) {
      throw new AirflowException("Airflow at " + settings.url() + " answered POST /auth/token without an access_token");
    }
    return t.asText();
  }

  HttpRequest request(String method, String path, Object body, String bearer) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(settings.url() + path))
            .timeout(settings.requestTimeout())
            .header("Accept", "application/json");
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(write(body), StandardCharsets.UTF_8));
    }
    return b.build();
  }

  private HttpResponse<String> exchange(String method, String path, Object body, String bearer) {
    HttpRequest req = request(method, path, body, bearer);
    String what = method + " " + path.replaceFirst("\\?.*", "");
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException e) {
      throw new AirflowException(
          "Airflow at " + settings.url() + " is not reachable: no connection within "
              + settings.connectTimeout().toSeconds() + "s", 0, e);
    } catch (HttpTimeoutException e) {
      throw new AirflowException(
          "Airflow at " + settings.url() + " did not answer " + what + " within "
              + settings.requestTimeout().toSeconds() + "s", 0, e);
    } catch (ConnectException e) {
      throw new AirflowException(
          "Airflow at " + settings.url() + " is not reachable (connection refused: is it running?)", 0, e);
    } catch (IOException e) {
      throw new AirflowException(
          "Airflow at " + settings.url() + " is not reachable (" + Messages.rootMessage(e) + ")", 0, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AirflowException("interrupted during " + what);
    }
  }

  private AirflowException httpError(String method, String path, HttpResponse<String> r) {
    int status = r.statusCode();
    String detail = scrub(detail(r.body()));
    String what = method + " " + path.replaceFirst("\\?.*", "");
    if (status == 401 || status == 403) {
      return new AirflowException(
          "Airflow at " + settings.url() + " refused " + what + " for user '" + settings.username() + "' (HTTP "
              + status + (detail.isEmpty() ? "" : ": " + detail) + ")", status, null);
    }
    return new AirflowException(
        "Airflow at " + settings.url() + " answered HTTP " + status + " to " + what
            + (detail.isEmpty() ? "" : ": " + detail), status, null);
  }

  /** The {@code detail} of an error answer as one line: text, a 409's object, or a 422's list. */
  static String detail(String body) {
    JsonNode d;
    try {
      d = JSON.readTree(body == null ? "" : body);
    } catch (JsonProcessingException e) {
      return Messages.firstLine(body == null ? "" : body.strip());
    }
    if (d == null) {
      return "";
    }
    JsonNode detail = d.path("detail");
    if (detail.isTextual()) {
      return Messages.firstLine(detail.asText());
    }
    if (detail.isArray()) {
      List<String> parts = new ArrayList<>();
      for (JsonNode e : detail) {
        List<String> loc = new ArrayList<>();
        e.path("loc").forEach(l -> loc.add(l.asText()));
        parts.add(String.join(".", loc) + ": " + e.path("msg").asText(""));
      }
      return String.join("; ", parts);
    }
    if (detail.isObject()) {
      for (String k : List.of("message", "reason")) {
        if (detail.hasNonNull(k)) {
          return Messages.firstLine(detail.get(k).asText());
        }
      }
      return Messages.firstLine(detail.toString());
    }
    return "";
  }

  /** Removes the password from text Airflow sent back, should any answer ever echo it. */
  private String scrub(String text) {
    String pw;
    try {
      pw = settings.password();
    } catch (RuntimeException e) {
      return text;
    }
    return pw == null || pw.length() < 3 ? text : text.replace(pw, "***");
  }

  private AirflowException unknownDag(String dagId) {
    return new AirflowException(
        "unknown DAG '" + dagId + "' on Airflow at " + settings.url()
            + " (not parsed yet, or its file fails to import: see esteira airflow dags and esteira airflow errors)",
        404, null);
  }

  private AirflowException notFound(String dagId, String runId) {
    try {
      dag(dagId);
    } catch (AirflowException e) {
      return e;
    }
    return new AirflowException("DAG '" + dagId + "' has no run '" + runId + "' on Airflow at " + settings.url(), 404, null);
  }

  static String runPath(String dagId, String runId) {
    return "/api/v2/dags/" + seg(dagId) + "/dagRuns/" + seg(runId);
  }

  /** One URL path segment: run ids hold ':' and '+', which must be encoded. */
  static String seg(String s) {
    Objects.requireNonNull(s, "path segment");
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static JsonNode parse(String body, String what) {
    try {
      JsonNode n = JSON.readTree(body == null || body.isEmpty() ? "{}" : body);
      return n == null ? JSON.createObjectNode() : n;
    } catch (JsonProcessingException e) {
      throw new AirflowException("Airflow's answer to " + what.replaceFirst("\\?.*", "") + " is not JSON: " + e.getOriginalMessage());
    }
  }

  static <T> T convert(JsonNode node, Class<T> type) {
    try {
      return JSON.treeToValue(node, type);
    } catch (JsonProcessingException e) {
      throw new AirflowException("unexpected answer from Airflow for a " + type.getSimpleName() + ": " + e.getOriginalMessage());
    }
  }

  static String write(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new AirflowException("cannot write a request body: " + e.getOriginalMessage());
    }
  }

  /** For tests: the names of the fields a node holds. */
  static List<String> fields(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
