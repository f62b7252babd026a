package dev.esteira.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.esteira.alerts.AlertTables;
import dev.esteira.config.Json;
import dev.esteira.demo.DemoData;
import dev.esteira.lake.Lakehouse;
import dev.esteira.testing.CliProcess;
import dev.esteira.testing.Receiver;
import dev.esteira.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Alerts from real workflows run by the CLI to a real HTTP receiver on loopback: a drift step with
 * {@code fail_on_alert} delivers its drift event and fails, its failure an event too, and a resume of the
 * same night sends nothing new; a process killed between recording an event and sending it leaves it
 * pending, and the resume delivers it once.
 */
class AlertsWorkflowTest {
  static Path landing;
  static Path conf;
  static Path workflow;
  static Path broken;
  static Receiver hook;
  static final String SECRET = System.getenv("ESTEIRA_TEST_ALERT_SECRET");
  /** Every output of every command of the test, searched for the secret at the end of each test. */
  static final List<String> outputs = new ArrayList<>();

  @BeforeAll
  static void setUp() throws IOException {
    landing = TestSpark.newDir("alerts-landing");
    // Day 01 drifts (the generator shifts income and more from driftFromDay on).
    DemoData.generate(landing, new DemoData.Options(3L, 1, 1, 300, 200, 1));
    assertNotNull(SECRET, "surefire sets ESTEIRA_TEST_ALERT_SECRET (jobs/pom.xml)");
    hook = new Receiver("X-Esteira-Token");
    conf = TestSpark.newDir("alerts-conf");
    try (Stream<Path> files = Files.walk(TestSpark.confDir())) {
      for (Path f : files.toList()) {
        Path to = conf.resolve(TestSpark.confDir().relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    String base = Files.readString(conf.resolve("esteira.yaml"));
    Files.writeString(conf.resolve("esteira.yaml"), base.substring(0, base.indexOf("alerts:")) + """
        alerts:
          channels:
            chat: {type: webhook, url: "%s", timeout_seconds: 5, retries: 0,
                   secret_header: X-Esteira-Token, secret_env: ESTEIRA_TEST_ALERT_SECRET}
          routes:
            - {kinds: [drift, step_failed], channels: [chat]}
        """.formatted(hook.url()));
    workflow = conf.resolve("alerting.yaml");
    Files.writeString(workflow, """
        name: alerting
        params:
          day: "01"
        steps:
          - id: reference
            job: ingest
            with: {dataset: loans, path: "%1$s/reference.csv", batch: reference, tag: training}
          - id: ingest
            job: ingest
            with: {dataset: loans, path: "%1$s/daily/day-${day}.csv", batch: "day-${day}"}
          - id: drift
            job: drift
            with: {dataset: loans, batch: "day-${day}"}
            depends_on: [reference, ingest]
            fail_on_alert: [drift]
        """.formatted(landing));
    broken = conf.resolve("broken.yaml");
    // Validating a batch that was never ingested fails at once: the cheapest step_failed there is.
    Files.writeString(broken, """
        name: broken
        params:
          day: "01"
        steps:
          - id: validate
            job: validate
            with: {dataset: loans, batch: "never-${day}"}
        """);
  }

  @AfterAll
  static void stop() {
    hook.close();
  }

  static CommandLineTest.Result cli(Path lake, String... args) {
    // Not quiet: the progress lines (each delivery and what the receiver said) are outputs searched too.
    List<String> all = new ArrayList<>(List.of("--lakehouse", lake.toString(), "--conf-dir", conf.toString()));
    all.addAll(List.of(args));
    CommandLineTest.Result r = InProcessCli.runExactly(all.toArray(new String[0]));
    outputs.add(r.out());
    outputs.add(r.err());
    return r;
  }

  /** The secret reached the receiver, and is in no output, no cell of alert_deliveries and no file of the lakehouse. */
  static void assertSecretOnlyWhereItBelongs(Path lake) throws IOException {
    assertFalse(hook.requests.isEmpty());
    hook.requests.forEach(r -> assertEquals(SECRET, r.header("X-Esteira-Token")));
    for (String o : outputs) {
      assertFalse(o.contains(SECRET), o);
    }
    new Lakehouse(TestSpark.spark(), lake.toString()).read(AlertTables.DELIVERIES).collectAsList().forEach(row -> {
      for (int i = 0; i < row.length(); i++) {
        assertFalse(String.valueOf(row.get(i)).contains(SECRET), String.valueOf(row.get(i)));
      }
    });
    try (Stream<Path> files = Files.walk(lake)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertFalse(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1).contains(SECRET),
            f.toString());
      }
    }
  }

  static List<String> kinds(List<Receiver.Request> requests) {
    List<String> out = new ArrayList<>();
    for (Receiver.Request r : requests) {
      out.add(Json.read(r.body(), JsonNode.class).path("event").path("kind").asText());
    }
    return out;
  }

  @Test
  void aDriftStepWithFailOnAlertDeliversThenFailsAndAResumeOfTheNightSendsNothingNew() throws IOException {
    hook.requests.clear();
    Path lake = TestSpark.newDir("alerts-lake");
    CommandLineTest.Result first = cli(lake, "run", workflow.toString());
    assertEquals(1, first.code(), first.err());
    assertTrue(first.err().contains("failed by fail_on_alert: 1 alert (drift)"), first.err());
    assertEquals(List.of("drift", "step_failed"), kinds(hook.requests));
    JsonNode drift = Json.read(hook.requests.get(0).body(), JsonNode.class);
    assertEquals("day-01", drift.path("event").path("batch").asText());
    assertEquals(hook.requests.get(0).header("Idempotency-Key"), drift.path("event").path("id").asText());
    assertTrue(drift.path("text").asText().contains("drift in income (dataset:loans) batch day-01"), drift.toString());

    // The same night resumed: the drift step runs again and decides the same; nothing new is sent.
    CommandLineTest.Result resumed = cli(lake, "run", workflow.toString(), "--resume");
    assertEquals(1, resumed.code(), resumed.err());
    assertEquals(2, hook.requests.size(), kinds(hook.requests).toString());
    CommandLineTest.Result list = cli(lake, "--format", "json", "alerts", "list");
    assertEquals(0, list.code(), list.err());
    JsonNode rows = Json.read(list.out(), JsonNode.class);
    assertEquals(2, rows.size(), list.out());
    rows.forEach(r -> assertEquals("sent", r.path("state").asText(), list.out()));
    CommandLineTest.Result retry = cli(lake, "alerts", "retry");
    assertEquals(0, retry.code(), retry.err() + retry.out());
    assertTrue(retry.out().contains("0 sent, 0 still pending, 0 failed"), retry.out());
    assertEquals(2, hook.requests.size());
    assertTrue(first.err().contains("to chat: sent, attempt 1: HTTP 200"), first.err());
    // The drift job run alone from the command line decides the same drift: the same event, not sent again.
    CommandLineTest.Result alone = cli(lake, "drift", "--dataset", "loans", "--batch", "day-01");
    assertEquals(0, alone.code(), alone.err());
    assertTrue(alone.err().contains("ALERT drift in income (dataset:loans) batch day-01"), alone.err());
    assertTrue(alone.err().contains("1 alert event was recorded before: not raised again"), alone.err());
    assertEquals(2, hook.requests.size());
    CommandLineTest.Result plan = cli(lake, "--format", "json", "run", workflow.toString(), "--dry-run");
    assertEquals(0, plan.code(), plan.err());
    assertSecretOnlyWhereItBelongs(lake);
  }

  @Test
  void aProcessKilledBetweenRecordingAnEventAndSendingItLeavesItPendingAndTheResumeSendsItOnce() throws IOException {
    hook.requests.clear();
    Path lake = TestSpark.newDir("alerts-crash-lake");
    CliProcess.Result killed = CliProcess.run(Map.of("ESTEIRA_TEST_CRASH_AT", "alerts.recorded"),
        "--lakehouse", lake.toString(), "--conf-dir", conf.toString(), "--master", "local[1]",
        "run", broken.toString());
    assertEquals(137, killed.exit(), killed.toString());
    assertTrue(killed.stderr().contains("test crash at alerts.recorded"), killed.toString());
    assertEquals(0, hook.requests.size(), "killed before sending");
    CommandLineTest.Result pending = cli(lake, "alerts", "list", "--state", "pending");
    assertEquals(0, pending.code(), pending.err());
    assertTrue(pending.out().contains("1 deliveries: 1 pending, 0 sent, 0 failed"), pending.out() + pending.err());
    assertTrue(pending.out().contains("broken.validate"), pending.out());
    CommandLineTest.Result dry = cli(lake, "alerts", "retry", "--dry-run");
    assertEquals(0, dry.code(), dry.err());
    assertTrue(dry.out().contains("1 deliveries would be retried"), dry.out());
    assertEquals(0, hook.requests.size(), "a dry run sends nothing");

    // The resume fails the same step of the same run again: the same event, found pending, sent once.
    CommandLineTest.Result resumed = cli(lake, "run", broken.toString(), "--resume");
    assertEquals(1, resumed.code(), resumed.err());
    assertEquals(List.of("step_failed"), kinds(hook.requests));
    assertEquals(List.of("0=pending", "1=sent"),
        new Lakehouse(TestSpark.spark(), lake.toString()).read(AlertTables.DELIVERIES).collectAsList().stream()
            .map(r -> r.<Integer>getAs("attempt") + "=" + r.<String>getAs("status")).sorted().toList(),
        "the pending row the killed process wrote, one sent attempt, no second pending row");
    CommandLineTest.Result again = cli(lake, "run", broken.toString(), "--resume");
    assertEquals(1, again.code(), again.err());
    assertEquals(1, hook.requests.size(), "resumed again: nothing new");
    outputs.add(killed.stdout());
    outputs.add(killed.stderr());
    assertSecretOnlyWhereItBelongs(lake);
  }
}
