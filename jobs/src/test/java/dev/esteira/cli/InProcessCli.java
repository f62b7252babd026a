package dev.esteira.cli;

import dev.esteira.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The CLI run in this JVM on the shared SparkSession, its stdout and stderr captured. */
final class InProcessCli {
  private InProcessCli() {}

  static synchronized CommandLineTest.Result run(Path lake, String... args) {
    List<String> all = new ArrayList<>(List.of("--lakehouse", lake.toString(), "-q"));
    if (!List.of(args).contains("--conf-dir")) {
      all.addAll(List.of("--conf-dir", TestSpark.confDir().toString()));
    }
    all.addAll(List.of(args));
    return runExactly(all.toArray(new String[0]));
  }

  /** The CLI with exactly these arguments (no lakehouse, conf or -q added). */
  static synchronized CommandLineTest.Result runExactly(String... all) {
    TestSpark.spark();
    return capture(all);
  }

  /** The CLI with exactly these arguments, starting no Spark of its own (for commands that need none). */
  static synchronized CommandLineTest.Result capture(String... all) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.execute(all);
      return new CommandLineTest.Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
