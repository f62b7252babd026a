package dev.esteira.jobs;

import dev.esteira.EsteiraException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The parameter values of one job invocation, checked against what the job declares. */
public final class JobParams {
  private final String job;
  private final Map<String, String> values;

  private JobParams(String job, Map<String, String> values) {
    this.job = job;
    this.values = values;
  }

  /**
   * Checks names, required values, and each value's type and rule; {@code where} says where the values
   * came from (the workflow file and step, or the command line), for the one-line error.
   */
  public static JobParams of(Job job, Map<String, String> given, String where) {
    Map<String, JobParam> declared = new LinkedHashMap<>();
    job.params().forEach(p -> declared.put(p.name(), p));
    for (String name : given.keySet()) {
      if (!declared.containsKey(name)) {
        throw new EsteiraException(
            where + ": job '" + job.name() + "' has no parameter '" + name + "' (parameters: "
                + String.join(", ", declared.keySet()) + ")");
      }
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (JobParam p : declared.values()) {
      String v = given.get(p.name());
      if (v == null || v.isBlank()) {
        v = p.defaultValue();
      }
      if (v == null && p.required()) {
        throw new EsteiraException(
            where + ": job '" + job.name() + "' needs parameter '" + p.name() + "' (" + p.description() + ")");
      }
      if (v != null) {
        String problem = p.problem(v);
        if (problem != null) {
          throw new EsteiraException(
              where + ": job '" + job.name() + "': parameter '" + p.name() + "' " + problem);
        }
        values.put(p.name(), v);
      }
    }
    JobParams params = new JobParams(job.name(), values);
    job.check(params, where);
    return params;
  }

  public String get(String name) {
    return values.get(name);
  }

  public String get(String name, String fallback) {
    String v = values.get(name);
    return v == null ? fallback : v;
  }

  public boolean flag(String name) {
    return Boolean.parseBoolean(values.get(name));
  }

  /** A whole-number parameter (its type was checked when the parameters were given); null when unset. */
  public Integer integer(String name) {
    String v = values.get(name);
    if (v == null) {
      return null;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new EsteiraException("job '" + job + "': parameter '" + name + "' must be a whole number, got '" + v + "'");
    }
  }

  /** A list parameter's items (empty when unset). */
  public java.util.List<String> list(String name) {
    String v = values.get(name);
    @SuppressWarnings("unchecked")
    java.util.List<String> items = v == null ? java.util.List.of() : (java.util.List<String>) JobParam.Type.LIST.parse(v);
    return items;
  }

  public Map<String, String> asMap() {
    return Map.copyOf(values);
  }

  @Override
  public String toString() {
    return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
  }
}
