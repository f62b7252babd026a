package dev.esteira.workflow;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.EsteiraException;
import dev.esteira.config.Yaml;
import dev.esteira.demo.DemoData;
import dev.esteira.lake.Lakehouse;
import dev.esteira.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WorkflowRunnerTest {
  static Lakehouse lake;
  static WorkflowRunner runner;
  static Path dir;

  @BeforeAll
  static void setUp() {
    lake = TestSpark.freshLakehouse("workflow");
    runner = new WorkflowRunner(TestSpark.context(lake));
    dir = TestSpark.newDir("workflow-input");
  }

  static WorkflowSpec parse(String yaml) {
    try {
      return Yaml.bind(Yaml.mapper().readTree(yaml), WorkflowSpec.class, "test.yaml");
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  private void assertRefusedBeforeRunning(String yaml, Map<String, String> params, String message) {
    Lakehouse untouched = TestSpark.freshLakehouse("workflow-refused");
    WorkflowRunner planner = new WorkflowRunner(TestSpark.context(untouched));
    EsteiraException e =
        assertThrows(EsteiraException.class, () -> planner.plan(parse(yaml), params, "test.yaml"));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertFalse(untouched.exists(WorkflowTables.WORKFLOW_RUNS), "nothing was run or recorded");
  }

  @Test
  void badDagsAndParametersAreRefusedBeforeAnythingRuns() {
    String cycle = """
        name: w
        steps:
          - {id: a, job: validate, with: {dataset: loans, batch: x}, depends_on: [c]}
          - {id: b, job: validate, with: {dataset: loans, batch: x}, depends_on: [a]}
          - {id: c, job: validate, with: {dataset: loans, batch: x}, depends_on: [b]}
        """;
    assertRefusedBeforeRunning(cycle, Map.of(), "the steps form a cycle: a -> c -> b -> a");
    assertRefusedBeforeRunning(
        "name: w\nsteps:\n  - {id: a, job: teleport}\n", Map.of(), "step 'a' uses unknown job 'teleport'");
    assertRefusedBeforeRunning(
        "name: w\nsteps:\n  - {id: a, job: validate, with: {dataset: loans, batch: x}, depends_on: [z]}\n",
        Map.of(), "depends on unknown step 'z'");
    assertRefusedBeforeRunning(
        "name: w\nsteps:\n  - {id: a, job: validate, with: {dataset: loans, batch: x, colour: red}}\n",
        Map.of(), "job 'validate' has no parameter 'colour'");
    assertRefusedBeforeRunning(
        "name: w\nsteps:\n  - {id: a, job: validate, with: {dataset: loans}}\n",
        Map.of(), "needs parameter 'batch'");
    assertRefusedBeforeRunning(
        "name: w\nsteps:\n  - {id: a, job: validate, with: {dataset: loans, batch: \"${day}\"}}\n",
        Map.of(), "unknown parameter '${day}'");
    assertRefusedBeforeRunning(
        "name: w\nparams: {day: '01'}\nsteps:\n  - {id: a, job: validate, with: {dataset: loans, batch: \"${day}\"}}\n",
        Map.of("dya", "02"), "has no parameter 'dya'");
    assertRefusedBeforeRunning(
        "name: w\nsteps:\n  - {id: a, job: validate, with: {dataset: loans, batch: x}}\n  - {id: a, job: validate, with: {dataset: loans, batch: y}}\n",
        Map.of(), "step id 'a' is used twice");
  }

  @Test
  void stepsRunInDependencyOrder() {
    WorkflowSpec spec = parse("""
        name: w
        steps:
          - {id: last, job: validate, with: {dataset: loans, batch: x}, depends_on: [middle]}
          - {id: first, job: validate, with: {dataset: loans, batch: x}}
          - {id: middle, job: validate, with: {dataset: loans, batch: x}, depends_on: [first]}
        """);
    List<String> order = runner.plan(spec, Map.of(), "t").steps().stream().map(s -> s.step().id()).toList();
    assertEquals(List.of("first", "middle", "last"), order);
  }

  @Test
  void aFailedStepIsRetriedRecordedAndResumedFromWhereItFailed() throws IOException {
    Path landing = dir.resolve("landing");
    WorkflowSpec spec = parse("""
        name: retrying
        params: {data_dir: none}
        retries: 1
        steps:
          - {id: ingest, job: ingest, with: {dataset: loans, path: "${data_dir}/reference.csv", batch: reference}}
          - {id: validate, job: validate, with: {dataset: loans, batch: reference}, depends_on: [ingest]}
        """);
    WorkflowRunner.Plan plan = runner.plan(spec, Map.of("data_dir", landing.toString()), "t");
    EsteiraException e = assertThrows(EsteiraException.class, () -> runner.run(plan, false));
    // A missing input fails the same way however often it is tried: no retry.
    assertTrue(e.getMessage().contains("failed at step 'ingest' after 1 attempt:"), e.getMessage());
    assertTrue(e.getMessage().contains("input not found"), e.getMessage());
    List<Row> rows = runRows(plan.runId());
    assertEquals(2, rows.size(), "the failed attempt and the run: " + rows);
    assertTrue(rows.stream().anyMatch(r -> r.getAs("step").equals("ingest") && r.getAs("state").equals("failed")));
    assertTrue(rows.stream().anyMatch(r -> r.getAs("step").equals("*") && r.getAs("state").equals("failed")));

    DemoData.generate(landing, new DemoData.Options(1L, 1, 9, 200, 100, 1));
    WorkflowRunner.RunResult resumed = runner.run(plan, true);
    assertEquals("succeeded", resumed.state());
    rows = runRows(plan.runId());
    assertTrue(rows.stream().anyMatch(r -> r.getAs("step").equals("ingest") && r.<Integer>getAs("attempt") == 2
        && r.getAs("state").equals("succeeded")));
    assertTrue(rows.stream().anyMatch(r -> r.getAs("step").equals("validate") && r.getAs("state").equals("succeeded")));
    assertEquals(1, rows.stream().filter(r -> r.getAs("step").equals("*")).count(), "resume continues the same run");
    assertEquals("succeeded", rows.stream().filter(r -> r.getAs("step").equals("*")).findFirst().orElseThrow().getAs("state"));

    // Resuming a finished run runs nothing; running it afresh starts a new run_attempt and keeps the old record.
    WorkflowRunner.RunResult nothing = runner.run(plan, true);
    assertTrue(nothing.steps().stream().allMatch(s -> s.attempts() == 0));
    runner.run(plan, false);
    rows = runRows(plan.runId());
    assertEquals(7, rows.size(), "4 rows of run_attempt 1 and ingest, validate and the run of run_attempt 2: " + rows);
    assertEquals(3, rows.stream().filter(r -> r.<Integer>getAs("run_attempt") == 2 && r.getAs("state").equals("succeeded")).count());
  }

  @Test
  void onlyCommitConflictsAndIoErrorsAreRetried() {
    assertTrue(WorkflowRunner.retryable(new java.util.ConcurrentModificationException("conflict")));
    assertTrue(WorkflowRunner.retryable(new RuntimeException(new java.io.IOException("disk"))));
    assertTrue(WorkflowRunner.retryable(new EsteiraException("gave up", new java.util.ConcurrentModificationException())));
    assertFalse(WorkflowRunner.retryable(new EsteiraException("contract refused: 3 rows break it")));
    assertFalse(WorkflowRunner.retryable(new WorkflowException("bad parameter")));
    assertFalse(WorkflowRunner.retryable(new IllegalStateException("a bug")));
  }

  @Test
  void resumingARunThatNeverHappenedIsAnError() {
    WorkflowSpec spec = parse("name: ghost\nsteps:\n  - {id: a, job: validate, with: {dataset: loans, batch: x}}\n");
    EsteiraException e =
        assertThrows(EsteiraException.class, () -> runner.run(runner.plan(spec, Map.of(), "t"), true));
    assertTrue(e.getMessage().contains("nothing to resume"), e.getMessage());
  }

  private static List<Row> runRows(String runId) {
    return lake.read(WorkflowTables.WORKFLOW_RUNS).where(col("run_id").equalTo(runId)).collectAsList();
  }

  @Test
  void theShippedWorkflowsPlan() {
    Path root = TestSpark.projectRoot();
    for (String name : List.of("training", "nightly")) {
      WorkflowSpec spec = WorkflowSpec.load(root.resolve("workflows").resolve(name + ".yaml"));
      assertFalse(runner.plan(spec, Map.of(), name).steps().isEmpty());
    }
    assertTrue(Files.exists(root.resolve("workflows/nightly.yaml")));
  }
}
