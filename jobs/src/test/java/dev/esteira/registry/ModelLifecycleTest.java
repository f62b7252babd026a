package dev.esteira.registry;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.EsteiraException;
import dev.esteira.config.Yaml;
import dev.esteira.data.DatasetSpec;
import dev.esteira.data.Datasets;
import dev.esteira.demo.DemoData;
import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.ModelSpec;
import dev.esteira.ml.Run;
import dev.esteira.ml.RunTables;
import dev.esteira.ml.Trainer;
import dev.esteira.scoring.PredictionTables;
import dev.esteira.scoring.Scorer;
import dev.esteira.testing.TestSpark;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Training, the registry's lifecycle and scoring, on one small reference batch. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelLifecycleTest {
  static Lakehouse lake;
  static Datasets datasets;
  static ModelSpec spec;
  static Registry registry;
  static Trainer trainer;
  static Run firstRun;

  @BeforeAll
  static void setUp() {
    lake = TestSpark.freshLakehouse("lifecycle");
    datasets = new Datasets(lake);
    Path data = TestSpark.newDir("lifecycle-input");
    DemoData.generate(data, new DemoData.Options(5L, 1, 99, 2500, 400, 1));
    DatasetSpec loans = DatasetSpec.load(TestSpark.confDir().resolve("datasets"), "loans");
    datasets.ingest(loans, data.resolve("reference.csv").toString(), null, "reference");
    datasets.ingest(loans, data.resolve("daily/day-01.csv").toString(), null, "day-01");
    spec = ModelSpec.load(TestSpark.confDir().resolve("models"), "loan_default");
    registry = new Registry(lake);
    trainer = new Trainer(lake, dev.esteira.Progress.NONE);
  }

  /** The spec with other gates: same model name, so it governs the same registered versions. */
  static ModelSpec withGates(String gatesYaml) {
    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) Yaml.mapper().valueToTree(spec);
    try {
      tree.set("gates", Yaml.mapper().readTree(gatesYaml));
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
    return Yaml.bind(tree, ModelSpec.class, "test");
  }

  @Test
  @Order(1)
  void trainingRecordsARunWhoseMetricsMatchAnIndependentComputation() {
    Trainer.TrainResult r = trainer.train(spec, datasets.readBatch("loans", "reference"), false);
    firstRun = r.run();
    assertFalse(r.reused());
    assertEquals("succeeded", firstRun.status());
    assertEquals(datasets.latest("loans", "reference").orElseThrow().version(), firstRun.datasetVersion());
    for (String m : List.of("auc_roc", "auc_pr", "accuracy", "precision", "recall", "f1")) {
      double v = firstRun.metrics().get(m);
      assertTrue(v >= 0 && v <= 1, m + "=" + v);
    }
    assertTrue(firstRun.metrics().get("auc_roc") > 0.65, "the demo label is learnable: " + firstRun.metrics());

    // Recompute AUC on the holdout from the saved pipeline, by counting ranked pairs (Mann-Whitney).
    Dataset<Row> reference = datasets.readBatch("loans", "reference").frame();
    Dataset<Row> holdout = reference.where(not(Trainer.seededFraction("application_id", spec.split().seed()).lt(spec.split().train())));
    assertEquals(firstRun.holdoutRows(), holdout.count());
    PipelineModel model = PipelineModel.load(firstRun.artifactPath());
    List<Row> scored =
        model.transform(holdout)
            .select(col("defaulted"), functions.vector_to_array(col("probability"), "float64").getItem(1))
            .collectAsList();
    List<Double> pos = new ArrayList<>();
    List<Double> neg = new ArrayList<>();
    for (Row row : scored) {
      (row.getInt(0) == 1 ? pos : neg).add(row.getDouble(1));
    }
    double wins = 0;
    for (double p : pos) {
      for (double n : neg) {
        wins += p > n ? 1 : p == n ? 0.5 : 0;
      }
    }
    double auc = wins / ((double) pos.size() * neg.size());
    assertEquals(auc, firstRun.metrics().get("auc_roc"), 1e-6);
    long correct = scored.stream().filter(row -> (row.getDouble(1) > 0.5 ? 1 : 0) == row.getInt(0)).count();
    assertEquals((double) correct / scored.size(), firstRun.metrics().get("accuracy"), 1e-9);
    // Precision, recall and F1 of the positive class from the confusion counts.
    long tp = scored.stream().filter(row -> row.getDouble(1) > 0.5 && row.getInt(0) == 1).count();
    long predictedPositive = scored.stream().filter(row -> row.getDouble(1) > 0.5).count();
    double precision = (double) tp / predictedPositive;
    double recall = (double) tp / pos.size();
    assertEquals(precision, firstRun.metrics().get("precision"), 1e-9);
    assertEquals(recall, firstRun.metrics().get("recall"), 1e-9);
    assertEquals(2 * precision * recall / (precision + recall), firstRun.metrics().get("f1"), 1e-9);
    // AUC-PR as MLlib defines it: the precision-recall points at each distinct score, highest first, starting
    // at recall 0 with the first point's precision, joined by straight lines (trapezoids).
    List<Row> byScore = new ArrayList<>(scored);
    byScore.sort((x, y) -> Double.compare(y.getDouble(1), x.getDouble(1)));
    double area = 0;
    double lastRecall = 0;
    double lastPrecision = -1;
    long truePositives = 0;
    for (int i = 0; i < byScore.size(); i++) {
      truePositives += byScore.get(i).getInt(0);
      if (i + 1 < byScore.size() && byScore.get(i + 1).getDouble(1) == byScore.get(i).getDouble(1)) {
        continue;
      }
      double pointPrecision = (double) truePositives / (i + 1);
      double pointRecall = (double) truePositives / pos.size();
      area += (pointRecall - lastRecall) * ((lastPrecision < 0 ? pointPrecision : lastPrecision) + pointPrecision) / 2;
      lastRecall = pointRecall;
      lastPrecision = pointPrecision;
    }
    assertEquals(area, firstRun.metrics().get("auc_pr"), 1e-6);
  }

  @Test
  @Order(2)
  void theSplitIsFixedByTheSeedAndTrainingTheSameInputsAgainFindsTheFirstRun() {
    Dataset<Row> ref = datasets.readBatch("loans", "reference").frame();
    List<Row> a = ref.where(Trainer.seededFraction("application_id", 42).lt(0.8)).select("application_id").orderBy("application_id").collectAsList();
    List<Row> b = ref.repartition(3).where(Trainer.seededFraction("application_id", 42).lt(0.8)).select("application_id").orderBy("application_id").collectAsList();
    List<Row> c = ref.where(Trainer.seededFraction("application_id", 43).lt(0.8)).select("application_id").orderBy("application_id").collectAsList();
    assertEquals(a, b);
    assertNotEquals(a, c);
    assertEquals(0.8, a.size() / 2500.0, 0.03);

    Trainer.TrainResult again = trainer.train(spec, datasets.readBatch("loans", "reference"), false);
    assertTrue(again.reused());
    assertEquals(firstRun.runId(), again.run().runId());
    assertEquals(1, lake.read(RunTables.RUNS).count());
  }

  @Test
  @Order(3)
  void registeringKeepsTheArtifactWithAChecksumAndIsIdempotent() throws Exception {
    ModelVersion v1 = registry.register(firstRun);
    assertEquals(1, v1.version());
    assertEquals(Stage.NONE, v1.stage());
    assertEquals(firstRun.runId(), v1.runId());
    assertEquals(firstRun.datasetVersion(), v1.datasetVersion());
    assertEquals(independentSha256(Path.of(v1.artifactPath().replaceFirst("^file:", ""))), v1.artifactSha256());
    assertEquals(1, registry.register(firstRun).version());
    assertEquals(1, registry.versions("loan_default").size());
  }

  /** SHA-256 over (relative path, NUL, bytes) of each non-.crc file in path order, with java.nio only. */
  static String independentSha256(Path root) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".crc"))
          .sorted((x, y) -> root.relativize(x).toString().compareTo(root.relativize(y).toString())).toList();
    }
    for (Path f : files) {
      md.update(("/" + root.relativize(f)).getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      try (InputStream in = Files.newInputStream(f)) {
        md.update(in.readAllBytes());
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  @Test
  @Order(4)
  void aPromotionThatFailsItsGateIsRecordedAndChangesNothing() {
    ModelSpec strict = withGates("{staging: {min: {auc_roc: 0.999}}}");
    Registry.TransitionResult r = registry.promote(strict, 1, Stage.STAGING, "tester", "try");
    assertFalse(r.accepted());
    assertTrue(r.message().contains("refused"), r.message());
    assertEquals(Stage.NONE, registry.version("loan_default", 1).stage());
    List<Transition> t = registry.transitions("loan_default");
    assertEquals(1, t.size());
    assertFalse(t.get(0).accepted());
    assertEquals("min auc_roc", t.get(0).gates().get(0).check());
    assertFalse(t.get(0).gates().get(0).passed());
    // Typed in the table too: Spark SQL filters the gates without from_json.
    assertEquals(1, lake.read(dev.esteira.registry.RegistryTables.TRANSITIONS)
        .where("exists(gate_results, g -> g.check = 'min auc_roc' AND NOT g.passed)").count());
  }

  @Test
  @Order(5)
  void promotionThroughTheGatesLeavesExactlyOneVersionInProduction() {
    assertTrue(registry.promote(spec, 1, Stage.STAGING, "tester", null).accepted());
    EsteiraException e = assertThrows(EsteiraException.class, () -> registry.requireProduction("loan_default"));
    assertTrue(e.getMessage().contains("no version in production"));
    assertTrue(registry.promote(spec, 1, Stage.PRODUCTION, "tester", null).accepted());
    // Asking again is a no-op: nothing more is written.
    int transitions = registry.transitions("loan_default").size();
    Registry.TransitionResult again = registry.promote(spec, 1, Stage.STAGING, "tester", null);
    assertTrue(again.unchanged());
    assertEquals(transitions, registry.transitions("loan_default").size());

    // A second version: retrained with another seed.
    ModelSpec reseeded = Yaml.bind(
        ((com.fasterxml.jackson.databind.node.ObjectNode) Yaml.mapper().valueToTree(spec))
            .set("split", Yaml.mapper().valueToTree(Map.of("train", 0.8, "seed", 7))),
        ModelSpec.class, "test");
    Run second = trainer.train(reseeded, datasets.readBatch("loans", "reference"), false).run();
    assertNotEquals(firstRun.runId(), second.runId());
    ModelVersion v2 = registry.register(second);
    assertEquals(2, v2.version());
    int before = registry.transitions("loan_default").size();
    Registry.TransitionResult skipped = registry.promote(spec, 2, Stage.PRODUCTION, "tester", null);
    assertFalse(skipped.accepted());
    assertTrue(skipped.message().contains("promote it to staging first"), skipped.message());
    // The refused move is in the audit trail, once.
    assertEquals(before + 1, registry.transitions("loan_default").size());
    assertEquals(Stage.NONE, registry.version("loan_default", 2).stage());

    ModelSpec unbeatable = withGates("{production: {beat_champion: auc_roc, min_delta: 1.0}}");
    assertTrue(registry.promote(unbeatable, 2, Stage.STAGING, "tester", null).accepted());
    Registry.TransitionResult refused = registry.promote(unbeatable, 2, Stage.PRODUCTION, "tester", null);
    assertFalse(refused.accepted());
    assertTrue(refused.message().contains("beat champion v1"), refused.message());
    assertEquals(1, registry.requireProduction("loan_default").version());

    ModelSpec lenient = withGates("{production: {beat_champion: auc_roc, min_delta: -1.0}}");
    assertTrue(registry.promote(lenient, 2, Stage.PRODUCTION, "tester", "better").accepted());
    assertEquals(2, registry.requireProduction("loan_default").version());
    assertEquals(Stage.ARCHIVED, registry.version("loan_default", 1).stage());
    assertEquals(1, registry.versions("loan_default").stream().filter(v -> v.stage() == Stage.PRODUCTION).count());
  }

  @Test
  @Order(6)
  void rollbackPutsThePreviousProductionVersionBack() {
    Registry.TransitionResult r = registry.rollback("loan_default", "tester", "v2 misbehaves");
    assertEquals(1, r.version().version());
    assertEquals(1, registry.requireProduction("loan_default").version());
    assertEquals(Stage.ARCHIVED, registry.version("loan_default", 2).stage());
    List<Transition> last = registry.transitions("loan_default");
    assertTrue(last.stream().anyMatch(t -> "rollback: v2 misbehaves".equals(t.reason())
        && t.version() == 1 && t.toStage() == Stage.PRODUCTION));
    // An archived version never comes back by promotion: only rollback brings one back.
    Registry.TransitionResult back = registry.promote(spec, 2, Stage.STAGING, "tester", null);
    assertFalse(back.accepted());
    assertTrue(back.message().contains("archived"), back.message());
    assertEquals(Stage.ARCHIVED, registry.version("loan_default", 2).stage());
  }

  @Test
  @Order(7)
  void scoringLogsEveryRowWithTheProductionVersionAndRescoringReplaces() {
    Scorer scorer = new Scorer(lake);
    var profiler = dev.esteira.monitor.Monitoring.profiler(lake, TestSpark.config().drift());
    Scorer.ScoreResult r = scorer.score(spec, datasets.readBatch("loans", "day-01"), profiler);
    assertEquals(400, r.rows());
    assertEquals(1, r.version().version());
    scorer.score(spec, datasets.readBatch("loans", "day-01"), profiler);
    Dataset<Row> logged = lake.read(PredictionTables.PREDICTIONS);
    assertEquals(400, logged.count());
    assertEquals(400, logged.select("row_id").distinct().count());
    assertEquals(400, logged.where(col("version").equalTo(1)).count());
    // Logistic regression predicts the positive class exactly when its probability exceeds 0.5.
    assertEquals(0, logged.where(col("prediction").equalTo(1.0).notEqual(col("probability").gt(0.5))).count());
  }

  @Test
  @Order(8)
  void unknownNamesAndTamperedArtifactsAreClearErrors() throws IOException {
    EsteiraException e = assertThrows(EsteiraException.class, () -> registry.version("nope", 1));
    assertTrue(e.getMessage().contains("unknown model 'nope'"), e.getMessage());
    e = assertThrows(EsteiraException.class, () -> registry.version("loan_default", 9));
    assertTrue(e.getMessage().contains("has no version 9"), e.getMessage());
    e = assertThrows(EsteiraException.class, () -> Stage.parse("canary"));
    assertTrue(e.getMessage().contains("unknown stage 'canary'"), e.getMessage());
    e = assertThrows(EsteiraException.class, () -> datasets.readBatch("loans", "day-77"));
    assertTrue(e.getMessage().contains("has no batch 'day-77'"), e.getMessage());

    ModelVersion v2 = registry.version("loan_default", 2);
    Path metadata = Path.of(v2.artifactPath().replaceFirst("^file:", "")).resolve("metadata/part-00000");
    Files.writeString(metadata, Files.readString(metadata).replace("\"sparkVersion\"", "\"sparkVersjon\""));
    // Drop Hadoop's side checksum too, as a tamperer would, so only the registry's SHA-256 can notice.
    Files.deleteIfExists(metadata.resolveSibling(".part-00000.crc"));
    e = assertThrows(EsteiraException.class, () -> registry.load(v2));
    assertTrue(e.getMessage().contains("refusing to load it"), e.getMessage());
  }

  @Test
  @Order(9)
  void aRefusedPromotionInAWorkflowWithRetriesIsWrittenOnceAndFailsAtOnce() throws IOException {
    var runner = new dev.esteira.workflow.WorkflowRunner(TestSpark.context(lake));
    var workflow = Yaml.bind(Yaml.mapper().readTree("""
        name: refuse
        retries: 2
        steps:
          - {id: promote, job: promote, with: {model: loan_default, stage: staging, version: "2"}}
        """), dev.esteira.workflow.WorkflowSpec.class, "refuse.yaml");
    int before = registry.transitions("loan_default").size();
    var plan = runner.plan(workflow, Map.of(), "refuse.yaml");
    EsteiraException e = assertThrows(EsteiraException.class, () -> runner.run(plan, false));
    assertTrue(e.getMessage().contains("after 1 attempt:") && e.getMessage().contains("archived"), e.getMessage());
    assertEquals(before + 1, registry.transitions("loan_default").size(), "one refusal, not one per retry");
    assertEquals(1, lake.read(dev.esteira.workflow.WorkflowTables.WORKFLOW_RUNS)
        .where(col("step").equalTo("promote")).count());
  }
}
