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
      DemoCommand.class, DemoDataCommand.class, RunCommand.class, RegistryCommand.class, ReproduceCommand.class,
      DatasetCommand.class, SqlCommand.class, LakehouseCommand.class, AirflowCommand.class, ReportCommand.class,
      RunsCommand.class, WorkflowCommand.class, AlertsCommand.class, SubmitCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {"", "Exit codes: 0 success, 1 error in the input or a failed step, 2 bad usage, 3 internal error."})
public final class Main implements Runnable {
  /** Exit code for an error the user can act on (bad input, failed gate, failed step). */
  static final int USER_ERROR = 1;
  static final int INTERNAL_ERROR = 3;

  @Mixin GlobalOptions options;

  private static Session session;
  /** The one error line of this command, if it failed (what a submitting side relays). */
  private static String lastError;

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
    // Everything after the submitted command's name is that command's, not submit's own options.
    cli.getSubcommands().get("submit").setStopAtPositional(true);
    cli.setExecutionExceptionHandler(Main::handle);
    cli.setParameterExceptionHandler(Main::usage);
    lastError = null;
    int code = USER_ERROR;
    try {
      code = cli.execute(args);
      return code;
    } finally {
      if (main.options != null && main.options.outcomeFile != null) {
        SubmissionOutcome.write(main.options.outcomeFile, code, lastError, session);
      }
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

  /**
   * A usage error: one line saying what is wrong and where the help is, instead of the whole usage text
   * (which buries the one line that matters).
   */
  private static int usage(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    String message = oneLine(e.getMessage());
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
      message += " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
    }
    lastError = "esteira: usage error: " + message + "; see `" + cl.getCommandSpec().qualifiedName() + " --help`";
    err.println(lastError);
    err.flush();
    return cl.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    // Spark and Hadoop wrap errors in layers of their own: the user's error may be any cause.
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof EsteiraException) {
        lastError = "esteira: error: " + oneLine(t.getMessage());
        err.println(lastError);
        return USER_ERROR;
      }
      // Bad SQL (unknown column, syntax) is the user's to fix, like any other bad input: Spark's own words.
      if (t instanceof org.apache.spark.sql.AnalysisException) {
        lastError = "esteira: error: " + oneLine(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        err.println(lastError);
        return USER_ERROR;
      }
    }
    lastError = "esteira: internal error: " + e.getClass().getSimpleName() + ": " + Messages.rootMessage(e)
        + " (set ESTEIRA_DEBUG=1 for the stack trace)";
    err.println(lastError);
    if (System.getenv("ESTEIRA_DEBUG") != null) {
      e.printStackTrace(err);
    }
    return INTERNAL_ERROR;
  }

  /** A message as one line: its first non-blank line, or "(no message)". */
  static String oneLine(String message) {
    String line = Messages.firstLine(message).trim();
    return line.isEmpty() ? "(no message)" : line;
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
              // The type and rule too: what JobParams.of refuses at planning should be readable here first.
              .description(p.description() + (p.required() ? "" : p.defaultValue() == null || p.flag() ? "" : " (default: " + p.defaultValue() + ")")
                  + ". " + capitalized(p.kind()) + ".")
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

  private static String capitalized(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
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
      dev.esteira.jobs.JobContext ctx =
          job.writesWithoutSpark().isEmpty() ? s.jobContext() : s.kernelWriteContext(job.writesWithoutSpark());
      dev.esteira.jobs.JobOutput result;
      try {
        result = job.run(ctx, params);
      } catch (dev.esteira.alerts.AlertingException e) {
        try {
          Alerting.raise(ctx, e.events());
        } catch (RuntimeException undelivered) {
          // The job's own failure is what the user must see; the delivery's is one progress line.
          ctx.progress().report("could not deliver the alerts: " + oneLine(undelivered.getMessage()));
        }
        throw e;
      }
      output(spec).job(result);
      Alerting.raise(ctx, result.events());
      return 0;
    }
  }
}
