package dev.esteira.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What `esteira submit` and a cluster-mode driver do with paths and outcomes, without a cluster (the
 * e2e phase runs them on a real standalone cluster): none of these commands starts Spark.
 */
class SubmitCommandTest {
  private static String conf() {
    return TestSpark.confDir().toAbsolutePath().toString();
  }

  private static CommandLineTest.Result cli(String... args) {
    return InProcessCli.capture(args);
  }

  /** Runs the command as a cluster-mode driver would see itself (spark-submit's system property). */
  private static CommandLineTest.Result asClusterDriver(String... args) {
    System.setProperty("spark.submit.deployMode", "cluster");
    try {
      return cli(args);
    } finally {
      System.clearProperty("spark.submit.deployMode");
    }
  }

  @Test
  void argumentsNamingLocalFilesAreMadeAbsoluteAndNothingElseIs() throws Exception {
    Path cwd = Path.of("").toAbsolutePath();
    Path dir = TestSpark.newDir("submit-args");
    Path workflow = Files.writeString(dir.resolve("wf.yaml"), "name: x\n");
    String relWorkflow = cwd.relativize(workflow).toString();
    String relDir = cwd.relativize(dir).toString();
    List<String> in = List.of("run", relWorkflow, "--param", "data_dir=" + relDir, "--param", "day=03",
        "--param", "path=hdfs://nn:8020/landing", "--lakehouse", "not-yet-there", "--conf-dir=conf-x");
    List<String> out = SubmitCommand.absolutePaths(in);
    assertEquals(List.of("run", workflow.toString(), "--param", "data_dir=" + dir, "--param", "day=03",
        "--param", "path=hdfs://nn:8020/landing", "--lakehouse", cwd.resolve("not-yet-there").toString(),
        "--conf-dir=" + cwd.resolve("conf-x")), out);
    assertEquals("hdfs://nn:8020/lake", SubmitCommand.absolute("hdfs://nn:8020/lake"));
  }

  @Test
  void globalOptionsAfterTheCommandAreTakenOut() {
    List<String> args = new ArrayList<>(List.of("run", "wf.yaml", "--lakehouse", "a", "--param", "x=1", "--lakehouse=b"));
    assertEquals("b", SubmitCommand.takeOption(args, "--lakehouse"));
    assertEquals(List.of("run", "wf.yaml", "--param", "x=1"), args);
    assertNull(SubmitCommand.takeOption(args, "--conf-dir"));
  }

  @Test
  void aClusterModeDriverRefusesRelativePathsInOneLineAndCreatesNothing() throws Exception {
    Path cwd = Path.of("").toAbsolutePath();
    String name = "relative-lake-" + System.nanoTime();
    CommandLineTest.Result lake = asClusterDriver("--conf-dir", conf(), "--lakehouse", name, "registry", "list");
    assertEquals(1, lake.code(), lake.err());
    assertTrue(lake.err().startsWith("esteira: error: --lakehouse '" + name + "' is relative, and a cluster-mode driver"),
        lake.err());
    assertEquals(1, lake.err().strip().lines().count(), lake.err());
    assertFalse(Files.exists(cwd.resolve(name)), "a lakehouse was created in the driver's folder");

    CommandLineTest.Result confDir = asClusterDriver("--conf-dir", "conf", "--lakehouse", "/tmp/x", "registry", "list");
    assertEquals(1, confDir.code(), confDir.err());
    assertTrue(confDir.err().startsWith("esteira: error: --conf-dir 'conf' is relative"), confDir.err());

    Path abs = TestSpark.newDir("cluster-driver-lake");
    CommandLineTest.Result workflow =
        asClusterDriver("--conf-dir", conf(), "--lakehouse", abs.toString(), "run", "workflows/nightly.yaml");
    assertEquals(1, workflow.code(), workflow.err());
    assertTrue(workflow.err().startsWith("esteira: error: the workflow file 'workflows/nightly.yaml' is relative"),
        workflow.err());

    // The same relative lakehouse outside cluster mode is an ordinary (missing) local lakehouse.
    CommandLineTest.Result client = cli("--conf-dir", conf(), "--lakehouse", name, "registry", "list");
    assertEquals(1, client.code());
    assertTrue(client.err().contains("does not exist"), client.err());
  }

  @Test
  void theOutcomeFileCarriesTheExitCodeAndTheErrorLine() throws Exception {
    Path dir = TestSpark.newDir("outcome");
    String failedFile = dir.resolve("failed.json").toString();
    CommandLineTest.Result failed = cli("--outcome-file", failedFile, "--conf-dir", conf(),
        "--lakehouse", dir.resolve("missing").toString(), "registry", "list");
    assertEquals(1, failed.code());
    SubmissionOutcome.Outcome o = SubmissionOutcome.readAndRemove(failedFile, new org.apache.hadoop.conf.Configuration());
    assertNotNull(o);
    assertEquals(1, o.exitCode());
    assertEquals(failed.err().strip(), o.error());
    assertFalse(Files.exists(Path.of(failedFile)), "the outcome is removed once read");
    assertNull(SubmissionOutcome.readAndRemove(failedFile, new org.apache.hadoop.conf.Configuration()));

    String usageFile = dir.resolve("usage.json").toString();
    CommandLineTest.Result usage = cli("--outcome-file", usageFile, "registry", "list", "--no-such-option");
    assertEquals(2, usage.code());
    SubmissionOutcome.Outcome u = SubmissionOutcome.readAndRemove(usageFile, new org.apache.hadoop.conf.Configuration());
    assertEquals(2, u.exitCode());
    assertTrue(u.error().startsWith("esteira: usage error: "), u.error());

    String okFile = dir.resolve("ok.json").toString();
    CommandLineTest.Result ok = cli("--outcome-file", okFile, "--help");
    assertEquals(0, ok.code());
    SubmissionOutcome.Outcome k = SubmissionOutcome.readAndRemove(okFile, new org.apache.hadoop.conf.Configuration());
    assertEquals(0, k.exitCode());
    assertNull(k.error());
  }

  @Test
  void submitRefusesWhatCannotWorkInOneLine() throws Exception {
    CommandLineTest.Result noMaster = cli("--conf-dir", conf(), "submit", "registry", "list");
    assertEquals(1, noMaster.code());
    assertTrue(noMaster.err().startsWith("esteira: error: submit needs the cluster's master"), noMaster.err());

    CommandLineTest.Result localCluster =
        cli("--conf-dir", conf(), "--master", "local[2]", "submit", "--deploy-mode", "cluster", "registry", "list");
    assertEquals(1, localCluster.code());
    assertTrue(localCluster.err().contains("--deploy-mode cluster needs a cluster master"), localCluster.err());

    Path empty = TestSpark.newDir("no-spark-home");
    CommandLineTest.Result noSubmit = cli("--conf-dir", conf(), "--master", "spark://127.0.0.1:7077", "submit",
        "--spark-home", empty.toString(), "registry", "list");
    assertEquals(1, noSubmit.code());
    assertTrue(noSubmit.err().contains("has no bin/spark-submit"), noSubmit.err());
  }
}
