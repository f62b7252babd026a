package dev.esteira.workflow;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.EsteiraException;
import dev.esteira.jobs.Job;
import dev.esteira.jobs.JobParam;
import dev.esteira.jobs.Jobs;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Planning alone, without Spark, as {@code run --dry-run}, the local runner and the Airflow factory (which
 * reads the dry-run's JSON) all do it: a step's parameter of the wrong type or breaking its rule, and a
 * {@code when:} on an output its step does not declare, are refused with one line naming the workflow
 * file and the step.
 */
class WorkflowPlanTest {
  private static final String FILE = "workflows/night.yaml";

  private static WorkflowRunner.Plan plan(String yaml, Map<String, String> overrides) {
    return WorkflowRunner.plan(WorkflowRunnerTest.parse(yaml), overrides, FILE, "file:/lake", 0);
  }

  private static String refusal(String yaml, Map<String, String> overrides) {
    return assertThrows(EsteiraException.class, () -> plan(yaml, overrides)).getMessage();
  }

  private static String drift(String with) {
    return "name: night\nparams: {window: '2'}\nsteps:\n"
        + "  - {id: drift, job: drift, with: {dataset: loans, batch: b1, " + with + "}}\n";
  }

  @Test
  void aNegativeWindowIsRefusedAtPlanningNamingTheFileAndStep() {
    assertEquals(
        "workflows/night.yaml step 'drift': job 'drift': parameter 'window' must be at least 0, got '-1'",
        refusal(drift("window: -1"), Map.of()));
    // Through a workflow parameter too: the value is checked once it is filled in.
    assertEquals(
        "workflows/night.yaml step 'drift': job 'drift': parameter 'window' must be at least 0, got '-3'",
        refusal(drift("window: '${window}'"), Map.of("window", "-3")));
  }

  @Test
  void aValueOfTheWrongTypeIsRefusedAtPlanning() {
    assertEquals(
        "workflows/night.yaml step 'drift': job 'drift': parameter 'window' must be a whole number, got 'three'",
        refusal(drift("window: three"), Map.of()));
    assertEquals(
        "workflows/night.yaml step 'drift': job 'drift': parameter 'outputs' must be true or false, got 'ture'",
        refusal(drift("outputs: ture"), Map.of()));
    assertEquals(
        "workflows/night.yaml step 'p': job 'promote': parameter 'version' must be at least 1, got '0'",
        refusal("name: night\nsteps:\n  - {id: p, job: promote, with: {model: m, stage: staging, version: 0}}\n", Map.of()));
  }

  @Test
  void aMisspelledOutputInAWhenIsRefusedAtPlanning() {
    String yaml = "name: night\nsteps:\n"
        + "  - {id: ingest, job: ingest, with: {dataset: loans, path: /in, batch: b1}}\n"
        + "  - {id: profile, job: profile, with: {dataset: loans, batch: b1}, depends_on: [ingest], when: '!ingest.unchaged'}\n";
    assertEquals(
        "workflows/night.yaml step 'profile': when: step 'ingest' (job ingest) has no output 'unchaged' "
            + "(outputs: batch, version, rows, unchanged)",
        refusal(yaml, Map.of()));
  }

  @Test
  void goodValuesPlanWithTheirText() {
    WorkflowRunner.Plan p = plan(drift("window: '${window}', outputs: 'False'"), Map.of());
    assertEquals("2", p.steps().get(0).params().get("window"));
    assertFalse(p.steps().get(0).params().flag("outputs"));
  }

  @Test
  void typesAndRulesOfOneParameter() {
    JobParam window = JobParam.optional("window", "w", "0").as(JobParam.Type.WHOLE_NUMBER).must(JobParam.Rule.atLeast(1));
    assertNull(window.problem(" 4 "));
    assertEquals("must be at least 1, got '0'", window.problem("0"));
    assertEquals("must be a whole number, got '1.5'", window.problem("1.5"));
    JobParam stage = JobParam.required("stage", "s").must(JobParam.Rule.oneOf("staging", "production"));
    assertNull(stage.problem("staging"));
    assertEquals("must be one of staging, production, got 'prod'", stage.problem("prod"));
    assertEquals(java.util.List.of("a", "b"), JobParam.Type.LIST.parse(" a, ,b "));
  }

  @Test
  void aStageThatIsNotAStageIsRefusedAtPlanning() {
    String promote = "name: night\nsteps:\n  - {id: p, job: promote, with: {model: m, stage: %s}}\n";
    assertEquals(
        "workflows/night.yaml step 'p': job 'promote': parameter 'stage' must be one of staging, production, archived, "
            + "got 'prod'",
        refusal(promote.formatted("prod"), Map.of()));
    // The registry refuses 'none' at run: refused at planning instead.
    assertTrue(refusal(promote.formatted("none"), Map.of()).endsWith("got 'none'"));
    // Any case, as the registry reads a stage.
    assertEquals("Production", plan(promote.formatted("Production"), Map.of()).steps().get(0).params().get("stage"));
  }

  @Test
  void anIngestFormatOrBatchNameTheIngestCannotReadIsRefusedAtPlanning() {
    String ingest = "name: night\nsteps:\n  - {id: i, job: ingest, with: {dataset: loans, path: /in, batch: %s, input_format: %s}}\n";
    assertEquals(
        "workflows/night.yaml step 'i': job 'ingest': parameter 'input_format' must be one of csv, parquet, json, got 'xml'",
        refusal(ingest.formatted("b1", "xml"), Map.of()));
    assertEquals(
        "workflows/night.yaml step 'i': job 'ingest': parameter 'batch' must be a name of letters, digits, '_', '.' and '-', "
            + "got '../x'",
        refusal(ingest.formatted("'../x'", "csv"), Map.of()));
    assertEquals("PARQUET", plan(ingest.formatted("day-03", "PARQUET"), Map.of()).steps().get(0).params().get("input_format"));
  }

  @Test
  void aNegativeWholeNumberAndANonBooleanAreRefusedAtPlanning() {
    assertEquals(
        "workflows/night.yaml step 'p': job 'promote': parameter 'version' must be at least 1, got '-2'",
        refusal("name: night\nsteps:\n  - {id: p, job: promote, with: {model: m, stage: staging, version: -2}}\n", Map.of()));
    assertEquals(
        "workflows/night.yaml step 't': job 'train': parameter 'force' must be true or false, got 'yes please'",
        refusal("name: night\nsteps:\n  - {id: t, job: train, with: {model: m, force: yes please}}\n", Map.of()));
  }

  /**
   * Every parameter of every job has a type and a rule that --help can say, and its default meets them:
   * otherwise a step that leaves it out would be refused for a value it never gave.
   */
  @Test
  void everyParameterOfEveryJobHasATypeAndARuleItsDefaultMeets() {
    for (Job job : Jobs.all()) {
      for (JobParam p : job.params()) {
        String which = job.name() + "." + p.name();
        assertNotNull(p.type(), which);
        assertNotNull(p.rule(), which);
        assertFalse(p.kind().isBlank(), which);
        if (p.defaultValue() != null) {
          assertNull(p.problem(p.defaultValue()), which);
        }
      }
    }
  }
}
