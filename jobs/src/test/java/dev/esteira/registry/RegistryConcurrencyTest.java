package dev.esteira.registry;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.ModelSpec;
import dev.esteira.ml.Run;
import dev.esteira.ml.Runs;
import dev.esteira.testing.CliProcess;
import dev.esteira.testing.TestSpark;
import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry's invariants under real concurrency and real crashes: threads of one JVM and separate
 * {@code esteira} processes started together, and a process halted between the steps of an operation.
 * Every check reads the tables back, at every Delta version where the claim is "at every version".
 * Each test works on a lakehouse of its own (made by {@link #freshLakehouse}, with the versions it needs
 * registered first), so none depends on what another registered or promoted before it.
 */
class RegistryConcurrencyTest {
  static final String MODEL = "loan_default";
  static final int RUNS = 17;
  /** The lakehouse of the running test. */
  static Lakehouse lake;
  static Path lakeDir;
  static Registry registry;
  static Path conf;
  static String artifact;
  static String sourceSha;

  @BeforeAll
  static void setUp() throws Exception {
    // Gates every version passes, and no beat-the-champion: each promotion to production is accepted, so
    // concurrent promotions really race to replace each other.
    conf = CliProcess.confWith("models/loan_default.yaml", "    beat_champion: auc_roc\n    min_delta: 0.0\n", "");
    // A real fitted pipeline as the runs' artifact (registration copies and hashes it; nothing loads it).
    var spark = TestSpark.spark();
    var frame = spark.sql("SELECT CAST(id AS DOUBLE) AS x FROM range(10)");
    PipelineModel fitted = new Pipeline()
        .setStages(new PipelineStage[] {new VectorAssembler().setInputCols(new String[] {"x"}).setOutputCol("v")})
        .fit(frame);
    artifact = TestSpark.newDir("race-trained").resolve("pipeline").toString();
    fitted.write().save(artifact);
    sourceSha = Artifacts.sha256(spark.sparkContext().hadoopConfiguration(), artifact);
  }

  /** A new lakehouse for the running test, holding runs run-1..run-17 and versions 1..registered of the first ones. */
  static void freshLakehouse(int registered) {
    lakeDir = TestSpark.newDir("race");
    lake = new Lakehouse(TestSpark.spark(), lakeDir.toString());
    registry = new Registry(lake);
    var spark = TestSpark.spark();
    List<Run> runs = new ArrayList<>();
    Timestamp now = Timestamp.from(Instant.now());
    for (int i = 1; i <= RUNS; i++) {
      runs.add(new Run("run-" + i, MODEL, "train", "succeeded", "logistic_regression", "{}",
          Map.of("auc_roc", 0.8, "accuracy", 0.75), Map.of(), "loans", 1L, "reference", 100L, 20L, "h", "c", 1L,
          spark.version(), artifact, null, now, now, 0L));
    }
    Runs.saveAll(lake, runs);
    for (int i = 1; i <= registered; i++) {
      assertEquals(i, registry.register(Runs.find(lake, "run-" + i).orElseThrow()).version());
    }
  }

  static Map<String, String> noEnv() {
    return Map.of();
  }

  static CliProcess.Handle cli(Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(List.of("--conf-dir", conf.toString(), "--lakehouse", lakeDir.toString(),
        "--master", "local[1]", "-q"));
    all.addAll(List.of(args));
    return CliProcess.start(env, all.toArray(new String[0]));
  }

  private static void assertArtifactsVerify(List<ModelVersion> versions) {
    var conf = TestSpark.spark().sparkContext().hadoopConfiguration();
    assertEquals(versions.size(), versions.stream().map(ModelVersion::artifactPath).distinct().count(),
        "every version has an artifact folder of its own");
    for (ModelVersion v : versions) {
      assertEquals(sourceSha, v.artifactSha256(), "v" + v.version());
      assertEquals(sourceSha, Artifacts.sha256(conf, v.artifactPath()), "v" + v.version() + " files");
    }
  }

  @Test
  void eightThreadsRegisteringAtOnceGetEightConsecutiveVersions() throws Exception {
    freshLakehouse(0);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<ModelVersion>> futures = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      String runId = "run-" + i;
      futures.add(pool.submit(() -> {
        go.await();
        return registry.register(Runs.find(lake, runId).orElseThrow());
      }));
    }
    go.countDown();
    List<Integer> got = new ArrayList<>();
    for (Future<ModelVersion> f : futures) {
      got.add(f.get().version());
    }
    pool.shutdown();
    Collections.sort(got);
    assertEquals(IntStream.rangeClosed(1, 8).boxed().toList(), got);
    assertEquals(8, lake.read(RegistryTables.MODELS).where(col("model").equalTo(MODEL)).count());
    List<ModelVersion> versions = registry.versions(MODEL);
    assertEquals(8, versions.stream().map(ModelVersion::runId).distinct().count());
    assertArtifactsVerify(versions);
  }

  @Test
  void fourProcessesAndFourThreadsRegisteringAtOnceGetEightConsecutiveVersions() throws Exception {
    // Two versions registered before the race: the racers number on from the existing log.
    freshLakehouse(2);
    List<CliProcess.Handle> started = new ArrayList<>();
    for (int i = 9; i <= 12; i++) {
      started.add(cli(noEnv(), "register", "--model", MODEL, "--run-id", "run-" + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<ModelVersion>> futures = new ArrayList<>();
    for (int i = 13; i <= 16; i++) {
      String runId = "run-" + i;
      futures.add(pool.submit(() -> registry.register(Runs.find(lake, runId).orElseThrow())));
    }
    for (CliProcess.Handle h : started) {
      CliProcess.Result r = h.await();
      assertEquals(0, r.exit(), r.toString());
    }
    for (Future<ModelVersion> f : futures) {
      assertTrue(f.get().version() > 2);
    }
    pool.shutdown();
    List<ModelVersion> versions = registry.versions(MODEL);
    assertEquals(IntStream.rangeClosed(1, 10).boxed().toList(), versions.stream().map(ModelVersion::version).toList());
    assertEquals(10, versions.stream().map(ModelVersion::runId).distinct().count());
    assertEquals(10, lake.read(RegistryTables.MODELS).count());
    assertArtifactsVerify(versions);
  }

  @Test
  void fourProcessesPromotingToProductionLeaveOneProductionVersionAtEveryTableVersion() {
    freshLakehouse(4);
    ModelSpec spec = ModelSpec.load(conf.resolve("models"), MODEL);
    for (int v = 1; v <= 4; v++) {
      assertTrue(registry.promote(spec, v, Stage.STAGING, "test", null).accepted());
    }
    long before = lake.currentVersion(RegistryTables.TRANSITIONS);
    List<CliProcess.Handle> started = new ArrayList<>();
    for (int v = 1; v <= 4; v++) {
      started.add(cli(noEnv(), "registry", "promote", MODEL, Integer.toString(v), "--to", "production"));
    }
    for (CliProcess.Handle h : started) {
      CliProcess.Result r = h.await();
      assertEquals(0, r.exit(), r.toString());
    }
    long after = lake.currentVersion(RegistryTables.TRANSITIONS);
    assertEquals(before + 4, after, "one commit per promotion, no lost or doubled commit");
    for (long version = 0; version <= after; version++) {
      List<Transition> log = logAt(version);
      assertTrue(RegistryState.replay(log).inProduction().size() <= 1, "table version " + version + ": " + log);
    }
    List<Transition> log = logAt(after);
    assertEquals(1, RegistryState.replay(log).inProduction().size());
    long toProduction = log.stream().filter(t -> t.accepted() && t.toStage() == Stage.PRODUCTION).count();
    long replaced = log.stream().filter(t -> t.fromStage() == Stage.PRODUCTION && t.toStage() == Stage.ARCHIVED).count();
    assertEquals(4, toProduction);
    assertEquals(3, replaced, "each promotion after the first archived the version it replaced");
    assertEquals(1, registry.versions(MODEL).stream().filter(v -> v.stage() == Stage.PRODUCTION).count());
    assertSequencesAreOnePerCommit(after);
  }

  @Test
  void concurrentAliasMovesKeepOneHolderAndLoseNoMove() throws Exception {
    List<String> movers = raceChampionMoves(version -> registry.setAlias(MODEL, "champion", version, "test", null));
    assertEquals(List.of("test", "test", "test", "test", "test", "test"), movers);
    assertEquals(1, registry.versions(MODEL).stream().filter(v -> v.aliases().contains("champion")).count());
  }

  /**
   * Kernel's commits (this Esteira's) and Spark's (how an older Esteira committed the same sequences:
   * Delta's writer with {@code txnAppId}/{@code txnVersion}) racing on one model's log: each writer reads
   * the other's transaction identifiers, so no move is decided on a stale read whichever wrote it.
   */
  @Test
  void kernelAndSparkWritersOfOneSequenceExcludeEachOther() throws Exception {
    List<String> movers = raceChampionMoves(version -> version % 2 == 0
        ? registry.setAlias(MODEL, "champion", version, "test", null) : sparkAliasMove(version));
    assertEquals(3, movers.stream().filter("spark"::equals).count(), movers.toString());
    assertEquals(3, movers.stream().filter("test"::equals).count(), movers.toString());
  }

  /** One way of moving an alias to a version (a thread of the race runs it). */
  interface AliasMove {
    Object to(int version) throws Exception;
  }

  /**
   * Moves the {@code champion} alias to versions 1..6 from 6 threads at once, on a lakehouse of 7
   * versions, and checks what every such race must leave: one commit per move, each move naming the
   * holder it took the alias from in the log's order (no move decided on a stale read), one holder at the
   * end and a sequence of one seq per commit. Returns who made each move (the rows' actors), in order.
   */
  static List<String> raceChampionMoves(AliasMove move) throws Exception {
    freshLakehouse(7);
    // Registering writes no transition: one move of another alias (to v7, which does not race) creates
    // the log before the race, so that every commit counted below is one of the six racing moves.
    registry.setAlias(MODEL, "warm-up", 7, "test", null);
    long before = lake.currentVersion(RegistryTables.TRANSITIONS);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Object>> futures = new ArrayList<>();
    for (int v = 1; v <= 6; v++) {
      int version = v;
      futures.add(pool.submit(() -> {
        go.await();
        return move.to(version);
      }));
    }
    go.countDown();
    for (Future<Object> f : futures) {
      f.get();
    }
    pool.shutdown();
    long after = lake.currentVersion(RegistryTables.TRANSITIONS);
    assertEquals(before + 6, after, "one commit per move");
    List<Transition> log = new ArrayList<>(logAt(after));
    log.sort(java.util.Comparator.comparingLong(Transition::seq).thenComparingInt(Transition::ordinal));
    Integer holder = null;
    List<String> movers = new ArrayList<>();
    for (Transition t : log) {
      if (t.kind() == Transition.Kind.ALIAS && "champion".equals(t.name())) {
        assertEquals(holder, t.previousVersion(), "seq " + t.seq() + " by " + t.actor());
        holder = t.version();
        movers.add(t.actor());
      }
    }
    assertEquals(List.of("champion"), registry.version(MODEL, holder).aliases());
    assertSequencesAreOnePerCommit(after);
    return movers;
  }

  /**
   * Moves the alias as Esteira did with Spark's writer: read the log, decide, append the row with the
   * model's next sequence number as Delta's transaction identifier; a write Delta skipped (the number was
   * taken) or refused (a concurrent commit of it) is decided again from a new read.
   */
  private static Void sparkAliasMove(int version) throws InterruptedException {
    String path = lake.path(RegistryTables.TRANSITIONS);
    for (int attempt = 1; attempt <= 40; attempt++) {
      RegistryState state = RegistryState.replay(logAt(lake.currentVersion(RegistryTables.TRANSITIONS)));
      long seq = state.lastSeq() + 1;
      String marker = "spark move " + version + " attempt " + attempt;
      Transition move = Transition.aliasSet(registry.version(MODEL, version), "champion",
          state.holder("champion").orElse(null), "spark", marker, Timestamp.from(Instant.now())).numbered(seq, 0);
      try {
        lake.frame(RegistryTables.TRANSITIONS, List.of(RegistryTables.transitionRow(move))).write().format("delta")
            .mode("append").option("txnAppId", "model_transitions/" + MODEL).option("txnVersion", seq).save(path);
        if (lake.read(RegistryTables.TRANSITIONS).where(col("reason").equalTo(marker)).count() == 1) {
          return null;
        }
      } catch (java.util.ConcurrentModificationException conflict) {
        // decided on a stale read: read again
      }
      Thread.sleep(50L + java.util.concurrent.ThreadLocalRandom.current().nextLong(200));
    }
    throw new AssertionError("the Spark writer never committed its move of v" + version);
  }

  @Test
  void aRegistrationKilledAfterCopyingItsArtifactLeavesNothingAndTheNextOneRegistersOnce() {
    freshLakehouse(2);
    CliProcess.Result crashed =
        cli(Map.of("ESTEIRA_TEST_CRASH_AT", "register.after-artifact"), "register", "--model", MODEL, "--run-id", "run-17").await();
    assertEquals(137, crashed.exit(), crashed.toString());
    assertTrue(registry.versions(MODEL).stream().noneMatch(v -> v.runId().equals("run-17")));
    // The next registration, in this JVM (the same Registry code the command calls; only the killed one
    // needs a process of its own), finds no trace of the killed one but its unreferenced copy.
    assertEquals(3, registry.register(Runs.find(lake, "run-17").orElseThrow()).version());
    List<ModelVersion> versions = registry.versions(MODEL);
    assertEquals(1, versions.stream().filter(v -> v.runId().equals("run-17")).count());
    assertEquals(3, versions.stream().filter(v -> v.runId().equals("run-17")).findFirst().orElseThrow().version());
    assertArtifactsVerify(versions);
    // The killed attempt's copy is left where it was, referenced by nothing.
    try (var dirs = Files.list(lakeDir.resolve("artifacts/" + MODEL + "/artifacts"))) {
      assertEquals(2, dirs.filter(p -> p.getFileName().toString().startsWith("run-17-")).count());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The model's log as of a Delta version of model_transitions. */
  static List<Transition> logAt(long version) {
    List<Transition> log = new ArrayList<>();
    for (Row r : lake.readAt(RegistryTables.TRANSITIONS, version).where(col("model").equalTo(MODEL)).collectAsList()) {
      log.add(RegistryTables.transition(r));
    }
    return log;
  }

  /** Every commit of the log holds rows of one seq, and seqs follow each other from 1 without a gap. */
  static void assertSequencesAreOnePerCommit(long latest) {
    List<Long> seqs = new ArrayList<>();
    long previousCount = 0;
    for (long version = 0; version <= latest; version++) {
      List<Transition> log = logAt(version);
      if (log.size() == previousCount) {
        continue;
      }
      List<Long> added = log.stream().map(Transition::seq).distinct().sorted().toList();
      long newest = added.get(added.size() - 1);
      assertEquals(log.size() - previousCount, log.stream().filter(t -> t.seq() == newest).count(),
          "table version " + version + " adds the rows of one seq");
      seqs.add(newest);
      previousCount = log.size();
    }
    assertEquals(LongStreamRange.of(1, seqs.size()), seqs);
    assertNotNull(DeltaTable.forPath(TestSpark.spark(), lake.path(RegistryTables.TRANSITIONS)));
  }

  private static final class LongStreamRange {
    static List<Long> of(long from, long count) {
      return java.util.stream.LongStream.range(from, from + count).boxed().toList();
    }
  }
}
