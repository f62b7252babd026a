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
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Alerts from a real workflow run by the CLI to a real HTTP receiver on loopback: a process killed
 * between recording an event and sending it leaves it pending; the resume delivers it once, and the drift
 * step with {@code fail_on_alert} fails after delivering, its failure an event too; resuming the same
 * night again decides the same things and sends nothing new.
 */
class AlertsWorkflowTest {
  static Path landing;
  static Path conf;
  static Path workflow;
  static Receiver hook;

  @BeforeAll
  static void setUp() throws IOException {
    landing = TestSpark.newDir("alerts-landing");
    // Day 01 drifts (the generator shifts income and more from driftFromDay on).
    DemoData.generate(landing, new DemoData.Options(3L, 1, 1, 300, 200, 1));
    hook = new Receiver("X-Unused");
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
            chat: {type: webhook, url: "%s", timeout_seconds: 5, retries: 0}
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
  }

  @AfterAll
  static void stop() {
    hook.close();
  }

  static CommandLineTest.Result cli(Path lake, String... args) {
    List<String> all = new ArrayList<>(List.of("--conf-dir", conf.toString()));
    all.addAll(List.of(args));
    return InProcessCli.run(lake, all.toArray(new String[0]));
  }

  static List<String> kinds(List<Receiver.Request> requests) {
    List<String> out = new ArrayList<>();
    for (Receiver.Request r : requests) {
      out.add(Json.read(r.body(), JsonNode.class).path("event").path("kind").asText());
    }
    return out;
  }

  /**
   * One night, three processes: killed between recording the drift event and sending it; resumed (the
   * event sent once, the step failed by fail_on_alert, the failure an event too); resumed again (the
   * same decisions, nothing new sent).
   */
  @Test
  void killedBetweenRecordAndSendThenResumedTwiceEachEventIsSentOnceAndTheStepFailsOnItsAlert() throws Exception {
    Path lake = TestSpark.newDir("alerts-lake");
    CliProcess.Result killed = CliProcess.run(Map.of("ESTEIRA_TEST_CRASH_AT", "alerts.recorded"),
        "--lakehouse", lake.toString(), "--conf-dir", conf.toString(), "--master", "local[1]", "-q",
        "run", workflow.toString());
    assertEquals(137, killed.exit(), killed.toString());
    assertTrue(killed.stderr().contains("test crash at alerts.recorded"), killed.toString());
    assertEquals(0, hook.requests.size(), "killed before sending");
    CommandLineTest.Result pending = cli(lake, "alerts", "list", "--state", "pending");
    assertEquals(0, pending.code(), pending.err());
    assertTrue(pending.out().contains("1 deliveries: 1 pending, 0 sent, 0 failed"), pending.out() + pending.err());
    assertTrue(pending.out().contains("dataset:loans day-01"), pending.out());
    CommandLineTest.Result dry = cli(lake, "alerts", "retry", "--dry-run");
    assertEquals(0, dry.code(), dry.err());
    assertTrue(dry.out().contains("1 deliveries would be retried"), dry.out());
    assertEquals(0, hook.requests.size(), "a dry run sends nothing");

    // The resume runs the drift step again: it decides the same drift (same event id), finds it pending,
    // sends it, then fails the step (fail_on_alert), and the failure is an event of its own.
    CommandLineTest.Result resumed = cli(lake, "run", workflow.toString(), "--resume");
    assertEquals(1, resumed.code(), resumed.err());
    assertTrue(resumed.err().contains("failed by fail_on_alert: 1 alert (drift)"), resumed.err());
    assertEquals(List.of("drift", "step_failed"), kinds(hook.requests));
    JsonNode drift = Json.read(hook.requests.get(0).body(), JsonNode.class);
    assertEquals("day-01", drift.path("event").path("batch").asText());
    assertEquals(hook.requests.get(0).header("Idempotency-Key"), drift.path("event").path("id").asText());
    assertTrue(drift.path("text").asText().contains("drift in dataset:loans."), drift.toString());
    List<Row> table = new Lakehouse(TestSpark.spark(), lake.toString()).read(AlertTables.DELIVERIES).collectAsList();
    // The drift event: the pending row the killed process wrote and one sent attempt; no second pending row.
    assertEquals(List.of("drift#0=pending", "drift#1=sent", "step_failed#0=pending", "step_failed#1=sent"),
        table.stream().map(r -> r.<String>getAs("kind") + "#" + r.<Integer>getAs("attempt") + "=" + r.<String>getAs("status"))
            .sorted().toList());

    // Resumed again: the same night decides the same things; nothing new is sent or recorded.
    CommandLineTest.Result again = cli(lake, "run", workflow.toString(), "--resume");
    assertEquals(1, again.code(), again.err());
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
  }
}
