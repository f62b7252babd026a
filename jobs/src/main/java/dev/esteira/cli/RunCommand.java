package dev.esteira.cli;

import dev.esteira.lake.Lakehouse;
import dev.esteira.workflow.StepRunner;
import dev.esteira.workflow.WorkflowRunner;
import dev.esteira.workflow.WorkflowSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run a workflow (a DAG of job steps) on one SparkSession. The DAG and every step's "
        + "parameters are checked before anything runs.")
final class RunCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "WORKFLOW.yaml", description = "The workflow file.")
  Path file;

  @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE",
      description = "Set a workflow parameter, e.g. --param day=03 (repeatable).")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--resume",
      description = "Continue the run with these parameters from the step that failed, skipping the steps that succeeded.")
  boolean resume;

  @Option(names = "--dry-run", description = "Check and print the plan, without starting Spark; run nothing.")
  boolean dryRun;

  @Option(names = "--step", paramLabel = "ID",
      description = "Run only this step, once (no retries: the caller, e.g. Airflow, owns them), planned as in a whole run.")
  String step;

  @Option(names = "--run-id", paramLabel = "ID",
      description = "With --step: the run to record the attempt under (e.g. Airflow's run id; default: the run id of these parameters).")
  String runId;

  @Option(names = "--attempt", paramLabel = "N",
      description = "With --step: the attempt's number (e.g. Airflow's try number; default: one more than recorded).")
  Integer attempt;

  @Override
  public Integer call() {
    DeployMode.requireAbsolute("the workflow file", file.toString());
    WorkflowSpec workflow = WorkflowSpec.load(file);
    Session s = session();
    if ((runId != null || attempt != null) && step == null) {
      throw new dev.esteira.EsteiraException("--run-id and --attempt go with --step");
    }
    if (attempt != null && attempt < 1) {
      throw new dev.esteira.EsteiraException("--attempt must be at least 1, got " + attempt);
    }
    // Check the whole workflow before starting Spark: a bad one fails in a second, not after start-up.
    String root = Lakehouse.qualifiedRoot(s.config().lakehouse().root(), new Configuration());
    WorkflowRunner.Plan checked = WorkflowRunner.plan(workflow, params, file.toString(), root, s.config().workflow().retries());
    if (step != null) {
      StepRunner.find(checked, step, file.toString());
    }
    if (dryRun && ((Main) spec.root().userObject()).options.json()) {
      out().result("", planDocument(checked, s));
      return 0;
    }
    if (dryRun) {
      printPlan(checked);
      return 0;
    }
    if (step != null) {
      WorkflowRunner.Plan plan = new WorkflowRunner(s.jobContext()).plan(workflow, params, file.toString());
      String id = runId != null ? runId : plan.runId();
      WorkflowRunner.StepOutcome o = new StepRunner(s.jobContext()).runStep(plan, step, id, attempt, file.toString());
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("run_id", id);
      data.put("workflow", workflow.name());
      data.put("step", o.step());
      data.put("attempt", o.attempts());
      data.put("state", o.state());
      data.put("message", o.message());
      data.put("alerts", o.alerts());
      out().result("workflow " + workflow.name() + " run " + id + " step " + o.step() + " attempt " + o.attempts()
          + ": " + o.state() + "\n  " + o.message(), data);
      return 0;
    }
    WorkflowRunner runner = new WorkflowRunner(s.jobContext());
    WorkflowRunner.Plan plan = runner.plan(workflow, params, file.toString());
    WorkflowRunner.RunResult result = runner.run(plan, resume);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("run_id", result.runId());
    data.put("workflow", result.workflow());
    data.put("state", result.state());
    data.put("steps", result.steps());
    StringBuilder text = new StringBuilder();
    text.append("workflow ").append(result.workflow()).append(" run ").append(result.runId()).append(": ")
        .append(result.state());
    for (WorkflowRunner.StepOutcome o : result.steps()) {
      text.append("\n  ").append(String.format("%-20s", o.step())).append(o.message());
    }
    out().result(text.toString(), data);
    return 0;
  }

  private void printPlan(WorkflowRunner.Plan plan) {
    List<List<Object>> rows = new ArrayList<>();
    int i = 0;
    for (WorkflowRunner.PlannedStep step : plan.steps()) {
      rows.add(List.of(++i, step.step().id(), step.job().name(), step.params().toString(), step.step().dependsOn(),
          step.step().when() == null ? "-" : step.step().when()));
    }
    // Never cut: the resolved paths are what a user checks and copies.
    out().fullTable(List.of("order", "step", "job", "params", "depends_on", "when"), rows, "run " + plan.runId());
  }

  /**
   * The checked plan as JSON, for programs: the Airflow DAG factory builds its DAG from it, so that a
   * workflow is validated by Esteira itself and planned the same way under Airflow as here.
   */
  private Map<String, Object> planDocument(WorkflowRunner.Plan plan, Session s) {
    WorkflowSpec spec = plan.spec();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("workflow", spec.name());
    doc.put("description", spec.description());
    doc.put("file", file.toAbsolutePath().normalize().toString());
    doc.put("run_id", plan.runId());
    Map<String, String> declared = new LinkedHashMap<>();
    spec.params().forEach((k, v) -> declared.put(k, String.valueOf(v)));
    doc.put("params", declared);
    doc.put("resolved_params", plan.params());
    doc.put("retries", spec.retries() != null ? spec.retries() : s.config().workflow().retries());
    Double delay = s.config().workflow().retryDelaySeconds();
    doc.put("retry_delay_seconds", delay == null ? 1.0 : delay);
    if (spec.schedule() == null) {
      doc.put("schedule", null);
    } else {
      Map<String, Object> schedule = new LinkedHashMap<>();
      schedule.put("cron", spec.schedule().cron());
      schedule.put("date_params", spec.schedule().dateParams());
      doc.put("schedule", schedule);
    }
    doc.put("spark_conf", s.config().spark().conf() == null ? Map.of() : s.config().spark().conf());
    List<Map<String, Object>> steps = new ArrayList<>();
    for (WorkflowRunner.PlannedStep ps : plan.steps()) {
      Map<String, Object> st = new LinkedHashMap<>();
      st.put("id", ps.step().id());
      st.put("job", ps.job().name());
      st.put("params", new java.util.TreeMap<>(ps.params().asMap()));
      st.put("depends_on", ps.step().dependsOn());
      st.put("retries", ps.retries());
      st.put("when", ps.step().when());
      // The alert kinds that fail the step (empty: none); applied by the step itself, shown by the DAG factory.
      st.put("fail_on_alert", ps.step().failOnKinds());
      steps.add(st);
    }
    doc.put("steps", steps);
    return doc;
  }
}
