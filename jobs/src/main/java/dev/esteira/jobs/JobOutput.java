package dev.esteira.jobs;

import java.util.List;
import java.util.Map;

/** What a job did: one line for people, the facts as data for {@code --format json}, and any alerts. */
public record JobOutput(String message, Map<String, Object> data, List<String> alerts) {
  public JobOutput {
    data = data == null ? Map.of() : data;
    alerts = alerts == null ? List.of() : List.copyOf(alerts);
  }

  public static JobOutput of(String message, Map<String, Object> data) {
    return new JobOutput(message, data, List.of());
  }
}
