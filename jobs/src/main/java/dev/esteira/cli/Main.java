package dev.esteira.cli;

import dev.esteira.CodeVersion;
import dev.esteira.EsteiraException;
import dev.esteira.Messages;
import dev.esteira.jobs.Job;
import dev.esteira.jobs.JobParam;
import dev.esteira.jobs.JobParams;
import dev.esteira.jobs.Jobs;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The {@code esteira} command line: one command per job, plus workflows, the registry, datasets, SQL and
 * the demo. Results go to stdout (text or JSON), progress and alerts to stderr; a failure is one line on
 * stderr and a non-zero exit code.
 */
@Command(
    name = "esteira",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Batch MLOps on Apache Spark: versioned datasets, MLlib training, a model registry, "
        + "scoring and drift monitoring, as jobs and workflows.",
    subcommands = {
      DemoCommand.class, DemoDataCommand.class, RunCommand.class, RegistryCommand.class,
      DatasetCommand.class, SqlCommand.class, LakehouseCommand.class, AirflowCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {"", "Exit codes: 0 success, 1 error in the input or a failed step, 2 bad usage, 3 internal error."})
public final class Main implements Runnable {
  /** Exit code for an error the user can act on (bad input, failed gate, failed step). */
  static final int USER_ERROR = 1;
  static final int INTERNAL_ERROR = 3;

  @Mixin GlobalOptions options;

  private static Session session;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this), "give a command; `esteira --help` lists them");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"esteira " + CodeVersion.get()};
    }
  }

  public static void main(String[] args) {
    int code = execute(args);
    System.exit(code);
  }

  /** Runs one command line and returns its exit code (tests call this without exiting). */
  public static int execute(String... args) {
    Main main = new Main();
    CommandLine cli = new CommandLine(main);
    for (Job job : Jobs.all()) {
      cli.addSubcommand(job.name(), jobCommand(job));
    }
    cli.setExecutionExceptionHandler(Main::handle);
    try {
      return cli.execute(args);
    } finally {
      if (session != null) {
        session.close();
        session = null;
      }
    }
  }

  static Session session(CommandSpec spec) {
    if (session == null) {
      Main main = (Main) spec.root().userObject();
      session = new Session(main.options);
    }
    return session;
  }

  static Output output(CommandSpec spec) {
    Main main = (Main) spec.root().userObject();
    return new Output(main.options.json(), System.out, System.err);
  }

  private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    Throwable t = e;
    if (t instanceof EsteiraException) {
      err.println("esteira: error: " + t.getMessage());
      return USER_ERROR;
    }
    String name = t.getClass().getSimpleName();
    // Bad SQL (unknown column, syntax) is the user's to fix, like any other bad input.
    if (t instanceof org.apache.spark.sql.AnalysisException) {
      String m = t.getMessage() == null ? name : t.getMessage();
      err.println("esteira: error: " + Messages.firstLine(m).trim());
      return USER_ERROR;
    }
    err.println("esteira: internal error: " + name + ": " + Messages.firstLine(String.valueOf(t.getMessage()))
        + " (set ESTEIRA_DEBUG=1 for the stack trace)");
    if (System.getenv("ESTEIRA_DEBUG") != null) {
      t.printStackTrace(err);
    }
    return INTERNAL_ERROR;
  }

  /** A command for a job, with one option per job parameter. */
  private static CommandSpec jobCommand(Job job) {
    JobRunner runner = new JobRunner(job);
    CommandSpec spec = CommandSpec.wrapWithoutInspection(runner);
    runner.spec = spec;
    // --help only: --version would clash with job parameters named version.
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help message and exit.").build());
    spec.usageMessage().description(job.summary() + "."
        + (job.outputs().isEmpty() ? "" : " Outputs (for a workflow's when:): " + String.join(", ", job.outputs()) + "."));
    for (JobParam p : job.params()) {
      OptionSpec.Builder b =
          OptionSpec.builder(p.option())
              .description(p.description() + (p.required() ? "" : p.defaultValue() == null || p.flag() ? "" : " (default: " + p.defaultValue() + ")"))
              .required(p.required());
      if (p.flag()) {
        b.type(boolean.class).arity("0");
      } else {
        b.type(String.class).paramLabel(p.name().toUpperCase(java.util.Locale.ROOT));
      }
      spec.addOption(b.build());
    }
    return spec;
  }

  private static final class JobRunner implements Callable<Integer> {
    private final Job job;
    CommandSpec spec;

    JobRunner(Job job) {
      this.job = job;
    }

    @Override
    public Integer call() {
      Map<String, String> values = new LinkedHashMap<>();
      for (JobParam p : job.params()) {
        Object v = spec.findOption(p.option()).getValue();
        if (v != null && !(p.flag() && Boolean.FALSE.equals(v))) {
          values.put(p.name(), String.valueOf(v));
        }
      }
      Session s = session(spec);
      JobParams params = JobParams.of(job, values, "command line");
      output(spec).job(job.run(s.jobContext(), params));
      return 0;
    }
  }
}
