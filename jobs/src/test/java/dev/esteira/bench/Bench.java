package dev.esteira.bench;

import static org.apache.spark.sql.functions.*;

import dev.esteira.config.ConfigLoader;
import dev.esteira.config.EsteiraConfig;
import dev.esteira.data.DatasetSpec;
import dev.esteira.data.Datasets;
import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.MetaTable;
import dev.esteira.lake.SparkSessions;
import dev.esteira.monitor.ColumnProfile;
import dev.esteira.monitor.DriftDetector;
import dev.esteira.monitor.Monitoring;
import dev.esteira.monitor.Profiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The monitoring benchmark behind {@code bin/bench} (never a unit test): generates batches with Spark,
 * then measures side by side in one JVM and prints ratios. Sections (each optional):
 * <ul>
 *   <li>{@code scan}: profile of an N-row batch vs a bare aggregate scan of the same columns;</li>
 *   <li>{@code nightly}: with the baseline profile stored, the batch's profile + drift (the nightly
 *       work), warm, for comparison with Evidently run on the same parquet files by
 *       bench/evidently_drift.py;</li>
 *   <li>{@code night}: one night and nothing else, so that bin/bench can time it as a whole process;</li>
 *   <li>{@code wide}: C columns (numeric and categorical) × N rows: ingest (profiling in its contract pass),
 *       the profile step (finding it done), drift;</li>
 *   <li>{@code growth}: profile time at 3 row counts × 3 column counts.</li>
 *   <li>{@code runlog}: one write of the run log (a step's change of state) as it is made (a Delta Kernel
 *       append to {@code workflow_runs}) and as it was made before (a Spark {@code replaceWhere} on the key
 *       of a table of the same schema), interleaved in this warm JVM, ROWS writes each.</li>
 *   <li>{@code scale}: the one-pass profile of the wide batch (ROWS × COLS, the {@code wide} section's
 *       input) on whatever master this JVM was given ({@code -Dspark.master}: local or a standalone
 *       cluster), after one warm-up pass, median of 3; prints the cores that ran it and cells per
 *       second per core, from which bin/bench derives the scaling with executors.</li>
 *   <li>{@code explain}: on ROWS × COLS (half numeric, half categorical) with a generated label, a
 *       logistic regression and a 20-tree random forest fitted on a sample, then each one's permutation
 *       importance on all the rows (its one Spark pass, the shuffles on the driver) and the per-prediction
 *       contributions of every row (the explain job's rows, written to Spark's no-op sink).</li>
 * </ul>
 * Arguments: {@code DIR SECTION ROWS COLS} ; the parquet inputs go to DIR/data.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Paths.get(args[0]).toAbsolutePath();
    String section = args[1];
    long rows = Long.parseLong(args[2]);
    int cols = Integer.parseInt(args[3]);
    Path conf = Paths.get(System.getProperty("esteira.conf", "conf"));
    EsteiraConfig loaded = ConfigLoader.load(conf, null);
    EsteiraConfig config =
        new EsteiraConfig(loaded.spark(), new EsteiraConfig.Lakehouse(dir.resolve("lake").toString()),
            loaded.drift(), loaded.workflow(), loaded.airflow());
    SparkSession spark = SparkSessions.getOrCreate(config);
    Lakehouse lake = new Lakehouse(spark, config.lakehouse().root());
    switch (section) {
      case "scan" -> scan(spark, lake, config, dir, rows, cols);
      case "nightly" -> nightly(spark, lake, config, dir, rows, cols);
      case "night" -> night(spark, lake, config, dir, rows, cols);
      case "wide" -> wide(spark, lake, config, dir, rows, cols, conf);
      case "growth" -> growth(spark, lake, config, dir, rows, cols);
      case "runlog" -> runlog(lake, (int) rows);
      case "explain" -> explain(spark, dir, rows, cols);
      case "scale" -> scale(spark, lake, config, dir, rows, cols);
      default -> throw new IllegalArgumentException("unknown section " + section);
    }
    spark.stop();
  }

  /** Half numeric (log-normal, heavy-tailed), half categorical (20 values); the "drifted" one shifts. */
  static Dataset<Row> generate(SparkSession spark, long rows, int cols, long seed, boolean drifted) {
    List<Column> out = new ArrayList<>();
    out.add(col("id").cast("string").as("row_id"));
    for (int c = 0; c < cols; c++) {
      if (c % 2 == 0) {
        Column x = exp(randn(seed * 1000 + c).multiply(0.5)).multiply(100 + c);
        out.add((drifted && c == 0 ? x.multiply(1.3) : x).as("n" + c));
      } else {
        Column k = floor(rand(seed * 1000 + c).multiply(drifted && c == 1 ? 15 : 20)).cast("int");
        out.add(concat(lit("v"), k.cast("string")).as("s" + c));
      }
    }
    return spark.range(0, rows, 1, Math.max(2, (int) Math.min(64, rows * cols / 2_000_000 + 1)))
        .select(out.toArray(Column[]::new));
  }

  static Path write(SparkSession spark, Path dir, String name, long rows, int cols, long seed, boolean drifted) {
    Path p = dir.resolve("data").resolve(name);
    if (!Files.exists(p.resolve("_SUCCESS"))) {
      // No dictionary: random doubles never fit one, and trying costs most of the generation time.
      generate(spark, rows, cols, seed, drifted).write().mode(SaveMode.Overwrite)
          .option("parquet.enable.dictionary", "false").parquet(p.toString());
    }
    return p;
  }

  static List<Profiler.Monitored> monitored(Dataset<Row> frame) {
    List<Profiler.Monitored> m = new ArrayList<>();
    for (String c : frame.columns()) {
      if (c.startsWith("n")) {
        m.add(Profiler.Monitored.of(column(c, "double")));
      } else if (c.startsWith("s")) {
        m.add(Profiler.Monitored.of(column(c, "string")));
      }
    }
    return m;
  }

  static DatasetSpec.Column column(String name, String type) {
    return new DatasetSpec.Column(name, type, true, true, "feature", null, null, null);
  }

  static double seconds(Runnable r) {
    long t = System.nanoTime();
    r.run();
    return (System.nanoTime() - t) / 1e9;
  }

  static double median(int times, Runnable r) {
    double[] t = new double[times];
    for (int i = 0; i < times; i++) {
      t[i] = seconds(r);
    }
    Arrays.sort(t);
    return t[times / 2];
  }

  static void print(String key, double value) {
    System.out.printf(Locale.ROOT, "%s=%.3f%n", key, value);
  }

  static void scan(SparkSession spark, Lakehouse lake, EsteiraConfig config, Path dir, long rows, int cols) {
    Dataset<Row> batch = spark.read().parquet(write(spark, dir, "cur-" + rows + "x" + cols, rows, cols, 2, true).toString());
    List<Profiler.Monitored> columns = monitored(batch);
    Profiler profiler = Monitoring.profiler(lake, config.drift());
    ColumnProfile.Origin o = new ColumnProfile.Origin("dataset:bench", "bench", "cur", 0, new Timestamp(0));
    List<Column> bare = new ArrayList<>();
    for (Profiler.Monitored m : columns) {
      bare.add(count(col(m.name())));
      bare.add(m.name().startsWith("n") ? sum(col(m.name())) : max(col(m.name())));
    }
    Runnable aggregate = () -> batch.agg(bare.get(0), bare.subList(1, bare.size()).toArray(Column[]::new)).collect();
    Runnable profile = () -> profiler.compute(o, batch, columns);
    for (int i = 0; i < WARM_UP; i++) {
      aggregate.run();
      profile.run();
    }
    double a = median(TIMED, aggregate);
    double p = median(TIMED, profile);
    print("scan.rows", rows);
    print("scan.cols", cols);
    print("scan.bare_aggregate_s", a);
    print("scan.profile_s", p);
    print("scan.ratio_profile_over_aggregate", p / a);
  }

  /** Warm-up runs before anything is timed: the JIT compiles Spark's and Delta's driver code in the first few. */
  static final int WARM_UP = 3;
  /** Timed runs; the median is printed. */
  static final int TIMED = 5;

  static void nightly(SparkSession spark, Lakehouse lake, EsteiraConfig config, Path dir, long rows, int cols) {
    Night night = new Night(spark, lake, config, dir, rows, cols);
    night.storeBaseline();
    for (int i = 0; i < WARM_UP; i++) {
      night.run();
      night.inMemory();
    }
    DriftDetector.DriftResult[] last = new DriftDetector.DriftResult[1];
    double stored = median(TIMED, () -> last[0] = night.run());
    double profileOnly = median(TIMED, night::computeProfile);
    // The same night without Delta: profile computed and compared in memory (what Evidently does).
    double memory = median(TIMED, night::inMemory);
    print("nightly.rows", rows);
    print("nightly.cols", cols);
    print("nightly.profile_and_drift_in_memory_s", memory);
    print("nightly.profile_compute_s", profileOnly);
    print("nightly.profile_store_and_drift_s", stored);
    System.out.println("nightly.drifted=" + last[0].alertingColumns());
  }

  /**
   * One night and nothing else, for a whole-process time: the baseline profile was stored by the
   * {@code nightly} section, which bin/bench runs first in the same lakehouse.
   */
  static void night(SparkSession spark, Lakehouse lake, EsteiraConfig config, Path dir, long rows, int cols) {
    Night night = new Night(spark, lake, config, dir, rows, cols);
    double t = seconds(night::run);
    print("night.rows", rows);
    print("night.profile_store_and_drift_s", t);
  }

  /** The nightly work on the generated reference and current batches of one size. */
  static final class Night {
    final Dataset<Row> ref;
    final Dataset<Row> cur;
    final List<Profiler.Monitored> columns;
    final Profiler profiler;
    final DriftDetector detector;
    final String target;
    final dev.esteira.monitor.stats.DriftPolicy policy;

    Night(SparkSession spark, Lakehouse lake, EsteiraConfig config, Path dir, long rows, int cols) {
      ref = spark.read().parquet(write(spark, dir, "ref-" + rows + "x" + cols, rows, cols, 1, false).toString());
      cur = spark.read().parquet(write(spark, dir, "cur-" + rows + "x" + cols, rows, cols, 2, true).toString());
      columns = monitored(ref);
      profiler = Monitoring.profiler(lake, config.drift());
      detector = Monitoring.detector(lake, config.drift());
      target = "dataset:bench-" + rows + "x" + cols;
      policy = Monitoring.policy(config.drift());
    }

    void storeBaseline() {
      profiler.profile(new ColumnProfile.Origin(target, "bench", "ref", 0, new Timestamp(0)), ref, columns);
    }

    ColumnProfile.Origin current() {
      return new ColumnProfile.Origin(target, "bench", "cur", 1, new Timestamp(1000));
    }

    /** Profile the batch and store it, read the stored baseline, compare, store the metrics. */
    DriftDetector.DriftResult run() {
      return detector.compare(target, "cur", "ref", "none", 0, profiler.profile(current(), cur, columns));
    }

    List<ColumnProfile> computeProfile() {
      return profiler.compute(current(), cur, columns);
    }

    /** The stored baseline profiles, read once, in a warm-up run (the in-memory night reads nothing). */
    private List<ColumnProfile> refProfiles;

    void inMemory() {
      if (refProfiles == null) {
        refProfiles = profiler.stored(target, "ref");
      }
      for (ColumnProfile p : computeProfile()) {
        ColumnProfile a = refProfiles.stream().filter(x -> x.column().equals(p.column())).findFirst().orElseThrow();
        if (p.kind().equals(ColumnProfile.NUMERIC)) {
          dev.esteira.monitor.stats.ColumnDrift.numeric(a.numericProfile(), p.numericProfile(), policy);
        } else {
          dev.esteira.monitor.stats.ColumnDrift.categorical(a.categoricalProfile(), p.categoricalProfile(), policy);
        }
      }
    }
  }

  static void wide(SparkSession spark, Lakehouse lake, EsteiraConfig config, Path dir, long rows, int cols, Path conf) {
    Path refPath = write(spark, dir, "wide-ref-" + rows + "x" + cols, rows, cols, 1, false);
    Path curPath = write(spark, dir, "wide-cur-" + rows + "x" + cols, rows, cols, 2, true);
    List<DatasetSpec.Column> contract = new ArrayList<>();
    contract.add(new DatasetSpec.Column("row_id", "string", false, true, "id", null, null, null));
    for (int c = 0; c < cols; c++) {
      contract.add(column(c % 2 == 0 ? "n" + c : "s" + c, c % 2 == 0 ? "double" : "string"));
    }
    DatasetSpec spec = new DatasetSpec("wide", "benchmark", "parquet", "row_id", false, contract, List.of());
    Datasets datasets = new Datasets(lake);
    Profiler profiler = Monitoring.profiler(lake, config.drift());
    // As the ingest and profile steps do: the ingest profiles each batch in its contract pass, and the
    // profile step finds that profile stored (it profiles the batch itself only when it is not).
    double ingest = seconds(() -> {
      profiler.ingestProfiled(datasets, spec, refPath.toString(), "parquet", "ref");
      profiler.ingestProfiled(datasets, spec, curPath.toString(), "parquet", "cur");
    });
    double profile = seconds(() -> {
      for (String batch : List.of("ref", "cur")) {
        Datasets.VersionedFrame data = datasets.readBatch("wide", batch);
        profiler.storedFor(spec, data.version()).orElseGet(() -> profiler.profile(spec, data));
      }
    });
    DriftDetector.DriftResult[] r = new DriftDetector.DriftResult[1];
    double drift = seconds(() -> r[0] = Monitoring.detector(lake, config.drift())
        .compare(Profiler.datasetTarget("wide"), "cur", "ref", "none", 0));
    print("wide.rows", rows);
    print("wide.cols", cols);
    print("wide.ingest_and_profile_two_batches_s", ingest);
    print("wide.profile_step_two_batches_s", profile);
    print("wide.drift_s", drift);
    print("wide.total_s", ingest + profile + drift);
    System.out.println("wide.drifted=" + r[0].alertingColumns());
  }

  static void scale(SparkSession spark, Lakehouse lake, EsteiraConfig config, Path dir, long rows, int cols) {
    Dataset<Row> frame = spark.read().parquet(write(spark, dir, "wide-ref-" + rows + "x" + cols, rows, cols, 1, false).toString());
    List<Profiler.Monitored> columns = monitored(frame);
    Profiler profiler = Monitoring.profiler(lake, config.drift());
    ColumnProfile.Origin o = new ColumnProfile.Origin("dataset:scale", "scale", "ref", 0, new Timestamp(0));
    // The warm-up pass also waits for the executors to register (a standalone application's first
    // job may start before all of them have), so the timed passes run on every core.
    double first = seconds(() -> profiler.compute(o, frame, columns));
    double t = median(3, () -> profiler.compute(o, frame, columns));
    // Local: the N of local[N]. A standalone cluster: one executor per worker, and bin/bench gives each
    // worker one core (defaultParallelism would say at least 2 there).
    int executors = spark.sparkContext().statusTracker().getExecutorInfos().length - 1;
    int cores = SparkSessions.isLocal(spark.sparkContext().master())
        ? spark.sparkContext().defaultParallelism() : executors;
    double cells = (double) rows * cols;
    print("scale.rows", rows);
    print("scale.cols", cols);
    print("scale.cores", cores);
    print("scale.executors", Math.max(0, executors));
    print("scale.tasks", frame.rdd().getNumPartitions());
    print("scale.first_pass_s", first);
    print("scale.profile_s", t);
    print("scale.cells_per_s", cells / t);
    print("scale.cells_per_s_per_core", cells / t / cores);
  }

  static void growth(SparkSession spark, Lakehouse lake, EsteiraConfig config, Path dir, long rows, int cols) {
    Profiler profiler = Monitoring.profiler(lake, config.drift());
    for (int rf : new int[] {1, 2, 4}) {
      for (int cf : new int[] {1, 2, 4}) {
        long n = rows * rf;
        int c = cols * cf;
        Dataset<Row> frame = spark.read().parquet(write(spark, dir, "g-" + n + "x" + c, n, c, 3, false).toString());
        List<Profiler.Monitored> columns = monitored(frame);
        ColumnProfile.Origin o = new ColumnProfile.Origin("dataset:g", "g", "b", 0, new Timestamp(0));
        profiler.compute(o, frame, columns);
        double t = median(3, () -> profiler.compute(o, frame, columns));
        System.out.printf(Locale.ROOT, "growth rows=%d cols=%d cells=%d profile_s=%.3f ns_per_cell=%.1f%n",
            n, c, n * c, t, t * 1e9 / (n * c));
      }
    }
  }

  static void runlog(Lakehouse lake, int writes) {
    MetaTable appended = dev.esteira.workflow.WorkflowTables.WORKFLOW_RUNS;
    MetaTable replaced = new MetaTable("workflow_runs_by_replace", appended.schema(), appended.keys(),
        "the run log's schema, written by replacing a key's row as before");
    int warmup = 5;
    List<Long> kernel = new ArrayList<>();
    List<Long> spark = new ArrayList<>();
    for (int i = 0; i < writes + warmup; i++) {
      java.util.Map<String, Object> m = new java.util.HashMap<>();
      m.put("run_id", "bench-" + i / 2);
      m.put("workflow", "nightly");
      m.put("step", "step-" + i % 11);
      m.put("attempt", 1);
      m.put("run_attempt", 1);
      m.put("state", i % 2 == 0 ? "running" : "succeeded");
      m.put("started_at", new java.sql.Timestamp(System.currentTimeMillis()));
      for (MetaTable t : List.of(appended, replaced)) {
        Row row = dev.esteira.lake.Rows.of(t.schema(), m);
        long t0 = System.nanoTime();
        lake.upsert(t, List.of(row));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (i >= warmup) {
          (t == appended ? kernel : spark).add(ms);
        }
      }
    }
    java.util.Collections.sort(kernel);
    java.util.Collections.sort(spark);
    System.out.println("runlog.writes=" + writes + "  (each way, after " + warmup + " warm-up writes)");
    System.out.println("runlog.kernel_append_median_ms=" + kernel.get(kernel.size() / 2) + "  (p90 "
        + kernel.get(kernel.size() * 9 / 10) + "; how workflow_runs is written)");
    System.out.println("runlog.spark_replace_median_ms=" + spark.get(spark.size() / 2) + "  (p90 "
        + spark.get(spark.size() * 9 / 10) + "; how it was written before: replaceWhere on the key)");
  }

  static void explain(SparkSession spark, Path dir, long rows, int cols) throws java.io.IOException {
    Path data = write(spark, dir, "wide-ref-" + rows + "x" + cols, rows, cols, 1, false);
    // A label that depends on a numeric and a categorical column, with noise: both matter, most do not.
    Dataset<Row> frame = spark.read().parquet(data.toString())
        .withColumn("label", when(col("n0").multiply(rand(7).plus(0.5)).gt(100).or(col("s1").equalTo("v3")), 1.0)
            .otherwise(0.0));
    List<String> numeric = new ArrayList<>();
    List<String> categorical = new ArrayList<>();
    for (String c : frame.columns()) {
      if (c.startsWith("n")) {
        numeric.add(c);
      } else if (c.startsWith("s")) {
        categorical.add(c);
      }
    }
    Path models = Files.createDirectories(dir.resolve("explain-specs"));
    Dataset<Row> sample = frame.sample(false, Math.min(1.0, 20_000.0 / rows), 3).cache();
    print("explain.rows", rows);
    print("explain.cols", cols);
    print("explain.fit_sample_rows", sample.count());
    for (String[] est : new String[][] {
        {"logistic", "logistic_regression", "{max_iter: 20}"},
        {"forest", "random_forest", "{num_trees: 20, max_depth: 5}"}}) {
      String name = "bench_" + est[0];
      Files.writeString(models.resolve(name + ".yaml"), String.join("\n",
          "name: " + name, "task: classification", "dataset: wide", "id: row_id", "label: label",
          "features:", "  numeric: [" + String.join(", ", numeric) + "]",
          "  categorical: [" + String.join(", ", categorical) + "]",
          "estimator:", "  type: " + est[1], "  params: " + est[2], "split: {train: 0.8, seed: 42}", ""));
      dev.esteira.ml.ModelSpec spec = dev.esteira.ml.ModelSpec.load(models, name);
      org.apache.spark.ml.PipelineModel[] model = new org.apache.spark.ml.PipelineModel[1];
      print("explain." + est[0] + ".fit_s", seconds(() -> model[0] = dev.esteira.ml.ModelPipelines.build(spec,
          dev.esteira.ml.Estimators.create(spec.task(), spec.estimator(), 42)).fit(sample)));
      print("explain." + est[0] + ".importance_s", seconds(() -> dev.esteira.explain.GlobalImportance.compute(
          spec, model[0], frame, "bench", "holdout", dev.esteira.explain.Importances.metric(spec), 42)));
      dev.esteira.registry.ModelVersion version = new dev.esteira.registry.ModelVersion(name, 1, "bench", null, null,
          null, "wide", 1L, "bench", null, null, null, dev.esteira.registry.Stage.NONE, null, null, null);
      dev.esteira.data.DatasetVersion batch = new dev.esteira.data.DatasetVersion("wide", 1, "bench", null, rows,
          null, null, null, "parquet", null, null, List.of(), null);
      double contributions = seconds(() -> dev.esteira.explain.Explainer.rows(spec, version, model[0],
              dev.esteira.explain.Attributors.of(spec, model[0]), new Datasets.VersionedFrame(frame, batch))
          .write().format("noop").mode(SaveMode.Overwrite).save());
      print("explain." + est[0] + ".contributions_s", contributions);
      print("explain." + est[0] + ".contributions_rows_per_s", rows / contributions);
    }
  }
}
