package dev.esteira.cli;

import dev.esteira.alerts.AlertEvent;
import dev.esteira.alerts.Alerts;
import dev.esteira.jobs.JobContext;
import java.util.List;

/** Delivers the alert events a command decided (a job run alone, a rollback), as a workflow step does. */
final class Alerting {
  private Alerting() {}

  static void raise(JobContext ctx, List<AlertEvent> events) {
    if (!events.isEmpty()) {
      new Alerts(ctx.lake(), ctx.config().alerts(), ctx.progress()).raise(events);
    }
  }
}
