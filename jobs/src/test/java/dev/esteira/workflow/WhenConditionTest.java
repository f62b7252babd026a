package dev.esteira.workflow;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.EsteiraException;
import dev.esteira.config.Yaml;
import dev.esteira.lake.Lakehouse;
import dev.esteira.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** {@code when:} conditions: checked before anything runs, decided on recorded outputs, locally and per step. */
class WhenConditionTest {
  static WorkflowSpec parse(String yaml) {
    try {
      return Yaml.bind(Yaml.mapper().readTree(yaml), WorkflowSpec.class, "test.yaml");
    } catch (java.io.IOException e) {
      throw new RuntimeException(e);
    }
  }

  static String refused(String steps) {
    EsteiraException e = assertThrows(EsteiraException.class,
        () -> WorkflowRunner.plan(parse("name: w\nsteps:\n" + steps), Map.of(), "test.yaml", "/nowhere", 0));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  static final String LOAD = "  - {id: load, job: ingest, with: {dataset: loan_labels, path: x.csv, batch: b}}\n";

  @Test
  void badConditionsAreRefusedInOneLineBeforeAnythingRuns() {
    assertTrue(refused(LOAD + "  - {id: v, job: validate, with: {dataset: loan_labels, batch: b}, depends_on: [load], when: lod.rows}\n")
        .contains("step 'v': when: names unknown step 'lod'"));
    assertTrue(refused(LOAD + "  - {id: v, job: validate, with: {dataset: loan_labels, batch: b}, depends_on: [load], when: load.rowz}\n")
        .contains("step 'load' (job ingest) has no output 'rowz' (outputs: batch, version, rows, unchanged)"));
    assertTrue(refused(LOAD + "  - {id: v, job: validate, with: {dataset: loan_labels, batch: b}, when: load.rows}\n")
        .contains("names step 'load', which it does not depend on"));
    assertTrue(refused(LOAD + "  - {id: v, job: validate, with: {dataset: loan_labels, batch: b}, depends_on: [load], when: \"load.rows >\"}\n")
        .contains("is not STEP.OUTPUT, !STEP.OUTPUT or STEP.OUTPUT == VALUE"));
    assertTrue(refused("  - {id: a, job: validate, with: {dataset: loan_labels, batch: b}}\n"
        + "  - {id: v, job: validate, with: {dataset: loan_labels, batch: b}, depends_on: [a], when: a.passed}\n")
        .contains("(job validate) has no output 'passed' (outputs: none)"));
    // Through a dependency of a dependency is fine.
    WorkflowRunner.plan(parse("name: w\nsteps:\n" + LOAD
        + "  - {id: m, job: validate, with: {dataset: loan_labels, batch: b}, depends_on: [load]}\n"
        + "  - {id: v, job: validate, with: {dataset: loan_labels, batch: b}, depends_on: [m], when: \"load.rows == 3\"}\n"),
        Map.of(), "test.yaml", "/nowhere", 0);
  }

  @Test
  void conditionsHoldOnTruthyValuesAndNeverOnAStepThatDidNotRun() {
    assertTrue(Condition.parse("a.x", "t").holds(Map.of("x", true)));
    assertFalse(Condition.parse("a.x", "t").holds(Map.of("x", 0)));
    assertTrue(Condition.parse("a.x", "t").holds(Map.of("x", List.of("day-06"))));
    assertTrue(Condition.parse("!a.x", "t").holds(Map.of("x", List.of())));
    assertTrue(Condition.parse("a.x == 'promoted'", "t").holds(Map.of("x", "promoted")));
    assertTrue(Condition.parse("a.x != 3", "t").holds(Map.of("x", 4)));
    assertFalse(Condition.parse("!a.x", "t").holds(null));
    assertFalse(Condition.parse("a.x != 3", "t").holds(null));
  }

  @Test
  void skippedStepsAreRecordedAndDecidedOnTheOutputsOfTheRunLocallyAndPerStep() throws Exception {
    Lakehouse lake = TestSpark.freshLakehouse("when");
    Path csv = TestSpark.newDir("when-input").resolve("labels.csv");
    Files.writeString(csv, "application_id,defaulted\na,1\nb,0\nc,1\n");
    String yaml = "name: w\nsteps:\n"
        + "  - {id: load, job: ingest, with: {dataset: loan_labels, path: \"" + csv + "\", batch: b}}\n"
        + "  - {id: again, job: validate, with: {dataset: loan_labels, batch: b}, depends_on: [load], when: load.unchanged}\n"
        + "  - {id: fresh, job: validate, with: {dataset: loan_labels, batch: b}, depends_on: [load], when: \"!load.unchanged\"}\n"
        + "  - {id: three, job: validate, with: {dataset: loan_labels, batch: b}, depends_on: [again], when: \"load.rows == 3\"}\n";
    WorkflowRunner runner = new WorkflowRunner(TestSpark.context(lake));
    WorkflowRunner.Plan plan = runner.plan(parse(yaml), Map.of(), "test.yaml");
    assertEquals(Map.of("load", "succeeded", "again", "skipped", "fresh", "succeeded", "three", "succeeded"), states(runner.run(plan, false)));
    assertEquals(Map.of("load", "succeeded", "again", "succeeded", "fresh", "skipped", "three", "succeeded"), states(runner.run(plan, false)));
    List<Row> skipped = lake.read(WorkflowTables.WORKFLOW_RUNS).where(col("state").equalTo("skipped")).collectAsList();
    assertEquals(2, skipped.size());
    assertTrue(skipped.stream().allMatch(r -> r.<String>getAs("message").startsWith("when: ")));
    String outputs = lake.read(WorkflowTables.WORKFLOW_RUNS).where(col("step").equalTo("load")).orderBy(col("attempt").desc())
        .first().getAs("outputs");
    assertTrue(outputs.contains("\"unchanged\":true"), outputs);

    // One step at a time (as Airflow runs them): the condition reads what 'load' recorded under the run.
    StepRunner steps = new StepRunner(TestSpark.context(lake));
    assertEquals("skipped", steps.runStep(plan, "again", "af-1", null, "test.yaml").state(), "load did not run in af-1");
    steps.runStep(plan, "load", "af-1", null, "test.yaml");
    assertEquals("succeeded", steps.runStep(plan, "again", "af-1", null, "test.yaml").state());
    assertEquals("skipped", steps.runStep(plan, "fresh", "af-1", null, "test.yaml").state());
  }

  static Map<String, String> states(WorkflowRunner.RunResult r) {
    Map<String, String> m = new HashMap<>();
    r.steps().forEach(s -> m.put(s.step(), s.state()));
    return m;
  }
}
