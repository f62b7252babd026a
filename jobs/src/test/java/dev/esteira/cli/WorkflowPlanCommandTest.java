package dev.esteira.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.esteira.config.Json;
import dev.esteira.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Airflow DAG factory relies on: {@code run --dry-run --format json} is the checked plan,
 * made without starting Spark, and a bad workflow or a bad {@code --step} is one error line.
 */
class WorkflowPlanCommandTest {
  record Result(int code, String out, String err) {}

  static synchronized Result run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("-q", "--conf-dir", TestSpark.confDir().toString(), "--lakehouse", "/tmp/plan-lake"));
    all.addAll(List.of(args));
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.execute(all.toArray(new String[0]));
      return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void theNightlyPlanAsJsonWithItsSchedule() throws Exception {
    boolean sparkBefore = SparkSession.getDefaultSession().isDefined();
    String nightly = TestSpark.projectRoot().resolve("workflows/nightly.yaml").toString();
    Result r = run("run", nightly, "--dry-run", "--format", "json", "--param", "day=07");
    assertEquals(0, r.code(), r.err());
    if (!sparkBefore) {
      assertTrue(SparkSession.getDefaultSession().isEmpty(), "--dry-run started Spark");
    }
    JsonNode plan = Json.mapper().readTree(r.out());
    assertEquals("nightly", plan.path("workflow").asText());
    assertEquals("${lakehouse}/landing", plan.path("params").path("data_dir").asText(), "declared defaults, unresolved");
    assertEquals("/tmp/plan-lake/landing", plan.path("resolved_params").path("data_dir").asText());
    assertEquals("@daily", plan.path("schedule").path("cron").asText());
    assertEquals("%d", plan.path("schedule").path("date_params").path("day").asText());
    assertEquals(1, plan.path("retries").asInt());
    List<String> ids = new ArrayList<>();
    plan.path("steps").forEach(s -> ids.add(s.path("id").asText()));
    assertEquals(List.of("ingest", "validate", "score", "profile", "drift", "ingest_labels", "shadow", "performance",
        "challenge", "policy", "retrain"), ids);
    assertEquals("policy.retrain", plan.path("steps").get(10).path("when").asText(), "when: is part of the plan");
    JsonNode drift = plan.path("steps").get(4);
    assertEquals("profile", drift.path("depends_on").get(0).asText());
    assertEquals("day-07", drift.path("params").path("batch").asText());
    assertTrue(drift.path("fail_on_alert").isArray() && drift.path("fail_on_alert").isEmpty(), "fail_on_alert: none by default");
  }

  @Test
  void badStepsAndSchedulesAreOneLine(@TempDir Path dir) throws Exception {
    String nightly = TestSpark.projectRoot().resolve("workflows/nightly.yaml").toString();
    Result unknown = run("run", nightly, "--step", "nope", "--dry-run");
    assertEquals(1, unknown.code());
    assertEquals("esteira: error: " + nightly + ": workflow 'nightly' has no step 'nope' (steps: "
        + "[ingest, validate, score, profile, drift, ingest_labels, shadow, performance, challenge, policy, retrain])",
        unknown.err().strip());
    Result runIdAlone = run("run", nightly, "--run-id", "x", "--dry-run");
    assertEquals(1, runIdAlone.code());
    assertTrue(runIdAlone.err().contains("--run-id and --attempt go with --step"), runIdAlone.err());

    Path wf = dir.resolve("sched.yaml");
    Files.writeString(wf, """
        name: sched
        params: {day: "01"}
        schedule: {cron: "@daily", date_params: {month: "%m"}}
        steps:
          - {id: a, job: validate, with: {dataset: loans, batch: "day-${day}"}}
        """);
    Result bad = run("run", wf.toString(), "--dry-run");
    assertEquals(1, bad.code());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
    assertTrue(bad.err().startsWith("esteira: error: " + wf + ": "), bad.err());
    assertTrue(bad.err().contains("schedule.date_params names 'month', which is not a parameter of workflow 'sched'"), bad.err());
  }

  /**
   * A step parameter of the wrong type or breaking its rule fails the dry-run (and so the Airflow DAG
   * factory, which plans through it) in one line naming the file and the step, exit code 1.
   */
  @Test
  void aBadStepParameterFailsTheDryRunInOneLine(@TempDir Path dir) throws Exception {
    Path wf = dir.resolve("drift.yaml");
    Files.writeString(wf, """
        name: drifty
        params: {window: "2"}
        steps:
          - {id: check, job: drift, with: {dataset: loans, batch: b1, window: "${window}"}}
        """);
    assertEquals(0, run("run", wf.toString(), "--dry-run", "--format", "json").code());
    Result bad = run("run", wf.toString(), "--dry-run", "--format", "json", "--param", "window=-1");
    assertEquals(1, bad.code());
    assertEquals("esteira: error: " + wf + " step 'check': job 'drift': parameter 'window' must be at least 0, got '-1'",
        bad.err().strip());
    assertEquals("", bad.out());
  }

  /** A job's --help says each parameter's type and rule, as planning checks them. */
  @Test
  void jobHelpSaysEachParametersTypeAndRule() {
    Result drift = run("drift", "--help");
    assertEquals(0, drift.code(), drift.err());
    assertTrue(oneLine(drift.out()).contains("(default: 0). A whole number, at least 0."), drift.out());
    assertTrue(oneLine(drift.out()).contains("(default: true). True or false."), drift.out());
    Result promote = run("promote", "--help");
    assertTrue(oneLine(promote.out()).contains("One of staging, production, archived."), promote.out());
    Result train = run("train", "--help");
    assertTrue(oneLine(train.out()).contains("A switch (in a workflow: true or false)."), train.out());
  }

  /** Help text as one line: picocli wraps descriptions at its width. */
  private static String oneLine(String help) {
    return help.replaceAll("\\s+", " ");
  }
}
