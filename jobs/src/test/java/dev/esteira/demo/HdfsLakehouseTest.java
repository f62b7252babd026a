package dev.esteira.demo;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.cli.Main;
import dev.esteira.data.DatasetTables;
import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.Match;
import dev.esteira.ml.RunTables;
import dev.esteira.monitor.MonitorTables;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import dev.esteira.registry.RegistryTables;
import dev.esteira.registry.Stage;
import dev.esteira.scoring.PredictionTables;
import dev.esteira.testing.TestSpark;
import dev.esteira.workflow.WorkflowTables;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's training and one night (ingest, validate, profile, train, register, promote; then ingest, score,
 * profile, drift, performance estimate, challenge and policy) with the lakehouse on a real HDFS: a NameNode and a DataNode of
 * Hadoop 3.3.4 (the version Spark ships) started in this JVM on 127.0.0.1, reached by a full
 * {@code hdfs://127.0.0.1:PORT/lake} URI. The shared SparkSession is used: an {@code hdfs://} URI names its
 * file system itself, so no other default file system is needed, and Spark's own hadoop-client-api holds
 * the HDFS client. Datasets, Delta tables (Spark's writes, Delta Kernel's reads and the run log's Kernel
 * appends), the registry's artifacts, the demo's landing files and the report's reads all go through
 * Hadoop's FileSystem; nothing may appear on the local disk but the report asked for.
 */
class HdfsLakehouseTest {
  static final int DAYS = 1;
  static final int ROWS = 300;
  static final int REFERENCE_ROWS = 1200;
  static MiniDFSCluster hdfs;
  static String root;
  static FileSystem fs;
  static Lakehouse lake;
  static int demoExit;
  static Set<String> workingDirBefore;
  static Set<String> workingDirAfter;
  static Path reports;
  static int reportExit;

  @BeforeAll
  static void runTheDemoOnHdfs() throws Exception {
    var spark = TestSpark.spark();
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, TestSpark.newDir("hdfs").toString());
    for (String key : List.of("dfs.namenode.http-address", "dfs.datanode.address", "dfs.datanode.http.address",
        "dfs.datanode.ipc.address")) {
      conf.set(key, "127.0.0.1:0");
    }
    // A closing file need not wait for the DataNode's report of its last block (the client backs off 400 ms
    // and more each time it asks too early: hundreds of small files a night); the bytes are on the DataNode.
    conf.setInt("dfs.namenode.file.close.num-committed-allowed", 1);
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
    hdfs.waitActive();
    root = "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + "/lake";
    // One DataNode: files are written with one replica (else every block is reported under-replicated).
    spark.sparkContext().hadoopConfiguration().set("dfs.replication", "1");
    fs = new org.apache.hadoop.fs.Path(root).getFileSystem(spark.sparkContext().hadoopConfiguration());

    workingDirBefore = listing(Paths.get("").toAbsolutePath());
    long start = System.nanoTime();
    demoExit = Main.execute(
        "--conf-dir", TestSpark.confDir().toString(), "--lakehouse", root, "-q",
        "demo", "--days", Integer.toString(DAYS), "--drift-from-day", "1",
        "--rows", Integer.toString(ROWS), "--reference-rows", Integer.toString(REFERENCE_ROWS),
        "--workflows", TestSpark.projectRoot().resolve("workflows").toString());
    System.out.printf("HdfsLakehouseTest: demo on HDFS in %.1f s%n", (System.nanoTime() - start) / 1e9);
    reports = TestSpark.newDir("hdfs-reports");
    reportExit = Main.execute("--conf-dir", TestSpark.confDir().toString(), "--lakehouse", root, "-q",
        "report", "--out", reports.toString());
    workingDirAfter = listing(Paths.get("").toAbsolutePath());
    lake = new Lakehouse(spark, root);
  }

  @AfterAll
  static void stopHdfs() {
    TestSpark.spark().sparkContext().hadoopConfiguration().unset("dfs.replication");
    if (hdfs != null) {
      hdfs.shutdown(true);
    }
  }

  static Set<String> listing(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /** The data lines of a landing CSV, counted from the file on HDFS (header left out). */
  static long csvRows(String file) throws Exception {
    try (var in = new BufferedReader(new InputStreamReader(fs.open(new org.apache.hadoop.fs.Path(root + "/landing/" + file)),
        StandardCharsets.UTF_8))) {
      return in.lines().skip(1).filter(l -> !l.isBlank()).count();
    }
  }

  @Test
  void theDemoRunsOnHdfsAndNothingIsWrittenToTheLocalDisk() throws Exception {
    assertEquals(0, demoExit);
    assertEquals(0, reportExit);
    for (String table : List.of("dataset_versions", "runs", "models", "model_transitions", "predictions", "profiles",
        "drift_metrics", "workflow_runs")) {
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path(root + "/" + table + "/_delta_log")), table);
    }
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(root + "/datasets/loans/_delta_log")));
    // No folder named after the URI, no default ./lakehouse, nothing else new in the working directory.
    assertEquals(workingDirBefore, workingDirAfter);
    try (var files = Files.list(reports)) {
      assertTrue(files.anyMatch(p -> p.getFileName().toString().equals("index.html")));
    }
  }

  @Test
  void datasetsAndPredictionsHoldEveryRowOfTheLandingFiles() throws Exception {
    List<Row> loans = lake.read(DatasetTables.DATASET_VERSIONS).where(col("dataset").equalTo("loans"))
        .orderBy("version").collectAsList();
    assertEquals(List.of("reference", "day-01"), loans.stream().map(r -> r.<String>getAs("batch")).toList());
    assertEquals(List.of(csvRows("reference.csv"), csvRows("daily/day-01.csv")),
        loans.stream().map(r -> r.<Long>getAs("row_count")).toList());
    assertEquals(List.of((long) REFERENCE_ROWS, (long) ROWS),
        loans.stream().map(r -> r.<Long>getAs("row_count")).toList());
    for (String day : List.of("day-01")) {
      long rows = csvRows("daily/" + day + ".csv");
      var batch = lake.read(PredictionTables.PREDICTIONS).where(col("batch").equalTo(day).and(col("model").equalTo("loan_default")));
      assertEquals(rows, batch.where(col("version").equalTo(1)).count(), day);
      assertEquals(rows, batch.select("row_id").distinct().count(), day);
      // The dataset read back from HDFS has the rows that were scored.
      long dataRows = TestSpark.spark().read().format("delta").load(root + "/datasets/loans").where(col("_batch").equalTo(day)).count();
      assertEquals(rows, dataRows, day);
    }
  }

  @Test
  void theRegistryLoadsItsArtifactFromHdfsByARelativePath() {
    Registry registry = new Registry(lake);
    ModelVersion production = registry.requireProduction("loan_default");
    assertEquals(1, production.version());
    assertEquals(Stage.PRODUCTION, production.stage());
    String stored = lake.read(RegistryTables.MODELS).first().getAs("artifact");
    assertFalse(stored.contains(":") || stored.startsWith("/"), stored);
    assertEquals(root + "/" + stored, production.artifactPath());
    assertNotNull(registry.load(production));
    assertEquals(1, lake.read(RunTables.RUNS).count());
  }

  @Test
  void profilesDriftAndTheRunLogAreOnHdfsAndReadByDeltaKernel() {
    assertEquals(Set.of("reference", "day-01"),
        lake.read(MonitorTables.PROFILES).select("batch").distinct().collectAsList().stream()
            .map(r -> r.<String>getAs("batch")).collect(Collectors.toSet()));
    assertTrue(lake.read(MonitorTables.DRIFT_METRICS).where(col("batch").equalTo("day-01")).count() > 0);
    // Spark-free: Delta Kernel reads the run log on HDFS (its rows were Kernel appends, one per change).
    Lakehouse kernelOnly = Lakehouse.metadataOnly(root, TestSpark.spark().sparkContext().hadoopConfiguration());
    List<Row> log = kernelOnly.rows(Match.on(WorkflowTables.WORKFLOW_RUNS));
    assertEquals(Set.of("training", "nightly"), log.stream().map(r -> r.<String>getAs("workflow")).collect(Collectors.toSet()));
    assertTrue(log.stream().allMatch(r -> "succeeded".equals(r.getAs("state")) || "skipped".equals(r.getAs("state"))),
        log.stream().map(r -> r.getAs("step") + "=" + r.getAs("state")).toList().toString());
    assertEquals(1 + DAYS, log.stream().map(r -> r.<String>getAs("run_id")).distinct().count());
    assertEquals(lake.read(WorkflowTables.WORKFLOW_RUNS).count(), log.size());
    // Each step's start and end were appended by Kernel as commits of their own on HDFS.
    try {
      long commits = java.util.Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(root + "/workflow_runs/_delta_log")))
          .filter(f -> f.getPath().getName().endsWith(".json")).count();
      assertTrue(commits >= log.size(), commits + " commits for " + log.size() + " steps");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
