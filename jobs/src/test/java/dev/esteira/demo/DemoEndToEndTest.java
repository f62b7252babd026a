package dev.esteira.demo;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.cli.Main;
import dev.esteira.data.DatasetTables;
import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.MetaTable;
import dev.esteira.ml.RunTables;
import dev.esteira.monitor.MonitorTables;
import dev.esteira.registry.RegistryTables;
import dev.esteira.scoring.PredictionTables;
import dev.esteira.testing.TestSpark;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code esteira demo} end to end, in-process on the shared SparkSession, checked against the known
 * drift of the demo data: what the "done when" asks of a fresh lakehouse.
 */
class DemoEndToEndTest {
  static final int DAYS = 5;
  static final int DRIFT_FROM = 4;
  static final int ROWS = 1500;
  static Path root;
  static Lakehouse lake;

  @BeforeAll
  static void runDemo() {
    root = TestSpark.newDir("demo-lake");
    TestSpark.spark();
    int code = Main.execute(
        "--conf-dir", TestSpark.confDir().toString(), "--lakehouse", root.toString(), "-q",
        "demo", "--days", Integer.toString(DAYS), "--drift-from-day", Integer.toString(DRIFT_FROM),
        "--rows", Integer.toString(ROWS), "--reference-rows", "3000",
        "--workflows", TestSpark.projectRoot().resolve("workflows").toString());
    assertEquals(0, code);
    lake = new Lakehouse(TestSpark.spark(), root.toString());
  }

  @Test
  void oneDatasetVersionPerIngestedBatch() {
    List<Row> loans = lake.read(DatasetTables.DATASET_VERSIONS).where(col("dataset").equalTo("loans")).collectAsList();
    assertEquals(DAYS + 1, loans.size());
    assertEquals(DAYS + 1, loans.stream().map(r -> r.getAs("version")).distinct().count());
    assertEquals(DAYS, lake.read(DatasetTables.DATASET_VERSIONS).where(col("dataset").equalTo("loan_labels")).count());
    assertTrue(loans.stream().allMatch(r -> "passed".equals(r.getAs("expectations_status"))));
    assertEquals("training", lake.read(DatasetTables.DATASET_VERSIONS)
        .where(col("batch").equalTo("reference")).first().getAs("tag"));
  }

  /**
   * The metadata commands start no Spark: as separate processes given a Spark master that cannot start
   * (a local cluster of 1 MiB workers, refused by Spark at once), they answer (a Spark command with that
   * master fails: the control), and what they read
   * through Delta Kernel agrees with Spark SQL's reading of the same tables.
   */
  @Test
  void metadataCommandsStartNoSparkAndAgreeWithSparkSql() throws Exception {
    String[] common = {"--lakehouse", root.toString(), "--master", "local-cluster[1,1,1]", "--format", "json"};
    java.util.function.Function<String[], dev.esteira.testing.CliProcess.Result> run = args -> {
      String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(common))
          .toArray(String[]::new);
      return dev.esteira.testing.CliProcess.run(Map.of(), all);
    };
    var sparkCommand = run.apply(new String[] {"sql", "select 1"});
    assertEquals(1, sparkCommand.exit(), sparkCommand.toString());
    assertTrue(sparkCommand.stderr().contains("esteira: error: cannot start Spark on master 'local-cluster[1,1,1]'"), sparkCommand.toString());

    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var list = run.apply(new String[] {"registry", "list"});
    assertEquals(0, list.exit(), list.toString());
    var fromKernel = new java.util.TreeMap<String, String>();
    for (var v : mapper.readTree(list.stdout())) {
      fromKernel.put(v.get("model").asText() + " v" + v.get("version").asInt(), v.get("stage").asText() + " " + v.get("aliases").asText());
    }
    var fromSparkSql = new java.util.TreeMap<String, String>();
    TestSpark.spark().sql(dev.esteira.registry.RegistryViews.MODEL_VERSIONS_SQL
            .replace("model_transitions", "delta.`" + lake.path(RegistryTables.TRANSITIONS) + "`")
            .replace("models", "delta.`" + lake.path(RegistryTables.MODELS) + "`"))
        .collectAsList()
        .forEach(r -> fromSparkSql.put(r.getAs("model") + " v" + r.getAs("version"),
            r.getAs("stage") + " " + String.join(",", r.<String>getList(r.fieldIndex("aliases")))));
    assertEquals(fromSparkSql, fromKernel);
    assertEquals(1, fromKernel.values().stream().filter(s -> s.startsWith("production")).count());

    var runs = run.apply(new String[] {"runs", "list"});
    assertEquals(0, runs.exit(), runs.toString());
    assertEquals(lake.read(RunTables.RUNS).count(), mapper.readTree(runs.stdout()).size());
    var datasets = run.apply(new String[] {"dataset", "list", "loans"});
    assertEquals(0, datasets.exit(), datasets.toString());
    assertEquals(DAYS + 1, mapper.readTree(datasets.stdout()).size());
    for (String[] args : List.of(new String[] {"registry", "show", "loan_default"}, new String[] {"workflow", "runs"},
        new String[] {"lakehouse", "status"}, new String[] {"registry", "card", "loan_default"})) {
      var r = run.apply(args);
      assertEquals(0, r.exit(), r.toString());
    }
  }

  @Test
  void oneRunAndExactlyOneVersionInProductionWithTheTransitionsThatPutItThere() {
    assertEquals(1, lake.read(RunTables.RUNS).count());
    var versions = new dev.esteira.registry.Registry(lake).versions("loan_default");
    assertEquals(1, versions.stream().filter(v -> v.stage() == dev.esteira.registry.Stage.PRODUCTION).count());
    List<Row> transitions = lake.read(RegistryTables.TRANSITIONS).orderBy("seq", "ordinal").collectAsList();
    assertEquals(List.of("none->staging", "staging->production"),
        transitions.stream().map(t -> t.getAs("from_stage") + "->" + t.getAs("to_stage")).toList());
    assertTrue(transitions.stream().allMatch(t -> t.<Boolean>getAs("accepted")));
  }

  @Test
  void everyDayIsScoredByTheProductionVersionAndDriftAlertsFromTheDriftDayOn() {
    int production = new dev.esteira.registry.Registry(lake).requireProduction("loan_default").version();
    Map<String, Set<String>> alerting = new LinkedHashMap<>();
    Map<String, Set<String>> outputs = new LinkedHashMap<>();
    Set<String> datasetVerdicts = new HashSet<>();
    for (Row r : lake.read(MonitorTables.DRIFT_METRICS).where(col("alerting")).collectAsList()) {
      // The dataset verdict across columns and history anomalies are alerts, not a column's drift.
      if ("dataset".equals(r.getAs("kind"))) {
        if ("dataset:loans".equals(r.getAs("target"))) {
          datasetVerdicts.add(r.getAs("batch"));
        }
        continue;
      }
      if ("history".equals(r.getAs("kind"))) {
        continue;
      }
      // Inputs are the dataset's columns; the model's outputs (prediction drift) follow income's shift.
      Map<String, Set<String>> by = "dataset:loans".equals(r.getAs("target")) ? alerting : outputs;
      by.computeIfAbsent(r.getAs("batch"), k -> new HashSet<>()).add(r.getAs("column"));
    }
    for (int d = 1; d <= DAYS; d++) {
      String batch = "day-" + DemoData.day(d);
      var predictions = lake.read(PredictionTables.PREDICTIONS).where(col("batch").equalTo(batch));
      assertEquals(ROWS, predictions.count(), batch);
      assertEquals(ROWS, predictions.where(col("version").equalTo(production)).count(), batch);
      assertTrue(lake.read(MonitorTables.DRIFT_METRICS).where(col("batch").equalTo(batch)).count() > 0, batch);
      Set<String> drifted = alerting.getOrDefault(batch, Set.of());
      Set<String> outputDrift = outputs.getOrDefault(batch, Set.of());
      if (d < DRIFT_FROM) {
        assertEquals(Set.of(), drifted, batch);
        assertEquals(Set.of(), outputDrift, batch + " outputs");
        assertFalse(datasetVerdicts.contains(batch), batch + ": the dataset verdict fired on a stable day");
      } else {
        assertEquals(Set.copyOf(DemoData.DRIFTING), drifted, batch);
        assertTrue(outputDrift.contains("probability"), batch + " outputs: " + outputDrift);
        assertTrue(datasetVerdicts.contains(batch), batch + ": the dataset verdict did not fire");
      }
    }
  }

  @Test
  void runningTheNightlyWorkflowAgainForADayLeavesTheSameRowCounts() {
    List<MetaTable> tables = List.of(DatasetTables.DATASET_VERSIONS, RunTables.RUNS, RegistryTables.MODELS,
        RegistryTables.TRANSITIONS, PredictionTables.PREDICTIONS, MonitorTables.PROFILES, MonitorTables.DRIFT_METRICS,
        dev.esteira.monitor.PerformanceTables.PERFORMANCE);
    Map<String, Long> before = counts(tables);
    var runLog = dev.esteira.workflow.WorkflowTables.WORKFLOW_RUNS;
    List<Row> logBefore = lake.read(runLog).orderBy("run_id", "step", "attempt").collectAsList();
    int code = Main.execute(
        "--conf-dir", TestSpark.confDir().toString(), "--lakehouse", root.toString(), "-q",
        "run", TestSpark.projectRoot().resolve("workflows/nightly.yaml").toString(),
        "--param", "day=02", "--param", "data_dir=" + root.resolve("landing"));
    assertEquals(0, code);
    assertEquals(before, counts(tables));
    // The run log is a log: the rerun is a new run_attempt of eleven steps (retrain recorded as skipped
    // by its when:) and its run row, and the record of every earlier run stays as it was.
    List<Row> logAfter = lake.read(runLog).orderBy("run_id", "step", "attempt").collectAsList();
    assertEquals(logBefore.size() + 12, logAfter.size());
    assertTrue(logAfter.containsAll(logBefore));
  }

  private static Map<String, Long> counts(List<MetaTable> tables) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (MetaTable t : tables) {
      out.put(t.name(), lake.read(t).count());
    }
    return out;
  }
}
