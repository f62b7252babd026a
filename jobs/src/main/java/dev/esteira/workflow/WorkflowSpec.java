package dev.esteira.workflow;

import dev.esteira.config.Yaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A workflow: a DAG of job steps declared in YAML. Step parameters may use {@code ${name}} placeholders,
 * filled from the workflow's {@code params} (overridable with {@code --param name=value}) and the
 * built-ins {@code lakehouse}, {@code run_date} and {@code workflow}.
 */
public record WorkflowSpec(
    String name, String description, Map<String, Object> params, Integer retries, List<Step> steps,
    Schedule schedule) {

  /**
   * When a scheduler (Airflow) starts the workflow on its own: {@code cron} is a cron expression or a
   * preset such as {@code @daily}; {@code date_params} maps a parameter to the strftime format that
   * derives it from the run's logical date when the run does not set it (e.g. {@code day: "%d"}).
   */
  public record Schedule(String cron, Map<String, String> dateParams) {
    public Schedule {
      if (cron == null || cron.isBlank()) {
        throw new IllegalArgumentException("schedule.cron must be a cron expression or a preset such as @daily");
      }
      dateParams = dateParams == null ? Map.of() : new LinkedHashMap<>(dateParams);
      for (Map.Entry<String, String> e : dateParams.entrySet()) {
        if (e.getValue() == null || !e.getValue().contains("%")) {
          throw new IllegalArgumentException(
              "schedule.date_params." + e.getKey() + " must be a strftime format such as \"%d\", got '" + e.getValue() + "'");
        }
      }
    }
  }

  /**
   * One step: a job, its parameters, the steps it waits for, how often to retry it, and optionally
   * {@code when}, a condition on an earlier step's outputs ({@link Condition}) without which it is skipped.
   */
  public record Step(String id, String job, Map<String, Object> with, List<String> dependsOn, Integer retries, String when,
      Object failOnAlert) {
    public Step {
      if (id == null || !id.matches("[a-z][a-z0-9_]*")) {
        throw new IllegalArgumentException("step id '" + id + "' must be lower case letters, digits and '_'");
      }
      if (job == null) {
        throw new IllegalArgumentException("step '" + id + "' names no job");
      }
      with = with == null ? Map.of() : new LinkedHashMap<>(with);
      dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
      failOnKinds(id, failOnAlert);
    }

    /**
     * The alert kinds that fail this step ({@code fail_on_alert}: {@code true} for every kind, or a list
     * of kinds); empty when alerts never fail it. The alerts are delivered first, then the step fails, so
     * that the orchestrator's own retries, mails and SLAs see it.
     */
    public List<String> failOnKinds() {
      return failOnKinds(id, failOnAlert);
    }

    private static List<String> failOnKinds(String id, Object value) {
      if (value == null || Boolean.FALSE.equals(value)) {
        return List.of();
      }
      if (Boolean.TRUE.equals(value)) {
        return dev.esteira.config.EsteiraConfig.Alerts.KINDS;
      }
      if (value instanceof List<?> list && !list.isEmpty()) {
        List<String> kinds = new java.util.ArrayList<>();
        for (Object k : list) {
          if (!(k instanceof String name) || !dev.esteira.config.EsteiraConfig.Alerts.KINDS.contains(name)) {
            throw new IllegalArgumentException("step '" + id + "': fail_on_alert: unknown alert kind '" + k
                + "' (expected one of: " + String.join(", ", dev.esteira.config.EsteiraConfig.Alerts.KINDS) + ")");
          }
          kinds.add(name);
        }
        return List.copyOf(kinds);
      }
      throw new IllegalArgumentException("step '" + id + "': fail_on_alert must be true, false or a list of alert kinds, got '"
          + value + "'");
    }
  }

  public WorkflowSpec {
    if (name == null || !name.matches("[a-z][a-z0-9_-]*")) {
      throw new IllegalArgumentException("workflow name '" + name + "' must be lower case letters, digits, '_' and '-'");
    }
    if (steps == null || steps.isEmpty()) {
      throw new IllegalArgumentException("workflow '" + name + "' has no steps");
    }
    params = params == null ? Map.of() : new LinkedHashMap<>(params);
    steps = List.copyOf(steps);
    if (schedule != null) {
      for (String p : schedule.dateParams().keySet()) {
        if (!params.containsKey(p)) {
          throw new IllegalArgumentException(
              "schedule.date_params names '" + p + "', which is not a parameter of workflow '" + name + "' (parameters: "
                  + params.keySet() + ")");
        }
      }
    }
  }

  public static WorkflowSpec load(Path file) {
    if (!Files.exists(file)) {
      throw new dev.esteira.config.ConfigException("workflow file not found: " + file);
    }
    return Yaml.read(file, WorkflowSpec.class);
  }
}
