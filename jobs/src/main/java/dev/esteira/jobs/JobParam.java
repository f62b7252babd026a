package dev.esteira.jobs;

/** A parameter of a job: snake_case in workflow YAML, {@code --kebab-case} on the command line. */
public record JobParam(String name, String description, boolean required, String defaultValue, boolean flag) {
  public static JobParam required(String name, String description) {
    return new JobParam(name, description, true, null, false);
  }

  public static JobParam optional(String name, String description, String defaultValue) {
    return new JobParam(name, description, false, defaultValue, false);
  }

  public static JobParam flag(String name, String description) {
    return new JobParam(name, description, false, "false", true);
  }

  public String option() {
    return "--" + name.replace('_', '-');
  }
}
