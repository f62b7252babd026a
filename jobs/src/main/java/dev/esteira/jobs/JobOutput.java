package dev.esteira.jobs;

import dev.esteira.alerts.AlertEvent;
import java.util.List;
import java.util.Map;

/**
 * What a job did: one line for people, the facts as data for {@code --format json}, any alerts as lines,
 * and the alert events to deliver ({@link dev.esteira.alerts.Alerts}): the decisions a person should hear of.
 */
public record JobOutput(String message, Map<String, Object> data, List<String> alerts, List<AlertEvent> events) {
  public JobOutput {
    data = data == null ? Map.of() : data;
    alerts = alerts == null ? List.of() : List.copyOf(alerts);
    events = events == null ? List.of() : List.copyOf(events);
  }

  public JobOutput(String message, Map<String, Object> data, List<String> alerts) {
    this(message, data, alerts, List.of());
  }

  public static JobOutput of(String message, Map<String, Object> data) {
    return new JobOutput(message, data, List.of());
  }

  /** The same output with these events to deliver. */
  public JobOutput withEvents(List<AlertEvent> more) {
    return new JobOutput(message, data, alerts, more);
  }
}
