package dev.esteira.cli;

import dev.esteira.lake.Lakehouse;
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

  @Option(names = "--dry-run", description = "Check and print the plan; run nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    WorkflowSpec workflow = WorkflowSpec.load(file);
    Session s = session();
    // Check the whole workflow before starting Spark: a bad one fails in a second, not after start-up.
    String root = Lakehouse.qualifiedRoot(s.config().lakehouse().root(), new Configuration());
    WorkflowRunner.plan(workflow, params, file.toString(), root, s.config().workflow().retries());
    WorkflowRunner runner = new WorkflowRunner(s.jobContext());
    WorkflowRunner.Plan plan = runner.plan(workflow, params, file.toString());
    if (dryRun) {
      List<List<Object>> rows = new ArrayList<>();
      int i = 0;
      for (WorkflowRunner.PlannedStep step : plan.steps()) {
        rows.add(List.of(++i, step.step().id(), step.job().name(), step.params().toString(), step.step().dependsOn()));
      }
      out().table(List.of("order", "step", "job", "params", "depends_on"), rows, "run " + plan.runId());
      return 0;
    }
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
}
