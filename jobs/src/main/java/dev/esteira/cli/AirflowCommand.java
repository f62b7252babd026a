package dev.esteira.cli;

import dev.esteira.EsteiraException;
import dev.esteira.airflow.AirflowClient;
import dev.esteira.airflow.AirflowException;
import dev.esteira.airflow.AirflowModel.Cleared;
import dev.esteira.airflow.AirflowModel.Dag;
import dev.esteira.airflow.AirflowModel.DagRun;
import dev.esteira.airflow.AirflowModel.ImportError;
import dev.esteira.airflow.AirflowModel.TaskInstance;
import dev.esteira.airflow.AirflowModel.TaskLog;
import dev.esteira.airflow.AirflowSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/**
 * {@code esteira airflow ...}: the workflows' DAGs on an Airflow 3 server, through its REST API. These
 * commands read the configuration only; they never start Spark.
 */
@Command(
    name = "airflow",
    mixinStandardHelpOptions = true,
    description = "Trigger, watch and diagnose the workflows' DAGs on Airflow 3 (REST API; no Spark). "
        + "Server and user from the airflow: section of the config; the password from $ESTEIRA_AIRFLOW_PASSWORD "
        + "or airflow.password_file.",
    subcommands = {
      AirflowCommand.Dags.class, AirflowCommand.Trigger.class, AirflowCommand.Wait.class,
      AirflowCommand.Status.class, AirflowCommand.Logs.class, AirflowCommand.Errors.class,
      AirflowCommand.Clear.class, AirflowCommand.Pause.class, AirflowCommand.Unpause.class
    })
final class AirflowCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--url", scope = CommandLine.ScopeType.INHERIT, paramLabel = "URL",
      description = "Airflow's base URL (default: $ESTEIRA_AIRFLOW_URL, else airflow.url of the config).")
  String url;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "give a subcommand; `esteira airflow --help` lists them");
  }

  /** What the subcommands share: the client, built from the configuration when first needed. */
  abstract static class Sub extends BaseCommand {
    @ParentCommand AirflowCommand parent;
    private AirflowClient client;

    AirflowClient client() {
      if (client == null) {
        Session s = session();
        String override = parent.url != null ? parent.url : System.getenv("ESTEIRA_AIRFLOW_URL");
        // A relative password_file is relative to the folder that holds the configuration folder (the checkout).
        Path base = s.confDir().toAbsolutePath().normalize().getParent();
        client = new AirflowClient(AirflowSettings.from(s.config().airflow(), System::getenv, base, override));
      }
      return client;
    }

    boolean json() {
      return ((Main) spec.root().userObject()).options.json();
    }

    void progress(String message) {
      session().progress().report(message);
    }

    /** Waits for a run, reporting each change on stderr; a failed run is an error naming its task. */
    Integer await(String dagId, String runId, Polling polling) {
      AirflowClient c = client();
      DagRun run = c.await(dagId, runId, Duration.ofSeconds(polling.timeout), Duration.ofMillis((long) (polling.poll * 1000)),
          p -> progress("run " + p.run().dagRunId() + ": " + p.run().state() + " (" + summary(p.tasks()) + ")"));
      List<TaskInstance> tasks = c.taskInstances(dagId, runId);
      if (!"success".equals(run.state())) {
        throw new AirflowException(AirflowClient.failureMessage(run, tasks));
      }
      printRun(run, tasks);
      return 0;
    }

    void printRun(DagRun run, List<TaskInstance> tasks) {
      if (json()) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("dag_id", run.dagId());
        doc.put("run_id", run.dagRunId());
        doc.put("state", run.state());
        doc.put("logical_date", run.logicalDate());
        doc.put("start_date", run.startDate());
        doc.put("end_date", run.endDate());
        doc.put("conf", run.conf());
        doc.put("tasks", tasks);
        out().result("", doc);
        return;
      }
      List<List<Object>> rows = new ArrayList<>();
      for (TaskInstance t : tasks) {
        rows.add(List.of(t.taskId(), t.state() == null ? "-" : t.state(), t.tries(),
            t.duration() == null ? "" : String.format(java.util.Locale.ROOT, "%.1fs", t.duration())));
      }
      System.out.println("DAG " + run.dagId() + " run " + run.dagRunId() + ": " + run.state()
          + (run.conf() == null || run.conf().isEmpty() ? "" : " conf " + dev.esteira.config.Json.write(run.conf())));
      out().table(List.of("task", "state", "try", "duration"), rows, null);
    }

    static String summary(List<TaskInstance> tasks) {
      Map<String, List<String>> byState = new LinkedHashMap<>();
      for (TaskInstance t : tasks) {
        byState.computeIfAbsent(t.state() == null ? "none" : t.state(), k -> new ArrayList<>()).add(t.taskId());
      }
      List<String> parts = new ArrayList<>();
      byState.forEach((state, ids) -> parts.add(state + ": " + String.join(", ", ids)));
      return String.join("; ", parts);
    }
  }

  /** How a command that waits for a run polls it: trigger --wait, wait, clear --wait. */
  static final class Polling {
    @Option(names = "--timeout", paramLabel = "SECONDS", description = "When waiting: give up after this long (default: ${DEFAULT-VALUE}).")
    long timeout = 3600;

    @Option(names = "--poll", paramLabel = "SECONDS", description = "When waiting: seconds between polls (default: ${DEFAULT-VALUE}).")
    double poll = 5;
  }

  @Command(name = "dags", mixinStandardHelpOptions = true, description = "List the DAGs with their paused state and import errors.")
  static final class Dags extends Sub {
    @Option(names = "--all", description = "Also DAGs not made by Esteira (default: only esteira_*).")
    boolean all;

    @Override
    public Integer call() {
      List<List<Object>> rows = new ArrayList<>();
      for (Dag d : client().dags()) {
        if (!all && !d.dagId().startsWith("esteira_")) {
          continue;
        }
        rows.add(java.util.Arrays.asList(d.dagId(), d.paused(), d.stale(), d.importErrors(),
            d.timetableSummary() == null ? "" : d.timetableSummary(), d.relativeFileloc()));
      }
      out().table(List.of("dag_id", "paused", "stale", "import_errors", "schedule", "file"), rows,
          rows.isEmpty() ? "no DAGs (yet: the DAG processor may still be parsing)" : null);
      return 0;
    }
  }

  @Command(name = "trigger", mixinStandardHelpOptions = true,
      description = "Trigger a run of a DAG; --param values become the run's conf (they override the DAG's params).")
  static final class Trigger extends Sub {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE", description = "A workflow parameter for this run (repeatable).")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--run-id", paramLabel = "ID", description = "The run's id (default: chosen by Airflow).")
    String runId;

    @Option(names = "--logical-date", paramLabel = "DATE",
        description = "The run's logical date: YYYY-MM-DD (midnight UTC) or an ISO date-time with offset "
            + "(default: none; a scheduled workflow then takes its date parameters from the run's start).")
    String logicalDate;

    @Option(names = "--wait", description = "Wait for the run to finish; exit 1 if it fails.")
    boolean wait;

    @CommandLine.Mixin Polling polling;

    @Override
    public Integer call() {
      OffsetDateTime date = parseDate(logicalDate);
      DagRun run = client().trigger(dagId, runId, date, params);
      if (!wait) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("dag_id", run.dagId());
        doc.put("run_id", run.dagRunId());
        doc.put("state", run.state());
        doc.put("logical_date", run.logicalDate());
        doc.put("conf", run.conf());
        out().result("triggered DAG " + run.dagId() + " run " + run.dagRunId() + ": " + run.state(), doc);
        return 0;
      }
      progress("triggered DAG " + run.dagId() + " run " + run.dagRunId());
      return await(dagId, run.dagRunId(), polling);
    }

    static OffsetDateTime parseDate(String s) {
      if (s == null) {
        return null;
      }
      try {
        if (s.length() == 10) {
          return LocalDate.parse(s).atStartOfDay().atOffset(ZoneOffset.UTC);
        }
        return OffsetDateTime.parse(s);
      } catch (DateTimeParseException e) {
        throw new EsteiraException("--logical-date '" + s + "' is neither YYYY-MM-DD nor an ISO date-time with an offset");
      }
    }
  }

  @Command(name = "wait", mixinStandardHelpOptions = true, description = "Wait for a run to finish; exit 1 if it failed.")
  static final class Wait extends Sub {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;
    @Parameters(index = "1", paramLabel = "RUN_ID") String runId;

    @CommandLine.Mixin Polling polling;

    @Override
    public Integer call() {
      return await(dagId, runId, polling);
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "A run's state and its tasks' states (without RUN_ID: the DAG's latest runs).")
  static final class Status extends Sub {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;
    @Parameters(index = "1", paramLabel = "RUN_ID", arity = "0..1") String runId;

    @Override
    public Integer call() {
      if (runId == null) {
        List<List<Object>> rows = new ArrayList<>();
        for (DagRun r : client().runs(dagId, 20)) {
          rows.add(java.util.Arrays.asList(r.dagRunId(), r.state(), r.logicalDate(), r.startDate(), r.endDate(),
              r.conf() == null ? Map.of() : r.conf()));
        }
        out().table(List.of("run_id", "state", "logical_date", "start_date", "end_date", "conf"), rows,
            rows.isEmpty() ? "DAG " + dagId + " has no runs" : null);
        return 0;
      }
      printRun(client().run(dagId, runId), client().taskInstances(dagId, runId));
      return 0;
    }
  }

  @Command(name = "logs", mixinStandardHelpOptions = true, description = "A task's log (default: its latest try).")
  static final class Logs extends Sub {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;
    @Parameters(index = "1", paramLabel = "RUN_ID") String runId;
    @Parameters(index = "2", paramLabel = "TASK_ID") String taskId;

    @Option(names = "--try", paramLabel = "N", description = "Which try (default: the latest).")
    Integer tryNumber;

    @Override
    public Integer call() {
      TaskLog log = client().log(dagId, runId, taskId, tryNumber);
      if (json()) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("dag_id", dagId);
        doc.put("run_id", runId);
        doc.put("task_id", taskId);
        doc.put("try_number", log.tryNumber());
        doc.put("events", log.events());
        doc.put("lines", log.lines());
        out().result("", doc);
      } else {
        System.out.println("--- " + dagId + " run " + runId + " task " + taskId + " try " + log.tryNumber());
        log.lines().forEach(System.out::println);
      }
      return 0;
    }
  }

  @Command(name = "errors", mixinStandardHelpOptions = true, description = "DAG files that failed to import, with the reason.")
  static final class Errors extends Sub {
    @Override
    public Integer call() {
      List<ImportError> errors = client().importErrors();
      if (json()) {
        out().result("", errors.stream().map(e -> {
          Map<String, Object> doc = new LinkedHashMap<>();
          doc.put("filename", e.filename());
          doc.put("reason", e.reason());
          doc.put("timestamp", e.timestamp());
          doc.put("stack_trace", e.stackTrace());
          return doc;
        }).toList());
        return 0;
      }
      List<List<Object>> rows = new ArrayList<>();
      for (ImportError e : errors) {
        rows.add(List.of(e.filename(), e.timestamp() == null ? "" : e.timestamp(), e.reason()));
      }
      if (rows.isEmpty()) {
        System.out.println("no import errors");
        return 0;
      }
      // No table: the reason is the point and must not be cut at a column width.
      for (List<Object> r : rows) {
        System.out.println(r.get(0) + " (" + r.get(1) + "): " + r.get(2));
      }
      return 0;
    }
  }

  @Command(name = "clear", mixinStandardHelpOptions = true,
      description = "Clear a task of a run and the tasks downstream of it, so that Airflow runs them again.")
  static final class Clear extends Sub {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;
    @Parameters(index = "1", paramLabel = "RUN_ID") String runId;
    @Parameters(index = "2", paramLabel = "TASK_ID") String taskId;

    @Option(names = "--wait", description = "Then wait for the run to finish; exit 1 if it fails again.")
    boolean wait;

    @CommandLine.Mixin Polling polling;

    @Override
    public Integer call() {
      Cleared cleared = client().clear(dagId, runId, taskId);
      List<String> ids = cleared.tasks().stream().map(TaskInstance::taskId).sorted().toList();
      if (!wait) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("dag_id", dagId);
        doc.put("run_id", runId);
        doc.put("cleared", ids);
        out().result("cleared " + String.join(", ", ids) + " of DAG " + dagId + " run " + runId, doc);
        return 0;
      }
      progress("cleared " + String.join(", ", ids) + " of run " + runId);
      return await(dagId, runId, polling);
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause a DAG: no new runs are scheduled.")
  static final class Pause extends Sub {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;

    @Override
    public Integer call() {
      Dag d = client().setPaused(dagId, true);
      out().result("DAG " + d.dagId() + " paused", Map.of("dag_id", d.dagId(), "is_paused", d.paused()));
      return 0;
    }
  }

  @Command(name = "unpause", mixinStandardHelpOptions = true, description = "Unpause a DAG.")
  static final class Unpause extends Sub {
    @Parameters(index = "0", paramLabel = "DAG_ID") String dagId;

    @Override
    public Integer call() {
      Dag d = client().setPaused(dagId, false);
      out().result("DAG " + d.dagId() + " unpaused", Map.of("dag_id", d.dagId(), "is_paused", d.paused()));
      return 0;
    }
  }
}
