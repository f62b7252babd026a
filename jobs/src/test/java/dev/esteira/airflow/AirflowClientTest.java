package dev.esteira.airflow;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.esteira.airflow.AirflowModel.DagRun;
import dev.esteira.airflow.AirflowModel.TaskInstance;
import dev.esteira.config.ConfigException;
import dev.esteira.config.EsteiraConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a tiny HTTP server on loopback that answers like Airflow 3.3 (bodies recorded
 * from a real api-server, with fields the client does not know): request building, token renewal,
 * paging, error lines. The client against the real Airflow is tests/e2e/airflow.sh.
 */
class AirflowClientTest {
  private static final String PASSWORD = "s3cret-Pa55";
  private HttpServer server;
  private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
  private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger tokens = new AtomicInteger();
  /** The token the server currently accepts; the test revokes it to force a renewal. */
  private volatile String valid = "none";

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private AirflowClient client(String password) {
    return new AirflowClient(new AirflowSettings(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), "admin", "$TEST_PW", () -> password,
        Duration.ofSeconds(5), Duration.ofSeconds(5)));
  }

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    String query = ex.getRequestURI().getRawQuery();
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    seen.add(method + " " + path + (query == null ? "" : "?" + query)
        + (ex.getRequestHeaders().containsKey("Upgrade") ? " UPGRADE" : ""));
    bodies.add(body);
    if (path.equals("/auth/token")) {
      JsonNode creds = AirflowClient.JSON.readTree(body);
      if (!"admin".equals(creds.path("username").asText()) || !PASSWORD.equals(creds.path("password").asText())) {
        reply(ex, 401, "{\"detail\":\"Invalid credentials\"}");
        return;
      }
      valid = "token-" + tokens.incrementAndGet();
      reply(ex, 201, "{\"access_token\":\"" + valid + "\",\"expires_in\":86400}");
      return;
    }
    if (!("Bearer " + valid).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      reply(ex, 403, "{\"detail\":\"Invalid JWT token\"}");
      return;
    }
    if (path.equals("/api/v2/dags")) {
      boolean first = query.contains("offset=0");
      reply(ex, 200, first
          ? "{\"dags\":[" + dag("esteira_nightly", false) + "," + dag("esteira_training", true) + "],\"total_entries\":3}"
          : "{\"dags\":[" + dag("zzz", false) + "],\"total_entries\":3}");
    } else if (path.equals("/api/v2/dags/nope") || path.equals("/api/v2/dags/nope/dagRuns")) {
      reply(ex, 404, "{\"detail\":\"The Dag with ID: `nope` was not found\"}");
    } else if (path.equals("/api/v2/dags/esteira_nightly/dagRuns") && method.equals("POST")) {
      if (body.contains("\"dup\"")) {
        reply(ex, 409, "{\"detail\":{\"reason\":\"Unique constraint violation\",\"statement\":\"INSERT ...\"}}");
      } else {
        reply(ex, 200, run("manual__2026-11-24T12:00:00+00:00", "queued"));
      }
    } else if (path.equals("/api/v2/dags/esteira_nightly/dagRuns/manual__2026-11-24T12%3A00%3A00%2B00%3A00")) {
      reply(ex, 200, run("manual__2026-11-24T12:00:00+00:00", "failed"));
    } else if (path.endsWith("/taskInstances")) {
      reply(ex, 200, "{\"task_instances\":[" + ti("validate", "failed", 2, 1) + "," + ti("ingest", "success", 1, 1)
          + "," + ti("score", "upstream_failed", 0, 1) + "],\"total_entries\":3}");
    } else if (path.endsWith("/logs/2")) {
      reply(ex, 200, "{\"content\":[{\"timestamp\":\"2026-11-24T12:00:01.5Z\",\"event\":\"Task failed\",\"level\":\"error\","
          + "\"logger\":\"task\",\"error_detail\":[{\"exc_type\":\"AirflowException\",\"exc_value\":\"exit 1\",\"frames\":[]}]},"
          + "\"a plain line\"],\"continuation_token\":null}");
    } else if (path.equals("/api/v2/dags/esteira_nightly/clearTaskInstances")) {
      reply(ex, 200, "{\"task_instances\":[" + ti("validate", null, 2, 1) + "],\"total_entries\":1}");
    } else if (path.equals("/api/v2/importErrors")) {
      reply(ex, 200, "{\"import_errors\":[{\"import_error_id\":1,\"timestamp\":\"2026-11-24T12:35:20.499761Z\","
          + "\"filename\":\"broken.py\",\"bundle_name\":\"dags-folder\",\"stack_trace\":\"Traceback\\n  File x\\n"
          + "EsteiraWorkflowError: /w/broken.yaml: the steps form a cycle: a -> b -> a\\n\"}],\"total_entries\":1}");
    } else {
      reply(ex, 404, "{\"detail\":\"Not Found\"}");
    }
  }

  private static String dag(String id, boolean paused) {
    return "{\"dag_id\":\"" + id + "\",\"dag_display_name\":\"" + id + "\",\"is_paused\":" + paused
        + ",\"is_stale\":false,\"has_import_errors\":false,\"relative_fileloc\":\"esteira_nightly.py\","
        + "\"timetable_summary\":\"@daily\",\"tags\":[{\"name\":\"esteira\",\"dag_id\":\"" + id + "\"}],"
        + "\"a_field_of_a_later_release\":{\"x\":1}}";
  }

  private static String run(String id, String state) {
    return "{\"dag_run_id\":\"" + id + "\",\"dag_id\":\"esteira_nightly\",\"logical_date\":null,"
        + "\"run_after\":\"2026-11-24T12:00:00Z\",\"start_date\":\"2026-11-24T12:00:02.123456Z\",\"end_date\":null,"
        + "\"state\":\"" + state + "\",\"run_type\":\"manual\",\"conf\":{\"day\":\"01\"},\"note\":null,\"bundle_version\":null}";
  }

  private static String ti(String task, String state, int tryNo, int maxTries) {
    return "{\"task_id\":\"" + task + "\",\"state\":" + (state == null ? "null" : "\"" + state + "\"")
        + ",\"try_number\":" + tryNo + ",\"max_tries\":" + maxTries + ",\"duration\":null,\"operator\":\"SparkSubmitOperator\","
        + "\"map_index\":-1,\"hostname\":\"h\"}";
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @Test
  void listsEveryPageOfDagsAndIgnoresUnknownFields() {
    AirflowClient c = client(PASSWORD);
    var dags = c.dags();
    assertEquals(List.of("esteira_nightly", "esteira_training", "zzz"), dags.stream().map(AirflowModel.Dag::dagId).toList());
    assertTrue(dags.get(1).paused());
    assertEquals("@daily", dags.get(0).timetableSummary());
    assertEquals(List.of("POST /auth/token", "GET /api/v2/dags?order_by=dag_id&limit=100&offset=0",
        "GET /api/v2/dags?order_by=dag_id&limit=100&offset=2"), seen);
  }

  @Test
  void renewsTheTokenOnceWhenItIsRefused() {
    AirflowClient c = client(PASSWORD);
    c.dags();
    valid = "revoked";
    c.dags();
    assertEquals(2, tokens.get());
    // the refused request, a new token, the same request again
    assertEquals(List.of("GET /api/v2/dags?order_by=dag_id&limit=100&offset=0", "POST /auth/token",
        "GET /api/v2/dags?order_by=dag_id&limit=100&offset=0"), seen.subList(3, 6));
  }

  @Test
  void badCredentialsAreOneLineWithoutThePassword() {
    AirflowException e = assertThrows(AirflowException.class, () -> client("wrong-" + PASSWORD).dags());
    assertEquals(401, e.status());
    assertTrue(e.getMessage().contains("refused the credentials of user 'admin' (password from $TEST_PW"), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD));
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void triggerSendsANullLogicalDateAndTheConf() throws Exception {
    DagRun run = client(PASSWORD).trigger("esteira_nightly", null, null, Map.of("day", "01"));
    assertEquals("queued", run.state());
    JsonNode body = AirflowClient.JSON.readTree(bodies.get(bodies.size() - 1));
    assertTrue(body.has("logical_date") && body.get("logical_date").isNull());
    assertEquals("01", body.path("conf").path("day").asText());
    assertFalse(body.has("dag_run_id"));
    assertFalse(seen.stream().anyMatch(s -> s.endsWith("UPGRADE")), "an HTTP/2 upgrade was sent: " + seen);

    OffsetDateTime when = OffsetDateTime.parse("2026-11-02T00:00:00Z");
    var withDate = AirflowClient.triggerBody("r1", when, Map.of());
    assertEquals("2026-11-02T00:00Z", withDate.get("logical_date"));
    assertEquals("r1", withDate.get("dag_run_id"));
  }

  @Test
  void duplicateRunIdAndUnknownDagAreNamed() {
    AirflowClient c = client(PASSWORD);
    AirflowException dup = assertThrows(AirflowException.class, () -> c.trigger("esteira_nightly", "dup", null, Map.of()));
    assertTrue(dup.getMessage().startsWith("DAG 'esteira_nightly' already has a run with run id 'dup'"), dup.getMessage());
    AirflowException unknown = assertThrows(AirflowException.class, () -> c.trigger("nope", null, null, Map.of()));
    assertTrue(unknown.getMessage().startsWith("unknown DAG 'nope'"), unknown.getMessage());
    assertThrows(AirflowException.class, () -> c.dag("nope"));
  }

  @Test
  void runIdsAreEncodedAndAFailedRunNamesItsTask() {
    AirflowClient c = client(PASSWORD);
    String id = "manual__2026-11-24T12:00:00+00:00";
    DagRun run = c.run("esteira_nightly", id);
    assertEquals(OffsetDateTime.parse("2026-11-24T12:00:02.123456Z").toInstant(), run.started());
    assertNull(run.ended());
    List<TaskInstance> tasks = c.taskInstances("esteira_nightly", id);
    assertEquals(List.of("ingest", "score", "validate"), tasks.stream().map(TaskInstance::taskId).toList());
    String msg = AirflowClient.failureMessage(run, tasks);
    assertTrue(msg.startsWith("run '" + id + "' of DAG 'esteira_nightly' failed at task 'validate' (try 2 of 2)"), msg);
    var finished = c.await("esteira_nightly", id, Duration.ofSeconds(5), Duration.ofMillis(10), p -> {});
    assertEquals("failed", finished.state());
  }

  @Test
  void logsOfTheLatestTryAreReadAsJson() {
    var log = client(PASSWORD).log("esteira_nightly", "manual__2026-11-24T12:00:00+00:00", "validate", null);
    assertEquals(2, log.tryNumber());
    assertEquals("2026-11-24T12:00:01.5Z ERROR task: Task failed [AirflowException: exit 1]", log.lines().get(0));
    assertEquals("a plain line", log.lines().get(1));
    assertTrue(seen.get(seen.size() - 1).endsWith("/taskInstances/validate/logs/2?full_content=true"), seen.toString());
    AirflowException never = assertThrows(AirflowException.class,
        () -> client(PASSWORD).log("esteira_nightly", "manual__2026-11-24T12:00:00+00:00", "score", null));
    assertTrue(never.getMessage().contains("never ran"), never.getMessage());
  }

  @Test
  void clearIsNotADryRunAndTakesTheDownstreamTasks() throws Exception {
    var cleared = client(PASSWORD).clear("esteira_nightly", "manual__2026-11-24T12:00:00+00:00", "validate");
    assertEquals("validate", cleared.tasks().get(0).taskId());
    JsonNode body = AirflowClient.JSON.readTree(bodies.get(bodies.size() - 1));
    assertFalse(body.path("dry_run").asBoolean(true));
    assertTrue(body.path("include_downstream").asBoolean());
    assertEquals("validate", body.path("task_ids").get(0).asText());
  }

  @Test
  void importErrorsGiveTheLastLineAsTheReason() {
    var errors = client(PASSWORD).importErrors();
    assertEquals("broken.py", errors.get(0).filename());
    assertEquals("EsteiraWorkflowError: /w/broken.yaml: the steps form a cycle: a -> b -> a", errors.get(0).reason());
  }

  @Test
  void anUnreachableServerIsOneLine() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    AirflowClient c = new AirflowClient(new AirflowSettings(URI.create("http://127.0.0.1:" + port), "admin", "$X",
        () -> PASSWORD, Duration.ofSeconds(2), Duration.ofSeconds(2)));
    AirflowException e = assertThrows(AirflowException.class, c::dags);
    assertEquals("Airflow at http://127.0.0.1:" + port + " is not reachable (connection refused: is it running?)", e.getMessage());
  }

  @Test
  void settingsComeFromTheEnvironmentOrAFileAndNeverShowThePassword(@TempDir Path dir) throws IOException {
    var conf = new EsteiraConfig.Airflow("http://127.0.0.1:8080", "admin", "AF_USER", "AF_PW", "pw.txt", null, 30.0);
    var fromEnv = AirflowSettings.from(conf, Map.of("AF_PW", PASSWORD, "AF_USER", "ops")::get, dir, null);
    assertEquals("ops", fromEnv.username());
    assertEquals(PASSWORD, fromEnv.password());
    assertEquals(Duration.ofSeconds(30), fromEnv.requestTimeout());
    assertFalse(fromEnv.toString().contains(PASSWORD));

    Files.writeString(dir.resolve("pw.txt"), PASSWORD + "\n");
    var fromFile = AirflowSettings.from(conf, Map.<String, String>of()::get, dir, "http://127.0.0.1:9999/");
    assertEquals("admin", fromFile.username());
    assertEquals(PASSWORD, fromFile.password());
    assertEquals(URI.create("http://127.0.0.1:9999"), fromFile.url());
    assertEquals("file " + dir.resolve("pw.txt"), fromFile.passwordSource());

    var noPassword = new EsteiraConfig.Airflow("http://h:1", "admin", null, "AF_PW", null, null, null);
    ConfigException e = assertThrows(ConfigException.class, () -> AirflowSettings.from(noPassword, k -> null, dir, null));
    assertEquals("no Airflow password: set $AF_PW or airflow.password_file in the configuration", e.getMessage());
    var badUrl = new EsteiraConfig.Airflow("ftp://h", "admin", null, "AF_PW", null, null, null);
    assertThrows(ConfigException.class, () -> AirflowSettings.from(badUrl, Map.of("AF_PW", "x")::get, dir, null));
  }
}
