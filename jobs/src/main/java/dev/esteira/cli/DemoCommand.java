package dev.esteira.cli;

import static org.apache.spark.sql.functions.*;

import dev.esteira.demo.DemoData;
import dev.esteira.demo.TaskDemoData;
import dev.esteira.lake.Lakehouse;
import dev.esteira.monitor.MonitorTables;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import dev.esteira.workflow.WorkflowRunner;
import dev.esteira.workflow.WorkflowSpec;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run Esteira end to end on built-in demo data: generate loan applications under LAKEHOUSE/landing, run "
          + "workflows/training.yaml (ingest, validate, profile, train, register, promote), then "
          + "workflows/nightly.yaml once per simulated day (ingest, validate, score, profile, drift).",
      "From --drift-from-day on, income and purpose drift on purpose; the other columns never do."
    })
final class DemoCommand extends BaseCommand {
  @Mixin DemoOptions demo;

  @Option(names = "--workflows", paramLabel = "DIR", description = "Folder of the workflow files (default: ${DEFAULT-VALUE}).")
  Path workflows =
      System.getenv("ESTEIRA_HOME") != null
          ? Paths.get(System.getenv("ESTEIRA_HOME"), "workflows")
          : Paths.get("workflows");

  @Override
  public Integer call() {
    DemoData.Options o = demo.options();
    if (!demo.task.equals("classification")) {
      TaskDemoData.demo(demo.task); // an unknown task is refused before Spark starts
      return taskDemo(o);
    }
    Session s = session();
    Lakehouse lake = s.lake();
    String landing = lake.root().replaceFirst("^file:", "") + "/landing";
    s.progress().report("generating demo data under " + landing);
    DemoData.generate(Paths.get(landing), o);
    WorkflowRunner runner = new WorkflowRunner(s.jobContext());
    Path training = workflows.resolve("training.yaml");
    Path nightly = workflows.resolve("nightly.yaml");
    WorkflowSpec trainingSpec = WorkflowSpec.load(training);
    WorkflowSpec nightlySpec = WorkflowSpec.load(nightly);
    s.progress().report("workflow training");
    runner.run(runner.plan(trainingSpec, Map.of("data_dir", landing), training.toString()), false);
    for (int d = 1; d <= demo.days; d++) {
      s.progress().report("workflow nightly, day " + d + " of " + demo.days);
      runner.run(
          runner.plan(nightlySpec, Map.of("data_dir", landing, "day", DemoData.day(d)), nightly.toString()), false);
    }
    summarize(lake, o);
    return 0;
  }

  /**
   * The regression or clustering demo: its data set under LAKEHOUSE/landing/DATASET, then
   * workflows/tasks.yaml once per day (training, gates and registration happen on the first day; every
   * later run finds them done and only ingests and scores its day).
   */
  private int taskDemo(DemoData.Options o) {
    TaskDemoData.Demo d = TaskDemoData.demo(demo.task);
    Session s = session();
    Lakehouse lake = s.lake();
    String landing = lake.root().replaceFirst("^file:", "") + "/landing/" + d.dataset();
    s.progress().report("generating the " + d.task() + " demo data under " + landing);
    TaskDemoData.generate(Paths.get(landing), d.task(), o.seed(), o.referenceRows(), o.dailyRows(), o.days());
    WorkflowRunner runner = new WorkflowRunner(s.jobContext());
    Path file = workflows.resolve("tasks.yaml");
    WorkflowSpec spec = WorkflowSpec.load(file);
    int days = demo.days == 0 ? 0 : o.days();
    for (int day = 1; day <= Math.max(1, days); day++) {
      s.progress().report("workflow tasks (" + d.model() + "), day " + day);
      Map<String, String> params = Map.of(
          "data_dir", landing, "dataset", d.dataset(), "model", d.model(), "day", DemoData.day(day));
      runner.run(runner.plan(spec, params, file.toString()), false);
    }
    ModelVersion production = new Registry(lake).requireProduction(d.model());
    List<List<Object>> rows = new ArrayList<>();
    List<Map<String, Object>> scoredDays = new ArrayList<>();
    for (Row r :
        lake.read(MonitorTables.PREDICTIONS)
            .where(col("model").equalTo(d.model()).and(col("version").equalTo(production.version())))
            .groupBy("batch")
            .agg(count(lit(1)), avg("prediction"), countDistinct("prediction"))
            .orderBy("batch")
            .collectAsList()) {
      rows.add(List.of(r.getString(0), r.getLong(1), r.getDouble(2), r.getLong(3)));
      Map<String, Object> day = new LinkedHashMap<>();
      day.put("batch", r.getString(0));
      day.put("rows_scored", r.getLong(1));
      day.put("mean_prediction", r.getDouble(2));
      day.put("distinct_predictions", r.getLong(3));
      scoredDays.add(day);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("lakehouse", lake.root());
    data.put("task", d.task());
    data.put("model", production.model());
    data.put("production_version", production.version());
    data.put("metrics", new java.util.TreeMap<>(production.metrics()));
    data.put("days", scoredDays);
    if (spec().root().userObject() instanceof Main m && m.options.json()) {
      out().result("", data);
      return 0;
    }
    StringBuilder metrics = new StringBuilder();
    new java.util.TreeMap<>(production.metrics()).forEach((k, v) ->
        metrics.append(metrics.length() == 0 ? "" : ", ").append(k).append(' ')
            .append(String.format(java.util.Locale.ROOT, "%.3f", v)));
    System.out.println("\nIn production: " + production.model() + " v" + production.version() + " (" + d.task()
        + ": " + metrics + "; trained on " + production.dataset() + " version " + production.datasetVersion() + ")\n");
    out().table(List.of("day", "rows scored", "mean prediction", "distinct predictions"), rows,
        "\nLakehouse: " + lake.root() + "\nModel card: bin/esteira registry card " + d.model() + " "
            + production.version() + "\nReproduce:  bin/esteira reproduce " + d.model() + " " + production.version());
    return 0;
  }

  private picocli.CommandLine.Model.CommandSpec spec() {
    return spec;
  }

  private void summarize(Lakehouse lake, DemoData.Options o) {
    ModelVersion production = new Registry(lake).requireProduction("loan_default");
    Map<String, Long> scored = new LinkedHashMap<>();
    for (Row r :
        lake.read(MonitorTables.PREDICTIONS)
            .where(col("model").equalTo("loan_default"))
            .groupBy("batch")
            .count()
            .orderBy("batch")
            .collectAsList()) {
      scored.put(r.getString(0), r.getLong(1));
    }
    Map<String, List<String>> drifted = new LinkedHashMap<>();
    for (Row r :
        lake.read(MonitorTables.DRIFT_METRICS)
            .where(col("target").equalTo("dataset:loans").and(col("alerting")))
            .groupBy("batch")
            .agg(array_sort(collect_set(col("column"))))
            .collectAsList()) {
      drifted.put(r.getString(0), r.getList(1));
    }
    List<List<Object>> rows = new ArrayList<>();
    List<Map<String, Object>> days = new ArrayList<>();
    for (int d = 1; d <= demo.days; d++) {
      String batch = "day-" + DemoData.day(d);
      List<String> cols = drifted.getOrDefault(batch, List.of());
      rows.add(List.of(batch, scored.getOrDefault(batch, 0L), cols.isEmpty() ? "-" : String.join(", ", cols)));
      Map<String, Object> day = new LinkedHashMap<>();
      day.put("batch", batch);
      day.put("rows_scored", scored.getOrDefault(batch, 0L));
      day.put("drifted_columns", cols);
      days.add(day);
    }
    Output output = out();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("lakehouse", lake.root());
    data.put("model", production.model());
    data.put("production_version", production.version());
    data.put("metrics", production.metrics());
    data.put("days", days);
    if (spec.root().userObject() instanceof Main m && m.options.json()) {
      output.result("", data);
      return;
    }
    System.out.println(
        "\nIn production: " + production.model() + " v" + production.version() + " (auc_roc "
            + String.format(java.util.Locale.ROOT, "%.3f", production.metrics().get("auc_roc")) + ", trained on "
            + production.dataset() + " version " + production.datasetVersion() + ")\n");
    output.table(List.of("day", "rows scored", "drifted columns"), rows,
        "\nLakehouse: " + lake.root() + "\nExplore it: bin/esteira sql \"SELECT batch, comparison, column, metric, value FROM drift_metrics WHERE alerting ORDER BY batch, column\"");
  }
}
