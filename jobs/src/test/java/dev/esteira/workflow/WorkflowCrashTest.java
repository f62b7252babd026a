package dev.esteira.workflow;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.data.DatasetTables;
import dev.esteira.demo.DemoData;
import dev.esteira.lake.Lakehouse;
import dev.esteira.testing.CliProcess;
import dev.esteira.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Workflows killed at several moments (a real process halted like kill -9 at a marked point), then
 * resumed or rerun: the tables end exactly as after an uninterrupted run, and no run record is lost.
 * The killed runs are processes of their own; the run after each is the same command line in this JVM,
 * on the shared SparkSession (what it finds is only what the killed process left on disk, and a cold
 * process per resume cost 20-30 s of start-up each for nothing).
 */
class WorkflowCrashTest {
  static Path landing;
  static Path workflow;
  static Path reference;
  /** What the uninterrupted run wrote, read once. */
  static List<String> referenceTables;

  @BeforeAll
  static void setUp() throws Exception {
    landing = TestSpark.newDir("crash-landing");
    DemoData.generate(landing, new DemoData.Options(3L, 1, 99, 300, 200, 1));
    workflow = TestSpark.newDir("crash-workflow").resolve("crashy.yaml");
    Files.writeString(workflow, """
        name: crashy
        params:
          day: "01"
        retries: 0
        steps:
          - id: ingest
            job: ingest
            with: {dataset: loans, path: "%s/daily/day-${day}.csv", batch: "day-${day}"}
          - id: validate
            job: validate
            with: {dataset: loans, batch: "day-${day}"}
            depends_on: [ingest]
        """.formatted(landing));
    // The uninterrupted run every crashed one is compared with: run in this JVM, on the shared
    // SparkSession, by the same runner the command line calls (what is compared is what the jobs wrote,
    // not how the process ended; a separate JVM cost 20-30 s of start-up for nothing).
    reference = TestSpark.newDir("crash-reference");
    WorkflowRunner runner = new WorkflowRunner(TestSpark.context(new Lakehouse(TestSpark.spark(), reference.toString())));
    WorkflowRunner.RunResult r = runner.run(runner.plan(WorkflowSpec.load(workflow), Map.of(), workflow.toString()), false);
    assertEquals("succeeded", r.state(), r.toString());
    referenceTables = tables(reference);
  }

  /** {@code esteira run} as a process of its own, halted like kill -9 at the marked point {@code crashAt}. */
  static CliProcess.Result runKilledAt(Path lake, String crashAt) {
    return CliProcess.run(Map.of("ESTEIRA_TEST_CRASH_AT", crashAt),
        "--lakehouse", lake.toString(), "--master", "local[1]", "-q", "run", workflow.toString());
  }

  /** The command line after a kill: {@code esteira run} in this JVM, its exit code. */
  static int runHere(Path lake, boolean resume) {
    List<String> args = new ArrayList<>(List.of("--conf-dir", TestSpark.confDir().toString(), "--lakehouse", lake.toString(),
        "-q", "run", workflow.toString()));
    if (resume) {
      args.add("--resume");
    }
    return dev.esteira.cli.Main.execute(args.toArray(new String[0]));
  }

  static List<Row> runLog(Path lake) {
    return new Lakehouse(TestSpark.spark(), lake.toString()).read(WorkflowTables.WORKFLOW_RUNS)
        .orderBy("run_attempt", "step", "attempt").collectAsList();
  }

  static String states(Path lake) {
    StringBuilder s = new StringBuilder();
    for (Row r : runLog(lake)) {
      s.append(r.<Integer>getAs("run_attempt")).append(':').append(r.<String>getAs("step")).append('#')
          .append(r.<Integer>getAs("attempt")).append('=').append(r.<String>getAs("state")).append(' ');
    }
    return s.toString().trim();
  }

  /** What the jobs wrote, without times: the dataset's rows and its versions table. */
  static List<String> tables(Path lakeDir) {
    Lakehouse lake = new Lakehouse(TestSpark.spark(), lakeDir.toString());
    List<String> out = new ArrayList<>();
    for (Row r : lake.read(DatasetTables.DATASET_VERSIONS)
        .select("dataset", "batch", "row_count", "content_fingerprint", "contract_status", "expectations_status", "quality")
        .orderBy("dataset", "batch").collectAsList()) {
      out.add(r.toString());
    }
    out.add("loans rows: " + TestSpark.spark().read().format("delta").load(lake.datasetPath("loans")).drop("_batch")
        .orderBy("application_id").collectAsList());
    return out;
  }


  @Test
  void killedBeforeTheFirstStepEndsThenResumed() {
    Path lake = TestSpark.newDir("crash-first");
    CliProcess.Result crashed = runKilledAt(lake, "workflow.step-started:ingest");
    assertEquals(137, crashed.exit(), crashed.toString());
    assertEquals("1:*#1=running 1:ingest#1=running", states(lake), "the run and its step are on record as running");
    assertEquals(0, runHere(lake, true));
    assertEquals("1:*#1=succeeded 1:ingest#1=interrupted 1:ingest#2=succeeded 1:validate#1=succeeded", states(lake));
    assertEquals(referenceTables, tables(lake));
  }

  @Test
  void killedMidRunAfterAStepSucceededThenResumed() {
    Path lake = TestSpark.newDir("crash-mid");
    CliProcess.Result crashed = runKilledAt(lake, "workflow.step-done:validate");
    assertEquals(137, crashed.exit(), crashed.toString());
    assertEquals(0, runHere(lake, true));
    // ingest succeeded before the kill and is not run again; validate's killed attempt is on record.
    assertEquals("1:*#1=succeeded 1:ingest#1=succeeded 1:validate#1=interrupted 1:validate#2=succeeded", states(lake));
    assertEquals(referenceTables, tables(lake));
  }

  @Test
  void killedWhileRerunningADayThatHadSucceededLosesNoEarlierRecord() {
    // A day that had succeeded: a copy of the uninterrupted run's lakehouse (its files as they are; a
    // lakehouse may be moved, see MovedLakehouseTest), instead of a process running it again.
    Path lake = TestSpark.newDir("crash-rerun");
    TestSpark.copyTree(reference, lake);
    CliProcess.Result crashed = runKilledAt(lake, "workflow.step-done:ingest");
    assertEquals(137, crashed.exit(), crashed.toString());
    assertEquals("1:*#1=succeeded 1:ingest#1=succeeded 1:validate#1=succeeded 2:*#2=running 2:ingest#2=running",
        states(lake), "the first run's record is intact while the rerun has no outcome");
    assertEquals(0, runHere(lake, false));
    String log = states(lake);
    assertTrue(log.startsWith(
        "1:*#1=succeeded 1:ingest#1=succeeded 1:validate#1=succeeded 2:*#2=interrupted 2:ingest#2=interrupted"), log);
    assertTrue(log.endsWith("3:*#3=succeeded 3:ingest#3=succeeded 3:validate#2=succeeded"), log);
    assertEquals(referenceTables, tables(lake));
  }

  @Test
  void anIngestKilledBetweenItsTwoCommitsIsRecordedByTheNextRun() {
    Path lake = TestSpark.newDir("crash-ingest");
    CliProcess.Result crashed = runKilledAt(lake, "ingest.after-dataset-commit");
    assertEquals(137, crashed.exit(), crashed.toString());
    Lakehouse l = new Lakehouse(TestSpark.spark(), lake.toString());
    assertEquals(0, l.read(DatasetTables.DATASET_VERSIONS).count(), "the dataset commit is not recorded yet");
    assertEquals(0, runHere(lake, false));
    assertEquals(1, l.read(DatasetTables.DATASET_VERSIONS).where(col("batch").equalTo("day-01")).count());
    assertEquals(referenceTables, tables(lake));
  }
}
