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
    String name, String description, Map<String, Object> params, Integer retries, List<Step> steps) {

  /** One step: a job, its parameters, the steps it waits for, and how often to retry it. */
  public record Step(String id, String job, Map<String, Object> with, List<String> dependsOn, Integer retries) {
    public Step {
      if (id == null || !id.matches("[a-z][a-z0-9_]*")) {
        throw new IllegalArgumentException("step id '" + id + "' must be lower case letters, digits and '_'");
      }
      if (job == null) {
        throw new IllegalArgumentException("step '" + id + "' names no job");
      }
      with = with == null ? Map.of() : new LinkedHashMap<>(with);
      dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
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
  }

  public static WorkflowSpec load(Path file) {
    if (!Files.exists(file)) {
      throw new dev.esteira.config.ConfigException("workflow file not found: " + file);
    }
    return Yaml.read(file, WorkflowSpec.class);
  }
}
