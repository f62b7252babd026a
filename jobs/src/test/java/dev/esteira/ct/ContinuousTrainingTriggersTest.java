package dev.esteira.ct;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.Progress;
import dev.esteira.demo.DemoData;
import dev.esteira.jobs.JobContext;
import dev.esteira.jobs.JobOutput;
import dev.esteira.jobs.JobParams;
import dev.esteira.jobs.Jobs;
import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.ModelSpec;
import dev.esteira.testing.TestSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every continuous-training trigger made to fire and shown not to fire, on one small lakehouse built once
 * by the jobs themselves (ingest, drift, train, register, promote, score, performance) on data written to
 * drift or decay, so each decision proves the chain from the data to the facts to the policy:
 *
 * <ul>
 *   <li>{@code early}, ingested before the model exists: credit_score shifted up, drift-checked then;
 *   <li>v1 trained on {@code reference} and promoted to production;
 *   <li>{@code day-01} clean, labelled; {@code day-02} income halved, never labelled; {@code day-03} clean,
 *       labelled with every label flipped (realized performance collapses); {@code day-04} clean, labelled.
 * </ul>
 *
 * Four batches arrived since v1, the only registered version. The decisions are taken with policies
 * built here, so they do not depend on conf/policies; the facts come from the jobs with the repository's
 * configuration (decay: auc_roc more than 0.05 below validation, at least 200 labelled rows).
 */
class ContinuousTrainingTriggersTest {
  static final String MODEL = "loan_default";
  static final int ROWS = 400;
  static final List<String> SINCE_V1 = List.of("day-01", "day-02", "day-03", "day-04");

  static Lakehouse lake;
  static JobContext ctx;
  static ModelSpec spec;
  /** The decay-only decision taken when day-01 and day-04 were labelled and day-03's flipped labels were not in yet. */
  static ContinuousTraining.Decision decayBeforeFlippedLabels;
  /** Realized rows of v1 at that moment: the decision above was taken on measured performance, not on none. */
  static long realizedBeforeFlippedLabels;

  @BeforeAll
  static void build() throws IOException {
    lake = TestSpark.freshLakehouse("ct-triggers");
    // The repository's spec without its tuning grid (one fit instead of three): the triggers need a
    // model in production, not a tuned one; its gates stay as declared.
    Path untuned = dev.esteira.testing.CliProcess.confWith(
        "models/loan_default.yaml", "  grid:\n    elastic_net_param: [0.0, 0.5]\n", "  grid: {}\n");
    ctx = new JobContext(TestSpark.config(), lake, untuned, "test", Progress.NONE);
    spec = ctx.model(MODEL);
    Path landing = Path.of(lake.root().replaceFirst("^file:", "")).resolve("landing");
    // No drift from the generator (drift from day 99); labels of day d arrive in arrived-day-(d+1).
    DemoData.generate(landing, new DemoData.Options(11L, 5, 99, 2000, ROWS, 1));
    Path daily = landing.resolve("daily");
    Path labels = landing.resolve("labels");
    Path early = edit(daily.resolve("day-05.csv"), landing.resolve("early.csv"), "credit_score",
        v -> Long.toString(Math.min(850, Long.parseLong(v) + 90)));
    Path incomeHalved = edit(daily.resolve("day-02.csv"), landing.resolve("day-02.csv"), "income",
        v -> Double.toString(Double.parseDouble(v) * 0.5));
    Path cleanLabels = landing.resolve("labels-01-04.csv");
    List<String> l1 = Files.readAllLines(labels.resolve("arrived-day-02.csv"));
    List<String> l4 = Files.readAllLines(labels.resolve("arrived-day-05.csv"));
    List<String> both = new ArrayList<>(l1);
    both.addAll(l4.subList(1, l4.size()));
    Files.write(cleanLabels, both);
    Path flippedLabels = edit(labels.resolve("arrived-day-04.csv"), landing.resolve("labels-03-flipped.csv"), "defaulted",
        v -> v.equals("1") ? "0" : "1");

    // Before the model: a batch that drifts in credit_score, checked against the training-tagged reference.
    job("ingest", "dataset", "loans", "path", landing.resolve("reference.csv").toString(), "batch", "reference", "tag", "training");
    job("ingest", "dataset", "loans", "path", early.toString(), "batch", "early");
    job("drift", "dataset", "loans", "batch", "early", "previous", "none");

    job("train", "model", MODEL, "batch", "reference");
    job("register", "model", MODEL);
    job("promote", "model", MODEL, "stage", "staging");
    job("promote", "model", MODEL, "stage", "production");

    for (String b : SINCE_V1) {
      Path file = b.equals("day-02") ? incomeHalved : daily.resolve(b + ".csv");
      job("ingest", "dataset", "loans", "path", file.toString(), "batch", b);
      job("score", "model", MODEL, "batch", b);
      // Against the production version's training batch only: a comparison with the previous batch would
      // make the batch after a drifted one drift too, and day-01 drift against 'early'.
      job("drift", "model", MODEL, "batch", b, "previous", "none", "outputs", "false");
    }
    job("ingest", "dataset", "loan_labels", "path", cleanLabels.toString(), "batch", "labels-01-04");
    job("performance", "model", MODEL);
    realizedBeforeFlippedLabels = realized().count();
    decayBeforeFlippedLabels = decide(policy(List.of(), true, null, 0));
    job("ingest", "dataset", "loan_labels", "path", flippedLabels.toString(), "batch", "labels-03");
    job("performance", "model", MODEL);
  }

  static JobOutput job(String name, String... kv) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      params.put(kv[i], kv[i + 1]);
    }
    var job = Jobs.get(name);
    return job.run(ctx, JobParams.of(job, params, "test"));
  }

  /** A copy of a CSV file with one column's every value mapped. */
  static Path edit(Path from, Path to, String column, java.util.function.UnaryOperator<String> f) {
    try {
      List<String> lines = Files.readAllLines(from);
      int c = List.of(lines.get(0).split(",", -1)).indexOf(column);
      List<String> out = new ArrayList<>(List.of(lines.get(0)));
      for (String line : lines.subList(1, lines.size())) {
        String[] cells = line.split(",", -1);
        cells[c] = f.apply(cells[c]);
        out.add(String.join(",", cells));
      }
      Files.write(to, out);
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Policy policy(List<String> onDrift, boolean onDecay, Integer everyBatches, int cooldown) {
    return new Policy(MODEL, "loan_labels", null,
        new Policy.Retrain(onDrift, onDecay, everyBatches, new Policy.Window(3, 1), cooldown, false), null);
  }

  static ContinuousTraining.Decision decide(Policy policy) {
    return new ContinuousTraining(lake, TestSpark.config(), Progress.NONE).decide(spec, policy, "day-04");
  }

  /**
   * A decision's training window as text ("[a, b]"): the same for a list of batch names and for a window
   * type whose text is its list's, so the assertions do not depend on which of the two decide returns.
   */
  static String window(ContinuousTraining.Decision d) {
    return String.valueOf(d.window());
  }

  static org.apache.spark.sql.Dataset<Row> realized() {
    return lake.read(dev.esteira.monitor.PerformanceTables.PERFORMANCE)
        .where(col("model").equalTo(MODEL).and(col("version").equalTo(1)).and(col("kind").equalTo("realized")));
  }

  /** The batches whose comparison of {@code column} alerted in drift_metrics (the dataset's columns). */
  static Set<String> driftedBatches(String column) {
    Set<String> out = new TreeSet<>();
    lake.read(dev.esteira.monitor.MonitorTables.DRIFT_METRICS)
        .where(col("target").equalTo("dataset:loans").and(col("column").equalTo(column)).and(col("alerting")))
        .select("batch").distinct().collectAsList().forEach(r -> out.add(r.getString(0)));
    return out;
  }

  /** The batches where v1's realized performance alerts (decay). */
  static Set<String> decayedBatches() {
    Set<String> out = new TreeSet<>();
    realized().where(col("alerting")).select("batch").distinct().collectAsList().forEach(r -> out.add(r.getString(0)));
    return out;
  }

  // --- drift on a named feature -------------------------------------------------------------------

  @Test
  void driftOnANamedFeatureFiresFromTheBatchThatDrifted() {
    // The drift job saw the halved income in day-02 and nowhere else: the fixture works as intended.
    assertEquals(Set.of("day-02"), driftedBatches("income"));
    ContinuousTraining.Decision d = decide(policy(List.of("income"), false, null, 0));
    // Fails if drift_metrics are not read, or read for another column or target: then nothing triggers.
    assertTrue(d.retrain(), d.reason());
    // Fails if the trigger names the wrong column or the wrong first drifted batch.
    assertEquals("drift in income since day-02", d.trigger());
    // The window starts at the drifted batch: day-02 has no labels, day-01 is before the drift.
    // Fails if the window ignores where the drift started (day-01 would be in it) or takes unlabelled batches.
    assertEquals(List.of("day-03", "day-04").toString(), window(d));
  }

  @Test
  void driftOnlyInFeaturesThePolicyDoesNotNameDoesNotFire() {
    // income drifted since v1 (a trigger that ignored the named columns would fire); age and region never did.
    assertEquals(Set.of("day-02"), driftedBatches("income"));
    assertEquals(Set.of(), driftedBatches("age"));
    assertEquals(Set.of(), driftedBatches("region"));
    ContinuousTraining.Decision d = decide(policy(List.of("age", "region"), false, null, 0));
    // Fails if any alerting column, not only the named ones, triggers retraining.
    assertFalse(d.retrain(), d.reason());
    assertNull(d.trigger(), d.reason());
  }

  @Test
  void driftBeforeTheProductionVersionDoesNotFire() {
    // credit_score drifted in 'early', ingested and checked before v1 was trained; not since.
    assertEquals(Set.of("early"), driftedBatches("credit_score"));
    ContinuousTraining.Decision d = decide(policy(List.of("credit_score"), false, null, 0));
    // Fails if drift is read over the whole history instead of the batches since the production version.
    assertFalse(d.retrain(), d.reason());
    assertNull(d.trigger(), d.reason());
  }

  @Test
  void theDatasetVerdictFiresFromTheFirstBatchSinceTheProductionVersionWhereItAlerted() {
    // The verdict (Benjamini–Hochberg across the columns) alerts where a column drifted: credit_score in
    // 'early' (before v1), income in day-02; the stable days do not.
    assertEquals(Set.of("early", "day-02"), driftedBatches(dev.esteira.monitor.DriftDetector.DATASET_COLUMN));
    ContinuousTraining.Decision d = decide(new Policy(MODEL, "loan_labels", null,
        new Policy.Retrain(List.of(), false, null, new Policy.Window(3, 1), 0, true), null));
    // Fails if the policy ignores the verdict, or reads it before the production version ('early').
    assertTrue(d.retrain(), d.reason());
    assertEquals("dataset drift of loans since day-02", d.trigger());
    assertEquals(List.of("day-03", "day-04").toString(), window(d));
  }

  // --- decay ----------------------------------------------------------------------------------------

  @Test
  void decayOfTheProductionVersionFiresFromTheBatchThatDecayed() {
    // The performance job measured v1 on day-01, day-03, day-04 (day-02 is unlabelled) and only day-03,
    // whose labels are flipped, alerts.
    assertEquals(Set.of("day-01", "day-03", "day-04"), batches(realized()));
    assertEquals(Set.of("day-03"), decayedBatches());
    ContinuousTraining.Decision d = decide(policy(List.of(), true, null, 0));
    // Fails if the performance table's alerts are not read (or read for another version or kind).
    assertTrue(d.retrain(), d.reason());
    assertEquals("decay of v1 since day-03", d.trigger());
    // Fails if the window does not start at the decayed batch (day-01 would be in it).
    assertEquals(List.of("day-03", "day-04").toString(), window(d));
  }

  @Test
  void withoutADecayAlertDecayDoesNotFire() {
    // Taken when v1 had been measured on day-01 and day-04 (two batches, four metrics each at least)
    // and nothing alerted: a trigger that fired on any realized row, or on labelled batches, would fire.
    assertTrue(realizedBeforeFlippedLabels >= 2, "realized rows of v1 before the flipped labels: " + realizedBeforeFlippedLabels);
    assertFalse(decayBeforeFlippedLabels.retrain(), decayBeforeFlippedLabels.reason());
    assertNull(decayBeforeFlippedLabels.trigger(), decayBeforeFlippedLabels.reason());
    // And now, with day-03 decayed, a policy that does not retrain on decay does not fire either.
    assertEquals(Set.of("day-03"), decayedBatches());
    ContinuousTraining.Decision d = decide(policy(List.of("age"), false, null, 0));
    assertFalse(d.retrain(), d.reason());
    assertNull(d.trigger(), d.reason());
  }

  // --- schedule -------------------------------------------------------------------------------------

  @Test
  void scheduleFiresAtNBatchesSinceTheProductionVersionAndNotBefore() {
    // Four batches arrived since v1 ('reference' and 'early' before it).
    ContinuousTraining.Decision atN = decide(policy(List.of(), false, 4, 0));
    // Fails if batches are not counted, or counted with an off-by-one (> instead of >=).
    assertTrue(atN.retrain(), atN.reason());
    assertEquals("schedule: 4 batches since v1", atN.trigger());
    // No drift or decay start: the latest labelled batches since v1, day-02 having no labels.
    assertEquals(List.of("day-01", "day-03", "day-04").toString(), window(atN));

    ContinuousTraining.Decision beforeN = decide(policy(List.of(), false, 5, 0));
    // Fails if batches before the production version ('reference', 'early') are counted: 6 >= 5.
    assertFalse(beforeN.retrain(), beforeN.reason());
    assertNull(beforeN.trigger(), beforeN.reason());
  }

  // --- cooldown -------------------------------------------------------------------------------------

  @Test
  void aTriggerWithinTheCooldownDoesNotRetrainAndAfterItDoes() {
    // v1 was registered four batches ago: a cooldown of five holds every trigger back, one of four does not.
    for (Policy p : List.of(policy(List.of(), false, 4, 5), policy(List.of("income"), true, null, 5))) {
      ContinuousTraining.Decision within = decide(p);
      // Fails if the cooldown is ignored: the trigger fires (see the tests above).
      assertFalse(within.retrain(), within.reason());
      // The trigger is still reported, with the cooldown as the reason it waits.
      assertNotNull(within.trigger(), within.reason());
      assertTrue(within.reason().contains("only 4 batches since v1") && within.reason().contains("cooldown 5"), within.reason());
      assertEquals(List.of().toString(), window(within));
    }
    for (Policy p : List.of(policy(List.of(), false, 4, 4), policy(List.of("income"), true, null, 4))) {
      ContinuousTraining.Decision after = decide(p);
      // Fails if the cooldown is counted with an off-by-one, or from another version than the last registered.
      assertTrue(after.retrain(), after.reason());
    }
  }

  static Set<String> batches(org.apache.spark.sql.Dataset<Row> rows) {
    Set<String> out = new TreeSet<>();
    rows.select("batch").distinct().collectAsList().forEach(r -> out.add(r.getString(0)));
    return out;
  }
}
