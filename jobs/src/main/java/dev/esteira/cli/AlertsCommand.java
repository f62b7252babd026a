package dev.esteira.cli;

import dev.esteira.EsteiraException;
import dev.esteira.alerts.Alerts;
import dev.esteira.alerts.Deliveries;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "alerts",
    mixinStandardHelpOptions = true,
    description = "Alert deliveries (the alert_deliveries table): list them, retry those still pending.",
    subcommands = {AlertsCommand.ListAlerts.class, AlertsCommand.Retry.class})
final class AlertsCommand implements Runnable {
  static final List<String> STATES = List.of(Deliveries.PENDING, Deliveries.SENT, Deliveries.FAILED);

  @Override
  public void run() {
    throw new EsteiraException("give an alerts command: list or retry (see `esteira alerts --help`)");
  }

  static Map<String, Object> document(Deliveries.State s) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("event_id", s.eventId());
    doc.put("kind", s.first().kind());
    doc.put("severity", s.first().severity());
    doc.put("subject", s.first().subject());
    doc.put("batch", s.first().batch());
    doc.put("channel", s.channel());
    doc.put("state", s.state());
    doc.put("attempts", s.attempts());
    doc.put("decided_at", s.first().decidedAt());
    doc.put("last_at", s.last().at());
    doc.put("response", s.last().response());
    return doc;
  }

  static void print(Output out, List<Deliveries.State> states, String caption) {
    if (out.json()) {
      out.result("", states.stream().map(AlertsCommand::document).toList());
      return;
    }
    List<List<Object>> rows = new ArrayList<>();
    for (Deliveries.State s : states) {
      rows.add(List.of(s.first().decidedAt(), s.eventId(), s.first().kind(), s.first().subject()
          + (s.first().batch() == null ? "" : " " + s.first().batch()), s.channel(), s.state(), s.attempts(),
          s.last().response() == null ? "" : s.last().response()));
    }
    out.table(List.of("decided_at", "event", "kind", "subject", "channel", "state", "attempts", "last_response"), rows,
        caption);
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List alert events per channel with their state (pending, sent, failed), oldest first. Reads without Spark.")
  static final class ListAlerts extends BaseCommand {
    @Option(names = "--state", paramLabel = "STATE", description = "Only this state: pending, sent or failed.")
    String state;

    @Override
    public Integer call() {
      if (state != null && !STATES.contains(state)) {
        throw new EsteiraException("alerts list: --state must be one of " + String.join(", ", STATES) + ", got '" + state + "'");
      }
      List<Deliveries.State> all = Deliveries.states(new Deliveries(session().metadataLake()).all());
      List<Deliveries.State> shown = all.stream().filter(s -> state == null || s.state().equals(state)).toList();
      long pending = all.stream().filter(Deliveries.State::pending).count();
      long sent = all.stream().filter(s -> s.state().equals(Deliveries.SENT)).count();
      print(out(), shown, all.size() + " deliveries: " + pending + " pending, " + sent + " sent, "
          + (all.size() - pending - sent) + " failed");
      return 0;
    }
  }

  @Command(name = "retry", mixinStandardHelpOptions = true,
      description = "Deliver every pending alert again (with --failed, those given up too), each try recorded.")
  static final class Retry extends BaseCommand {
    @Option(names = "--failed", description = "Also retry deliveries given up as failed.")
    boolean failed;

    @Option(names = "--dry-run", description = "Show what would be retried, without Spark; send nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      Session s = session();
      if (dryRun) {
        List<Deliveries.State> due = Deliveries.states(new Deliveries(s.metadataLake()).all()).stream()
            .filter(x -> x.pending() || (failed && x.state().equals(Deliveries.FAILED))).toList();
        print(out(), due, due.size() + " deliveries would be retried (dry run: nothing sent)");
        return 0;
      }
      LakehouseRoot.requireExisting(s.config().lakehouse().root(), "lakehouse.root");
      Alerts alerts = new Alerts(s.lake(), s.config().alerts(), s.progress());
      Alerts.Report r = alerts.retry(failed);
      print(out(), r.states(), r.sent() + " sent, " + r.pending() + " still pending, " + r.failed() + " failed");
      // Non-zero while something it tried is undelivered, so that a scheduler running it sees so.
      return r.pending() + r.failed() == 0 ? 0 : Main.USER_ERROR;
    }
  }
}
