package dev.esteira.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code esteira} command line in a JVM of its own, as users and schedulers start it: for tests
 * of concurrent processes and of processes killed mid-operation. Uses this test JVM's classpath and the
 * JVM flags Spark needs, read from the parent pom like {@code bin/esteira} does.
 */
public final class CliProcess {
  private static String opens;

  /** A started process, its output captured in files. */
  public record Handle(Process process, Path stdout, Path stderr, List<String> args) {
    public Result await() {
      try {
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          throw new AssertionError("esteira " + args + " did not end within 10 minutes");
        }
        return new Result(process.exitValue(), Files.readString(stdout), Files.readString(stderr), args);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  public record Result(int exit, String stdout, String stderr, List<String> args) {
    @Override
    public String toString() {
      return "esteira " + args + " exited " + exit + "\nstderr: " + stderr + "\nstdout: " + stdout;
    }
  }

  private CliProcess() {}

  public static Handle start(Map<String, String> env, String... args) {
    return start(env, "dev.esteira.cli.Main", args);
  }

  /**
   * Several command lines run one after the other in one new JVM ({@link CliSequence}): for a test of what
   * many commands do in a process of their own (e.g. that none starts Spark), at the cost of one JVM start.
   */
  public static List<Result> runEach(Map<String, String> env, List<String[]> commands) {
    Path dir = TestSpark.newDir("cli-each");
    List<String> args = new ArrayList<>();
    args.add(dir.toString());
    for (String[] c : commands) {
      if (Arrays.stream(c).anyMatch(a -> a.contains("\t"))) {
        throw new IllegalArgumentException("a tab in " + Arrays.toString(c));
      }
      args.add(String.join("\t", c));
    }
    Result all = start(env, CliSequence.class.getName(), args.toArray(new String[0])).await();
    List<Result> results = new ArrayList<>();
    try {
      for (int i = 0; i < commands.size(); i++) {
        Path exit = dir.resolve(i + ".exit");
        if (!Files.exists(exit)) {
          throw new AssertionError("command " + i + " of " + all + " did not end");
        }
        results.add(new Result(Integer.parseInt(Files.readString(exit)), Files.readString(dir.resolve(i + ".out")),
            Files.readString(dir.resolve(i + ".err")), List.of(commands.get(i))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return results;
  }

  private static Handle start(Map<String, String> env, String mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    // Short-lived JVMs: the C1 compiler and the serial collector start faster and take fewer threads.
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.addAll(Arrays.asList(opens().split("\\s+")));
    cmd.add("-Dlog4j2.configurationFile=" + TestSpark.confDir().resolve("log4j2.properties"));
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add(mainClass);
    cmd.addAll(Arrays.asList(args));
    try {
      Path dir = TestSpark.newDir("cli");
      Path out = dir.resolve("stdout");
      Path err = dir.resolve("stderr");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
      // The project's conf/ unless the test names another one, as bin/esteira sets it.
      pb.environment().put("ESTEIRA_CONF", TestSpark.confDir().toString());
      pb.environment().putAll(env);
      pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      return new Handle(pb.start(), out, err, List.of(args));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Result run(Map<String, String> env, String... args) {
    return start(env, args).await();
  }

  private static String classpath() {
    // Surefire runs tests from a manifest-only jar; it names the real test classpath in this property.
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  private static synchronized String opens() {
    if (opens == null) {
      try {
        String pom = Files.readString(TestSpark.projectRoot().resolve("pom.xml"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<spark.java17.opens>(.*?)</spark.java17.opens>").matcher(pom);
        opens = m.find() ? m.group(1).trim() : "";
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return opens;
  }

  /** A copy of the project's conf/ with one file's text replaced, for a test that needs other settings. */
  public static Path confWith(String relativeFile, String from, String to) {
    Path dir = TestSpark.newDir("conf");
    try (var files = Files.walk(TestSpark.confDir())) {
      for (Path p : files.toList()) {
        Path target = dir.resolve(TestSpark.confDir().relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Path f = dir.resolve(relativeFile);
      String text = Files.readString(f);
      if (!text.contains(from)) {
        throw new AssertionError(relativeFile + " has no '" + from + "'");
      }
      Files.writeString(f, text.replace(from, to));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String separator() {
    return File.pathSeparator;
  }
}
