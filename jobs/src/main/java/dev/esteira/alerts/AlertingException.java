package dev.esteira.alerts;

import dev.esteira.EsteiraException;
import java.util.List;

/**
 * A job's failure that is also a decision a person should hear of (a refused promotion): the runner
 * and the CLI deliver its events, then report the failure as any other.
 */
public class AlertingException extends EsteiraException {
  private final transient List<AlertEvent> events;

  public AlertingException(String message, List<AlertEvent> events) {
    super(message);
    this.events = List.copyOf(events);
  }

  public List<AlertEvent> events() {
    return events;
  }
}
