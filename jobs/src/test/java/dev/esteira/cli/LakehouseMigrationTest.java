package dev.esteira.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.esteira.config.Json;
import dev.esteira.data.DatasetVersion;
import dev.esteira.data.Datasets;
import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.MetaTable;
import dev.esteira.ml.Run;
import dev.esteira.ml.Runs;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import dev.esteira.registry.RegistryTables;
import dev.esteira.registry.Stage;
import dev.esteira.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A lakehouse written by Esteira 0.1 (every table at schema version 1, committed under the test
 * resources) is refused with the command that migrates it, migrates, and reads back what it held; and
 * `sql` refuses every query that writes.
 */
class LakehouseMigrationTest {
  static Path lake;
  /** The v1 tables as Spark reads them straight from the fixture, before any migration. */
  static List<Row> modelsV1;
  static List<Row> transitionsV1;
  static List<Row> datasetVersionsV1;
  static long workflowRowsV1;
  static List<Row> runsV1;

  static CommandLineTest.Result run(String... args) {
    return InProcessCli.run(lake, args);
  }

  /** A fresh copy of the v1 fixture: each test that migrates or writes works on its own. */
  static Path copyOfTheFixture() throws IOException {
    Path copy = TestSpark.newDir("lakehouse-v1");
    Path fixture = TestSpark.projectRoot().resolve("jobs/src/test/resources/fixtures/lakehouse-v1");
    TestSpark.copyTree(fixture, copy);
    return copy;
  }

  @BeforeAll
  static void copyTheFixture() throws IOException {
    lake = copyOfTheFixture();
    var spark = TestSpark.spark();
    modelsV1 = spark.read().format("delta").load(lake.resolve("models").toString()).collectAsList();
    transitionsV1 = spark.read().format("delta").load(lake.resolve("model_transitions").toString()).collectAsList();
    datasetVersionsV1 = spark.read().format("delta").load(lake.resolve("dataset_versions").toString()).collectAsList();
    workflowRowsV1 = spark.read().format("delta").load(lake.resolve("workflow_runs").toString()).count();
    runsV1 = spark.read().format("delta").load(lake.resolve("runs").toString()).collectAsList();
  }

  @Test
  void anOldLakehouseIsRefusedThenMigratedAndReadsBackWhatItHeld() {
    CommandLineTest.Result refused = run("registry", "list");
    assertEquals(1, refused.code(), refused.err());
    assertEquals(1, refused.err().strip().lines().count(), refused.err());
    assertTrue(refused.err().contains("schema version 1") && refused.err().contains("esteira lakehouse migrate"), refused.err());

    CommandLineTest.Result status = run("--format", "json", "lakehouse", "status");
    assertEquals(0, status.code(), status.err());
    JsonNode tables = Json.read(status.out(), JsonNode.class);
    assertTrue(tables.toString().contains("needs `esteira lakehouse migrate`"), tables.toString());

    CommandLineTest.Result migrated = run("lakehouse", "migrate");
    assertEquals(0, migrated.code(), migrated.err());
    assertTrue(migrated.out().contains("models 1 -> 3"), migrated.out());
    assertTrue(migrated.out().contains("runs 1 -> 3"), migrated.out());
    // Rerunning migrate is a no-op.
    assertTrue(run("lakehouse", "migrate").out().contains("every table is at its current schema version"));

    Lakehouse l = new Lakehouse(TestSpark.spark(), lake.toString());
    for (MetaTable t : MetadataTables.ALL) {
      if (l.isDeltaTable(l.path(t))) {
        assertEquals(t.schemaVersion(), l.schemaVersionOf(t), t.name());
      }
    }
    // The registry: the same versions, each in the stage models recorded.
    Registry registry = new Registry(l);
    List<ModelVersion> versions = registry.versions(null);
    assertEquals(modelsV1.size(), versions.size());
    for (Row old : modelsV1) {
      ModelVersion v = registry.version(old.getAs("model"), old.<Integer>getAs("version"));
      assertEquals(Stage.parse(old.getAs("stage")), v.stage(), "v" + v.version());
      assertEquals(old.<String>getAs("artifact_sha256"), v.artifactSha256());
      // The fixture was written under /tmp/fixture-v1: migrated, its artifacts are this copy's own files.
      String tail = old.<String>getAs("artifact_path").substring(old.<String>getAs("artifact_path").indexOf("/artifacts/"));
      assertEquals(l.root() + tail, v.artifactPath());
      assertEquals(v.artifactSha256(), dev.esteira.registry.Artifacts.sha256(l.hadoopConfiguration(), v.artifactPath()));
      assertEquals(old.<String>getAs("run_id"), v.runId());
    }
    // Runs: the same runs, each artifact stored under this lakehouse's root (the fixture's paths name
    // /tmp/fixture-v1) and resolved to this copy's own files.
    assertFalse(runsV1.isEmpty());
    for (Row old : runsV1) {
      Run run = Runs.find(l, old.getAs("run_id")).orElseThrow();
      String path = old.getAs("artifact_path");
      if (path == null) {
        assertNull(run.artifactPath(), run.runId());
        continue;
      }
      assertEquals(l.root() + path.substring(path.indexOf("/artifacts/")), run.artifactPath(), run.runId());
      assertTrue(dev.esteira.lake.StoragePaths.exists(l.hadoopConfiguration(), run.artifactPath()), run.artifactPath());
    }
    assertEquals(transitionsV1.size(), registry.transitions("loan_default").size(),
        "every v1 transition is in the log, and none needed reconciling");
    // Datasets: the same versions; expectation results typed.
    List<DatasetVersion> datasets = new Datasets(l).versions(null);
    assertEquals(datasetVersionsV1.size(), datasets.size());
    for (Row old : datasetVersionsV1) {
      DatasetVersion v = datasets.stream()
          .filter(d -> d.dataset().equals(old.getAs("dataset")) && d.batch().equals(old.getAs("batch"))
              && d.version() == old.<Long>getAs("version"))
          .findFirst().orElseThrow();
      assertEquals(old.<Long>getAs("row_count"), v.rowCount());
      String quality = old.getAs("quality");
      if (quality != null) {
        assertEquals(Json.read(quality, JsonNode.class).get("expectations").size(), v.quality().size());
        assertTrue(quality.contains("\"passed\":" + v.quality().get(0).passed()), quality);
      }
    }
    assertEquals(workflowRowsV1, l.read(dev.esteira.workflow.WorkflowTables.WORKFLOW_RUNS).where(col("run_attempt").equalTo(1)).count());
    // And the migrated lakehouse works: a new transition goes on from the migrated log.
    CommandLineTest.Result alias = run("registry", "alias", "loan_default", "champion", "1");
    assertEquals(0, alias.code(), alias.err());
    assertEquals(List.of("champion"), registry.version("loan_default", 1).aliases());
  }

  @Test
  void sqlRefusesEveryQueryThatWritesAndReadsModelVersions() throws IOException {
    Path empty = TestSpark.newDir("sql-lake");
    List<String> writes = List.of(
        "DELETE FROM models", "UPDATE models SET run_id = 'x'", "DROP TABLE models",
        "INSERT INTO model_transitions SELECT * FROM model_transitions",
        "RESTORE TABLE delta.`" + empty.resolve("models") + "` TO VERSION AS OF 0",
        "MERGE INTO models t USING models s ON t.model = s.model WHEN MATCHED THEN DELETE",
        "CREATE TABLE x AS SELECT 1", "TRUNCATE TABLE models", "ALTER TABLE models ADD COLUMNS (c INT)",
        "VACUUM delta.`" + empty.resolve("models") + "`", "OPTIMIZE delta.`" + empty.resolve("models") + "`");
    for (String q : writes) {
      CommandLineTest.Result r = InProcessCli.run(empty, "sql", q);
      assertEquals(1, r.code(), q + ": " + r.err());
      assertTrue(r.err().startsWith("esteira: error: sql: refused"), q + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
    CommandLineTest.Result unsafe = InProcessCli.run(empty, "sql", "--allow-writes", "DELETE FROM delta.`" + empty.resolve("models") + "`");
    assertEquals(1, unsafe.code());
    assertTrue(unsafe.err().contains("metadata table models"), unsafe.err());
    // Reading needs a migrated lakehouse: this test migrates a copy of its own rather than rely on the
    // other test having migrated the shared one.
    Path migrated = copyOfTheFixture();
    CommandLineTest.Result migration = InProcessCli.run(migrated, "lakehouse", "migrate");
    assertEquals(0, migration.code(), migration.err());
    CommandLineTest.Result read = InProcessCli.run(migrated, "--format", "json", "sql",
        "SELECT model, version, stage FROM model_versions WHERE stage = 'production'");
    assertEquals(0, read.code(), read.err());
    assertEquals(1, Json.read(read.out(), JsonNode.class).size(), read.out());
    assertEquals(0, InProcessCli.run(empty, "sql", "SELECT 1").code());
    assertTrue(RegistryTables.MODELS.schemaVersion() >= 2);
  }
}
