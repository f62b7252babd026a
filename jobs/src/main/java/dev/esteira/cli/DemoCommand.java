package dev.esteira.cli;

import dev.esteira.config.Json;
import dev.esteira.demo.DemoData;
import dev.esteira.demo.TaskDemoData;
import dev.esteira.lake.Lakehouse;
import dev.esteira.monitor.DriftStore;
import dev.esteira.monitor.PerformanceStore;
import dev.esteira.monitor.Target;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import dev.esteira.scoring.PredictionStore;
import dev.esteira.workflow.WorkflowRunner;
import dev.esteira.workflow.WorkflowSpec;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run Esteira end to end on built-in demo data: generate loan applications under LAKEHOUSE/landing, run "
          + "workflows/training.yaml (ingest, validate, profile, train, register, promote), then "
          + "workflows/nightly.yaml once per simulated day (ingest, validate, score, profile, drift, the labels "
          + "that arrived, shadow scoring, performance, challenge, policy, and retraining when the policy says so). "
          + "The nights read the policy in CONF/demo/policies when it exists: the demo's adds a canary, so the "
          + "retrained challenger serves a growing share of the rows until the evidence promotes it or rolls it back.",
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
    String landing = landing(lake, "", dir -> DemoData.generate(dir, o), s);
    // The demo's nights run a canary: its policy is the model's with a rollout section (CONF/demo/policies).
    Path policies = s.confDir().resolve("demo").resolve("policies");
    WorkflowRunner runner = new WorkflowRunner(
        java.nio.file.Files.isDirectory(policies) ? s.jobContext().withPolicies(policies) : s.jobContext());
    Path training = workflows.resolve("training.yaml");
    Path nightly = workflows.resolve("nightly.yaml");
    WorkflowSpec trainingSpec = WorkflowSpec.load(training);
    WorkflowSpec nightlySpec = WorkflowSpec.load(nightly);
    s.progress().report("workflow training");
    runner.run(runner.plan(trainingSpec, Map.of("data_dir", landing), training.toString()), false);
    Map<String, String> loop = new LinkedHashMap<>();
    Map<String, String> runs = new LinkedHashMap<>();
    for (int d = 1; d <= demo.days; d++) {
      s.progress().report("workflow nightly, day " + d + " of " + demo.days);
      WorkflowRunner.RunResult night = runner.run(
          runner.plan(nightlySpec, Map.of("data_dir", landing, "day", DemoData.day(d)), nightly.toString()), false);
      loop.put("day-" + DemoData.day(d), loopEvents(night));
      runs.put("day-" + DemoData.day(d), night.runId());
    }
    summarize(lake, o, loop, runs);
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
    String landing = landing(lake, "/" + d.dataset(),
        dir -> TaskDemoData.generate(dir, d.task(), o.seed(), o.referenceRows(), o.dailyRows(), o.days()), s);
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
    List<PredictionStore.BatchSummary> summaries = new ArrayList<>(new PredictionStore(lake).summaries(d.model()));
    summaries.removeIf(b -> b.version() != production.version());
    summaries.sort(java.util.Comparator.comparing(PredictionStore.BatchSummary::batch));
    for (PredictionStore.BatchSummary b : summaries) {
      rows.add(List.of(b.batch(), b.rows(), b.meanPrediction(), b.distinctPredictions()));
      Map<String, Object> day = new LinkedHashMap<>();
      day.put("batch", b.batch());
      day.put("rows_scored", b.rows());
      day.put("mean_prediction", b.meanPrediction());
      day.put("distinct_predictions", b.distinctPredictions());
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

  /**
   * What the continuous-training steps of a night did, in a few words: a retraining, a challenge decided,
   * or what the policy is waiting for.
   */
  static String loopEvents(WorkflowRunner.RunResult night) {
    List<String> events = new ArrayList<>();
    for (WorkflowRunner.StepOutcome o : night.steps()) {
      if (!"succeeded".equals(o.state()) || o.message() == null) {
        continue;
      }
      String m = o.message();
      java.util.regex.Matcher c = java.util.regex.Pattern.compile(
          "(v\\d+): (?:staging -> production|promotion to production refused).*challenger (\\w+) ([0-9.]+) vs champion (v\\d+) ([0-9.]+) on \\d+ labelled rows of \\[([^]]*)]")
          .matcher(m);
      switch (o.step()) {
        case "challenge" -> {
          if (c.find()) {
            events.add(c.group(1) + (m.contains("refused") ? " refused" : " promoted") + ": " + c.group(2) + " "
                + fmt(Double.parseDouble(c.group(3))) + " vs " + c.group(4) + " " + fmt(Double.parseDouble(c.group(5)))
                + " on " + c.group(6));
          }
        }
        case "policy" -> {
          if (m.contains("waiting")) {
            events.add(m.replaceFirst(".*: (drift in [^;]*|decay[^;]*|schedule[^;]*);.*", "$1") + ", waiting for labels");
          }
        }
        case "retrain" -> events.add(m.replaceFirst(".*?(v\\d+) is the challenger.*shadow-scored \\[(.*)]", "retrained: $1 challenger, shadow on $2")
            .replaceFirst(", shadow on $", "")
            .replaceFirst("day-(\\d+), .*day-(\\d+)", "day-$1..$2"));
        default -> { }
      }
    }
    return events.isEmpty() ? "-" : String.join("; ", events);
  }

  /**
   * Each night's rollout look, from its challenge step's output in {@code workflow_runs} and the moves the
   * registry's log holds from the time that step ran; nights without a look are absent.
   */
  private static Map<String, Map<String, Object>> rollouts(Lakehouse lake, Map<String, String> runs,
      Map<String, String> loop) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    List<dev.esteira.registry.Transition> log = new Registry(lake).transitions("loan_default");
    var store = new dev.esteira.workflow.WorkflowRuns(lake);
    runs.forEach((batch, runId) -> store.latest(runId, "challenge")
        .filter(a -> "succeeded".equals(a.state()) && a.outputs() != null).ifPresent(a -> {
          com.fasterxml.jackson.databind.JsonNode output = Json.read(a.outputs(), com.fasterxml.jackson.databind.JsonNode.class);
          DemoRollout.describe(output, log, a.startedAt(), a.endedAt()).ifPresent(text -> {
            // The look ran before the policy and retrain steps: it comes first.
            String after = loop.getOrDefault(batch, "-");
            loop.put(batch, after.equals("-") ? text : text + "; " + after);
            Map<String, Object> look = new LinkedHashMap<>();
            for (String k : List.of("state", "share", "next_share", "estimate", "lower", "upper", "labelled", "rows_needed")) {
              com.fasterxml.jackson.databind.JsonNode n = output.get(k);
              look.put(k, n == null || n.isNull() ? null : n.isNumber() ? n.numberValue() : n.asText());
            }
            out.put(batch, look);
          });
        }));
    return out;
  }

  private void summarize(Lakehouse lake, DemoData.Options o, Map<String, String> loop, Map<String, String> runs) {
    ModelVersion production = new Registry(lake).requireProduction("loan_default");
    Map<String, Long> scored = new LinkedHashMap<>();
    Map<String, Long> firstScored = new LinkedHashMap<>();
    List<PredictionStore.BatchSummary> summaries = new ArrayList<>(new PredictionStore(lake).summaries("loan_default"));
    summaries.sort(java.util.Comparator.comparing(PredictionStore.BatchSummary::batch)
        .thenComparingInt(PredictionStore.BatchSummary::version));
    for (PredictionStore.BatchSummary b : summaries) {
      scored.merge(b.batch(), b.rows(), Math::max);
    }
    // The version that served a batch is the one in production when the night scored it.
    Map<String, Integer> served = servedBy(lake, summaries);
    Map<String, Double> realizedAuc = new LinkedHashMap<>();
    Map<String, Double> estimatedAuc = new LinkedHashMap<>();
    for (PerformanceStore.Performance p : new PerformanceStore(lake).of("loan_default")) {
      Integer v = served.get(p.batch());
      if (p.metric().equals("auc_roc") && v != null && v == p.version() && p.value() != null) {
        (p.realized() ? realizedAuc : estimatedAuc).put(p.batch(), p.value());
      }
    }
    // Who served each batch and who scored it in shadow, from the predictions' roles (a canary night has both).
    Map<String, Map<Integer, Long>> servedRows = new LinkedHashMap<>();
    Map<String, java.util.Set<Integer>> shadowOf = new LinkedHashMap<>();
    for (PredictionStore.RoleCount r : new PredictionStore(lake).roles("loan_default")) {
      if (dev.esteira.scoring.Routing.SERVED.equals(r.role())) {
        servedRows.computeIfAbsent(r.batch(), k -> new java.util.TreeMap<>()).merge(r.version(), r.rows(), Long::sum);
      } else {
        shadowOf.computeIfAbsent(r.batch(), k -> new java.util.TreeSet<>()).add(r.version());
      }
    }
    Map<String, Map<String, Object>> looks = rollouts(lake, runs, loop);
    Map<String, List<String>> drifted = new LinkedHashMap<>();
    new DriftStore(lake).alertingColumns(Target.dataset("loans"), null)
        .forEach((batch, columns) -> drifted.put(batch, List.copyOf(columns)));
    List<List<Object>> rows = new ArrayList<>();
    List<Map<String, Object>> days = new ArrayList<>();
    for (int d = 1; d <= demo.days; d++) {
      String batch = "day-" + DemoData.day(d);
      List<String> cols = drifted.getOrDefault(batch, List.of());
      Integer by = served.get(batch);
      Map<Integer, Long> servedBy = servedRows.getOrDefault(batch, Map.of());
      List<Integer> shadow = new ArrayList<>(shadowOf.getOrDefault(batch, java.util.Set.of()));
      rows.add(List.of(batch, servedText(servedBy),
          shadow.isEmpty() ? "-" : String.join(", ", shadow.stream().map(v -> "v" + v).toList()),
          scored.getOrDefault(batch, 0L), cols.isEmpty() ? "-" : String.join(", ", cols),
          fmt(estimatedAuc.get(batch)), fmt(realizedAuc.get(batch)), loop.getOrDefault(batch, "-")));
      Map<String, Object> day = new LinkedHashMap<>();
      day.put("batch", batch);
      day.put("served_by", by);
      Map<String, Long> servedJson = new LinkedHashMap<>();
      servedBy.forEach((v, n) -> servedJson.put("v" + v, n));
      day.put("served", servedJson);
      day.put("shadow", shadow);
      day.put("rollout", looks.get(batch));
      day.put("rows_scored", scored.getOrDefault(batch, 0L));
      day.put("drifted_columns", cols);
      day.put("auc_roc_estimated", estimatedAuc.get(batch));
      day.put("auc_roc_realized", realizedAuc.get(batch));
      day.put("loop", loop.getOrDefault(batch, "-"));
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
    // Never cut: the loop column carries the evidence of each move.
    output.fullTable(List.of("day", "served by", "shadow", "rows scored", "drifted columns", "auc est.", "auc real.", "loop"), rows,
        "\nserved by: the version that served the day's rows, or on a canary night each version's share of them;"
            + " shadow: the versions that also scored rows they did not serve."
            + "\nauc est.: ROC AUC of the version in production when the day was scored, estimated before labels (CBPE);"
            + " auc real.: on the labels, three days later."
            + "\nLakehouse: " + lake.root()
            + "\nExplore it: bin/esteira sql \"SELECT * FROM performance WHERE metric = 'auc_roc' ORDER BY batch, version, kind\""
            + "\n           bin/esteira registry show loan_default");
  }

  /** The versions that served a batch: one, or each with its share of the rows (a canary night). */
  static String servedText(Map<Integer, Long> served) {
    if (served.isEmpty()) {
      return "-";
    }
    if (served.size() == 1) {
      return "v" + served.keySet().iterator().next();
    }
    long all = served.values().stream().mapToLong(Long::longValue).sum();
    List<String> parts = new ArrayList<>();
    served.forEach((v, n) -> parts.add(String.format(java.util.Locale.ROOT, "v%d %.1f%%", v, 100.0 * n / all)));
    return String.join(", ", parts);
  }

  private static String fmt(Double d) {
    return d == null ? "-" : String.format(java.util.Locale.ROOT, "%.3f", d);
  }

  /** Each batch's serving version: the production version at the time that batch was first scored by it. */
  private static Map<String, Integer> servedBy(Lakehouse lake, List<PredictionStore.BatchSummary> scored) {
    List<dev.esteira.registry.Transition> log = new Registry(lake).transitions("loan_default");
    Map<String, Integer> out = new LinkedHashMap<>();
    for (PredictionStore.BatchSummary b : scored) {
      java.sql.Timestamp at = b.firstScoredAt();
      Integer production = null;
      for (dev.esteira.registry.Transition t : log) {
        if (t.accepted() && t.kind() == dev.esteira.registry.Transition.Kind.STAGE && !t.at().after(at)) {
          if (t.toStage() == dev.esteira.registry.Stage.PRODUCTION) {
            production = t.version();
          } else if (t.fromStage() == dev.esteira.registry.Stage.PRODUCTION && production != null && production == t.version()) {
            production = null;
          }
        }
      }
      if (production != null && production == b.version()) {
        out.put(b.batch(), production);
      }
    }
    return out;
  }

  /**
   * Writes the demo data under LAKEHOUSE/landing{@code sub} and returns that folder. The generators write
   * local files: on a local root in place; on any other (HDFS, S3) into a local temporary folder that is
   * then copied through Hadoop's FileSystem and deleted, so that no local folder named after the URI
   * ({@code hdfs:/host:port/...} under the working directory) is ever created.
   */
  private static String landing(Lakehouse lake, String sub, java.util.function.Consumer<Path> generate, Session s) {
    String root = lake.root();
    if (root.startsWith("file:")) {
      String local = root.replaceFirst("^file:", "") + "/landing" + sub;
      s.progress().report("generating demo data under " + local);
      generate.accept(Paths.get(local));
      return local;
    }
    String target = root + "/landing" + sub;
    s.progress().report("generating demo data under " + target);
    Path tmp = null;
    try {
      tmp = java.nio.file.Files.createTempDirectory("esteira-landing-");
      generate.accept(tmp);
      org.apache.hadoop.fs.Path to = new org.apache.hadoop.fs.Path(target);
      org.apache.hadoop.fs.FileSystem fs = to.getFileSystem(lake.hadoopConfiguration());
      fs.mkdirs(to);
      try (var children = java.nio.file.Files.list(tmp)) {
        for (Path child : children.sorted().toList()) {
          fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(child.toUri()),
              new org.apache.hadoop.fs.Path(to, child.getFileName().toString()));
        }
      }
      return target;
    } catch (java.io.IOException e) {
      throw new dev.esteira.EsteiraException("cannot write the demo data to " + target + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        org.apache.hadoop.fs.FileUtil.fullyDelete(tmp.toFile());
      }
    }
  }
}
