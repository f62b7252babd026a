package dev.esteira.cli;

import dev.esteira.EsteiraException;
import dev.esteira.lake.ApplicationJar;
import dev.esteira.lake.StoragePaths;
import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs any Esteira command as a Spark application on a cluster through spark-submit, in client or cluster
 * deploy mode, with what a cluster needs and spark-submit alone does not give: paths made absolute
 * (a cluster-mode driver runs in a folder of its own on a worker), Java 17's module flags for a driver
 * the cluster starts, quiet logging, and the driver's exit code passed on (spark-submit exits 0 when a
 * standalone cluster's driver fails).
 */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Run an Esteira command on a cluster through spark-submit: `esteira --master spark://HOST:7077 submit "
          + "[--deploy-mode cluster] run workflows/nightly.yaml --param day=03`.",
      "The command's paths (--lakehouse, --conf-dir, files that exist here) are made absolute; they must be "
          + "readable where the driver runs (the same machine, a shared file system, HDFS or object storage). "
          + "Exit code: the command's own, in cluster mode too."
    })
final class SubmitCommand extends BaseCommand {
  @Option(names = "--deploy-mode", paramLabel = "MODE", defaultValue = "client",
      description = "client (the driver runs here, default) or cluster (a worker runs it).")
  String deployMode;

  @Option(names = "--spark-home", paramLabel = "DIR",
      description = "Spark installation whose bin/spark-submit is used (default: $SPARK_HOME, else the "
          + "project's .venv from bin/setup-python, else spark-submit on the PATH).")
  Path sparkHome;

  @Option(names = "--driver-memory", paramLabel = "MEM", description = "spark-submit --driver-memory.")
  String driverMemory;

  @Option(names = "--executor-memory", paramLabel = "MEM", description = "spark-submit --executor-memory.")
  String executorMemory;

  @Option(names = "--total-executor-cores", paramLabel = "N", description = "spark-submit --total-executor-cores.")
  Integer totalExecutorCores;

  @Option(names = "--spark-conf", paramLabel = "KEY=VALUE", description = "A Spark setting for spark-submit --conf (repeatable).")
  List<String> sparkConf = new ArrayList<>();

  @Option(names = "--print", description = "Print the spark-submit command line and exit without running it.")
  boolean print;

  @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The Esteira command and its arguments.")
  List<String> command;

  @Override
  public Integer call() throws IOException, InterruptedException {
    GlobalOptions global = ((Main) spec.root().userObject()).options;
    String master = global.master();
    if (master == null || master.isBlank()) {
      throw new EsteiraException("submit needs the cluster's master: esteira --master spark://HOST:7077 submit ...");
    }
    if (!deployMode.equals("client") && !deployMode.equals("cluster")) {
      throw new EsteiraException("--deploy-mode must be client or cluster, got '" + deployMode + "'");
    }
    boolean cluster = deployMode.equals("cluster");
    if (cluster && master.startsWith("local")) {
      throw new EsteiraException("--deploy-mode cluster needs a cluster master, not " + master);
    }
    if (!command.isEmpty() && command.get(0).equals("submit")) {
      throw new EsteiraException("submit runs an Esteira command, not another submit");
    }
    // Global options written after the command's name (esteira submit run wf.yaml --lakehouse L) are the
    // same options: taken out here and passed once, made absolute.
    List<String> rest = new ArrayList<>(command);
    String lakehouse = takeOption(rest, "--lakehouse");
    String conf = takeOption(rest, "--conf-dir");
    if (lakehouse != null) {
      global.lakehouse = lakehouse;
    }
    if (conf != null) {
      global.confDir = Paths.get(conf);
    }
    Session s = session();
    Path confDir = global.confDir().toAbsolutePath().normalize();
    String root = absolute(s.config().lakehouse().root());
    String outcome = stripSlash(root) + "/_esteira/submissions/" + UUID.randomUUID() + ".json";

    SparkHome home = sparkHome();
    List<String> line = new ArrayList<>();
    line.add(home.sparkSubmit());
    line.addAll(List.of("--master", master, "--deploy-mode", deployMode, "--name", "esteira " + command.get(0),
        "--class", Main.class.getName()));
    if (driverMemory != null) {
      line.addAll(List.of("--driver-memory", driverMemory));
    }
    if (executorMemory != null) {
      line.addAll(List.of("--executor-memory", executorMemory));
    }
    if (totalExecutorCores != null) {
      line.addAll(List.of("--total-executor-cores", String.valueOf(totalExecutorCores)));
    }
    String driverOptions = driverJavaOptions(confDir);
    for (String kv : sparkConf) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new EsteiraException("--spark-conf takes KEY=VALUE, got '" + kv + "'");
      }
      if (kv.substring(0, eq).equals("spark.driver.extraJavaOptions")) {
        driverOptions = driverOptions + " " + kv.substring(eq + 1); // the operator's flags after (and over) ours
      } else {
        line.addAll(List.of("--conf", kv));
      }
    }
    line.addAll(List.of("--conf", "spark.driver.extraJavaOptions=" + driverOptions));
    if (cluster) {
      // Without it spark-submit returns as soon as a standalone master has accepted the driver.
      line.addAll(List.of("--conf", "spark.standalone.submit.waitAppCompletion=true"));
    }
    line.add(ApplicationJar.file().getAbsolutePath());
    line.addAll(List.of("--lakehouse", root, "--conf-dir", confDir.toString()));
    if (global.env() != null) {
      line.addAll(List.of("--env", global.env()));
    }
    if (global.json()) {
      line.addAll(List.of("--format", "json"));
    }
    if (global.quiet()) {
      line.add("-q");
    }
    line.addAll(List.of("--outcome-file", outcome));
    line.addAll(absolutePaths(rest));

    if (print) {
      System.out.println(shellLine(line, home));
      return 0;
    }
    s.progress().report("submitting to " + master + " (" + deployMode + " mode) with " + home.sparkSubmit());
    ProcessBuilder pb = new ProcessBuilder(line).inheritIO();
    Map<String, String> env = pb.environment();
    if (home.dir() != null) {
      env.put("SPARK_HOME", home.dir().toString());
    }
    // The submitting JVM itself (the driver in client mode) logs as quietly as bin/esteira.
    Path log4j = confDir.resolve("log4j2.properties");
    if (Files.isRegularFile(log4j)) {
      env.merge("SPARK_SUBMIT_OPTS", "-Dlog4j2.configurationFile=" + log4j.toUri(), (a, b) -> a + " " + b);
    }
    int rc = pb.start().waitFor();
    SubmissionOutcome.Outcome result = SubmissionOutcome.readAndRemove(outcome, s.hadoopConfiguration());
    if (result != null) {
      // In client mode the driver wrote its error line here already; in cluster mode it is on a worker.
      if (cluster && result.error() != null) {
        System.err.println(result.error());
      }
      return result.exitCode();
    }
    throw new EsteiraException(rc != 0
        ? "spark-submit exited with " + rc + " before the command could report how it ended (see the lines above)"
        : "the driver reported no outcome: it did not start or was killed; see its log on the cluster ("
            + master + ", the driver's stderr)");
  }

  /** The Java options of a driver: Spark's Java 17 module flags (a cluster starts it without them) and the log. */
  private static String driverJavaOptions(Path confDir) {
    String options = org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptions();
    Path log4j = confDir.resolve("log4j2.properties");
    if (Files.isRegularFile(log4j)) {
      // Spark splits these options on whitespace: a path with a space cannot be passed.
      if (log4j.toString().contains(" ")) {
        throw new EsteiraException("the configuration folder " + confDir + " has a space in its path, which "
            + "Spark's driver options cannot carry: move it");
      }
      options += " -Dlog4j2.configurationFile=" + log4j.toUri();
    }
    return options;
  }

  /** Removes {@code --name VALUE} or {@code --name=VALUE} from the arguments and returns the value (or null). */
  static String takeOption(List<String> args, String name) {
    String value = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals(name) && i + 1 < args.size()) {
        value = args.remove(i + 1);
        args.remove(i--);
      } else if (a.startsWith(name + "=")) {
        value = a.substring(name.length() + 1);
        args.remove(i--);
      }
    }
    return value;
  }

  /**
   * The command with its paths absolute: --lakehouse and --conf-dir values, and any argument (or the value
   * of a KEY=VALUE argument) that names a file or folder that exists here.
   */
  static List<String> absolutePaths(List<String> args) {
    List<String> out = new ArrayList<>(args.size());
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if ((a.equals("--lakehouse") || a.equals("--conf-dir")) && i + 1 < args.size()) {
        out.add(a);
        out.add(absolute(args.get(++i)));
      } else if (a.startsWith("--lakehouse=") || a.startsWith("--conf-dir=")) {
        int eq = a.indexOf('=');
        out.add(a.substring(0, eq + 1) + absolute(a.substring(eq + 1)));
      } else if (!a.startsWith("-") && a.indexOf('=') > 0 && existsHere(a.substring(a.indexOf('=') + 1))) {
        int eq = a.indexOf('=');
        out.add(a.substring(0, eq + 1) + absolute(a.substring(eq + 1)));
      } else if (!a.startsWith("-") && existsHere(a)) {
        out.add(absolute(a));
      } else {
        out.add(a);
      }
    }
    return out;
  }

  private static boolean existsHere(String path) {
    if (path.isEmpty() || StoragePaths.hasScheme(path)) {
      return false;
    }
    try {
      Path p = Paths.get(path);
      return !p.isAbsolute() && Files.exists(p);
    } catch (java.nio.file.InvalidPathException e) {
      return false;
    }
  }

  /** A local path made absolute; a URI (hdfs:, s3a:, file:) as given. */
  static String absolute(String path) {
    return StoragePaths.hasScheme(path) ? path : Paths.get(path).toAbsolutePath().normalize().toString();
  }

  private static String stripSlash(String root) {
    return root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  /** Where spark-submit is, and the SPARK_HOME to give it (null: the one on the PATH finds its own). */
  record SparkHome(Path dir, String sparkSubmit) {}

  private SparkHome sparkHome() throws IOException {
    if (sparkHome != null) {
      return home(sparkHome, "--spark-home");
    }
    String env = System.getenv("SPARK_HOME");
    if (env != null && !env.isBlank()) {
      return home(Paths.get(env), "$SPARK_HOME");
    }
    String project = System.getenv("ESTEIRA_HOME");
    if (project != null) {
      Path lib = Paths.get(project, ".venv", "lib");
      if (Files.isDirectory(lib)) {
        try (DirectoryStream<Path> pythons = Files.newDirectoryStream(lib, "python3*")) {
          for (Path python : pythons) {
            Path pyspark = python.resolve("site-packages").resolve("pyspark");
            if (Files.isRegularFile(pyspark.resolve("bin").resolve("spark-submit"))) {
              return new SparkHome(pyspark, pyspark.resolve("bin").resolve("spark-submit").toString());
            }
          }
        }
      }
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, "spark-submit"))) {
        return new SparkHome(null, Paths.get(dir, "spark-submit").toString());
      }
    }
    throw new EsteiraException("no spark-submit found: set SPARK_HOME or --spark-home, or run bin/setup-python "
        + "(it installs pyspark, with its spark-submit, into .venv)");
  }

  private static SparkHome home(Path dir, String source) {
    Path submit = dir.resolve("bin").resolve("spark-submit");
    if (!Files.isExecutable(submit)) {
      throw new EsteiraException(source + " " + dir + " has no bin/spark-submit");
    }
    return new SparkHome(dir.toAbsolutePath(), submit.toAbsolutePath().toString());
  }

  private static String shellLine(List<String> line, SparkHome home) {
    StringBuilder b = new StringBuilder();
    if (home.dir() != null) {
      b.append("SPARK_HOME=").append(quote(home.dir().toString())).append(' ');
    }
    for (String word : line) {
      b.append(b.length() == 0 || b.charAt(b.length() - 1) == ' ' ? "" : " ").append(quote(word));
    }
    return b.toString();
  }

  private static String quote(String word) {
    return word.matches("[A-Za-z0-9_./:=@%+,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
  }
}
