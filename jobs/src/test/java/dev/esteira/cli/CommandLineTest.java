package dev.esteira.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.esteira.config.Json;
import dev.esteira.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The CLI in-process, on the shared SparkSession: exit codes, one-line errors, text and JSON output. */
class CommandLineTest {
  static Path lake;
  static Path landing;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    return InProcessCli.run(lake, args);
  }

  @BeforeAll
  static void setUp() {
    lake = TestSpark.newDir("cli-lake");
    landing = TestSpark.newDir("cli-input");
    Result r = run("demo-data", "--out", landing.toString(), "--days", "1", "--rows", "150", "--reference-rows", "300");
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void helpAndUsageErrors() {
    Result help = run("--help");
    assertEquals(0, help.code());
    for (String command : List.of("demo", "run", "registry", "sql", "ingest", "train", "score", "drift")) {
      assertTrue(help.out().contains(command), command);
    }
    assertEquals(0, run("ingest", "--help").code());
    Result unknown = run("teleport");
    assertEquals(2, unknown.code());
    Result missing = run("ingest", "--dataset", "loans");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("Missing required options"), missing.err());
  }

  @Test
  void ingestPrintsTextOrJsonAndBadInputIsOneLineWithExitOne() {
    String file = landing.resolve("reference.csv").toString();
    Result text = run("ingest", "--dataset", "loans", "--path", file, "--batch", "reference");
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().contains("loans batch reference"), text.out());

    Result json = run("--format", "json", "ingest", "--dataset", "loans", "--path", file, "--batch", "reference");
    assertEquals(0, json.code(), json.err());
    JsonNode doc = Json.read(json.out(), JsonNode.class);
    assertEquals(300, doc.get("rows").asInt());
    assertTrue(doc.get("unchanged").asBoolean());

    Result missing = run("ingest", "--dataset", "loans", "--path", landing.resolve("nope.csv").toString(), "--batch", "b");
    assertEquals(1, missing.code());
    assertEquals(1, missing.err().strip().lines().count(), missing.err());
    assertTrue(missing.err().startsWith("esteira: error: input not found"), missing.err());

    Result unknownDataset = run("ingest", "--dataset", "lions", "--path", file, "--batch", "b");
    assertEquals(1, unknownDataset.code());
    assertTrue(unknownDataset.err().contains("unknown dataset 'lions'"), unknownDataset.err());
  }

  @Test
  void sqlSeesTheMetadataTablesAndDatasetsByName() {
    run("ingest", "--dataset", "loans", "--path", landing.resolve("reference.csv").toString(), "--batch", "reference");
    Result r = run("--format", "json", "sql", "SELECT batch, row_count FROM dataset_versions WHERE dataset = 'loans'");
    assertEquals(0, r.code(), r.err());
    JsonNode rows = Json.read(r.out(), JsonNode.class);
    assertEquals(1, rows.size(), r.out());
    assertEquals(300, rows.get(0).get("row_count").asInt());
    Result count = run("--format", "json", "sql", "SELECT count(*) AS n FROM loans");
    assertEquals(300, Json.read(count.out(), JsonNode.class).get(0).get("n").asInt());
    Result bad = run("sql", "SELECT nope FROM models");
    assertEquals(1, bad.code());
    assertTrue(bad.err().startsWith("esteira: error:"), bad.err());
    // Metadata tables stay read-only with --allow-writes: each statement that writes is one refusal line,
    // and the table keeps its rows.
    for (String write : List.of("DELETE FROM dataset_versions WHERE dataset = 'loans'",
        "UPDATE dataset_versions SET row_count = 0", "INSERT INTO dataset_versions SELECT * FROM dataset_versions")) {
      Result refused = run("sql", "--allow-writes", write);
      assertEquals(1, refused.code(), write + ": " + refused.err());
      assertTrue(refused.err().startsWith("esteira: error: sql: refused:"), refused.err());
      assertEquals(1, refused.err().strip().lines().count(), refused.err());
    }
    Result still = run("--format", "json", "sql", "SELECT row_count FROM dataset_versions WHERE dataset = 'loans'");
    assertEquals(300, Json.read(still.out(), JsonNode.class).get(0).get("row_count").asInt());
  }

  @Test
  void unknownModelsVersionsAndConfigKeysAreOneLineErrors() throws Exception {
    Result r = run("registry", "promote", "nope", "1", "--to", "staging");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("unknown model 'nope'"), r.err());
    r = run("registry", "show", "loan_default", "3");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("loan_default"), r.err());

    Path conf = TestSpark.newDir("cli-conf");
    Files.writeString(conf.resolve("esteira.yaml"),
        Files.readString(TestSpark.confDir().resolve("esteira.yaml")).replace("  app_name: esteira", "  app_nam: esteira"));
    r = run("--conf-dir", conf.toString(), "sql", "SELECT 1");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("unknown key 'spark.app_nam'"), r.err());
    assertEquals(1, r.err().strip().lines().count());

    r = run("--env", "moon", "sql", "SELECT 1");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("unknown environment 'moon'"), r.err());
  }

  @Test
  void aWorkflowWithACycleFailsBeforeRunning() throws Exception {
    Path wf = TestSpark.newDir("cli-wf").resolve("cycle.yaml");
    Files.writeString(wf, """
        name: loop
        steps:
          - {id: a, job: validate, with: {dataset: loans, batch: x}, depends_on: [b]}
          - {id: b, job: validate, with: {dataset: loans, batch: x}, depends_on: [a]}
        """);
    Result r = run("run", wf.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("cycle"), r.err());
    Result dry = run("run", TestSpark.projectRoot().resolve("workflows/nightly.yaml").toString(), "--dry-run", "--param", "day=04");
    assertEquals(0, dry.code(), dry.err());
    assertTrue(dry.out().contains("day-04"), dry.out());
  }
}
