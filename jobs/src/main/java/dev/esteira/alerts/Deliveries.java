package dev.esteira.alerts;

import dev.esteira.config.Json;
import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.Match;
import dev.esteira.lake.Rows;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The store of {@code alert_deliveries} (schema in {@link AlertTables}): the record, the one mapping
 * between record and row by column name, and the queries {@link Alerts} and the CLI ask.
 */
public final class Deliveries {
  /** Row statuses: the decision recorded, a try that failed (still pending), sent, given up. */
  public static final String PENDING = "pending";
  public static final String ERROR = "error";
  public static final String SENT = "sent";
  public static final String FAILED = "failed";

  private final Lakehouse lake;

  public Deliveries(Lakehouse lake) {
    this.lake = lake;
  }

  /** One row: the pending record of an event for a channel (attempt 0), or one delivery attempt. */
  public record Delivery(String eventId, String channel, int attempt, String status, String kind, String severity,
      String model, String dataset, String subject, String batch, String event, String response, Timestamp decidedAt,
      Timestamp at, Long durationMs) {

    /** The pending record of {@code e} for {@code channel}: written before anything is sent. */
    static Delivery pending(AlertEvent e, String channel, Timestamp now) {
      return new Delivery(e.id(), channel, 0, PENDING, e.kind().label(), e.severity().label(), e.model(), e.dataset(),
          e.subject(), e.batch(), Json.write(e.facts()), null, e.decidedAt(), now, null);
    }

    /** Attempt {@code attempt} of this delivery with its outcome. */
    Delivery attempt(int attempt, String status, String response, Timestamp at, long durationMs) {
      return new Delivery(eventId, channel, attempt, status, kind, severity, model, dataset, subject, batch, event,
          response, decidedAt, at, durationMs);
    }

    @SuppressWarnings("unchecked")
    AlertEvent toEvent() {
      return AlertEvent.fromFacts(Json.read(event, Map.class));
    }

    static Delivery of(Row r) {
      return new Delivery(r.getAs("event_id"), r.getAs("channel"), r.<Integer>getAs("attempt"), r.getAs("status"),
          r.getAs("kind"), r.getAs("severity"), r.getAs("model"), r.getAs("dataset"), r.getAs("subject"), r.getAs("batch"),
          r.getAs("event"), r.getAs("response"), r.getAs("decided_at"), r.getAs("at"), r.getAs("duration_ms"));
    }

    Row toRow() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("event_id", eventId);
      m.put("channel", channel);
      m.put("attempt", attempt);
      m.put("status", status);
      m.put("kind", kind);
      m.put("severity", severity);
      m.put("model", model);
      m.put("dataset", dataset);
      m.put("subject", subject);
      m.put("batch", batch);
      m.put("event", event);
      m.put("response", response);
      m.put("decided_at", decidedAt);
      m.put("at", at);
      m.put("duration_ms", durationMs);
      return Rows.of(AlertTables.DELIVERIES.schema(), m);
    }
  }

  /**
   * Where one event stands on one channel, derived from its rows: {@code sent} once an attempt was sent,
   * {@code failed} once one was given up, {@code pending} otherwise (recorded, not delivered yet, or
   * tried and to be tried again). {@code last} is its latest row.
   */
  public record State(String eventId, String channel, String state, int attempts, Delivery first, Delivery last) {
    public boolean pending() {
      return PENDING.equals(state);
    }
  }

  /** Every row (read without Spark). */
  public List<Delivery> all() {
    return lake.rows(AlertTables.DELIVERIES).stream().map(Delivery::of).toList();
  }

  /** The rows of these events (read without Spark, one snapshot). */
  public List<Delivery> ofEvents(Collection<String> eventIds) {
    List<Match> matches = new ArrayList<>();
    for (String id : eventIds) {
      matches.add(Match.on(AlertTables.DELIVERIES).eq("event_id", id));
    }
    return lake.rowsOfAny(matches).stream().map(Delivery::of).toList();
  }

  /** Appends rows in one commit. */
  public void write(List<Delivery> rows) {
    if (!rows.isEmpty()) {
      // Appended: a row is never rewritten (an attempt's outcome is a new row), and whoever writes has
      // read the rows of its events first; a duplicate of a row from two concurrent deliverers would
      // change no state (sent if any attempt was).
      lake.append(AlertTables.DELIVERIES, rows.stream().map(Delivery::toRow).toList());
    }
  }

  /** The state of every (event, channel) in {@code rows}, oldest decision first. */
  public static List<State> states(List<Delivery> rows) {
    Map<String, List<Delivery>> by = new LinkedHashMap<>();
    for (Delivery d : rows) {
      by.computeIfAbsent(d.eventId() + "\u001f" + d.channel(), k -> new ArrayList<>()).add(d);
    }
    List<State> out = new ArrayList<>();
    for (List<Delivery> ds : by.values()) {
      ds.sort(Comparator.comparingInt(Delivery::attempt));
      Delivery first = ds.get(0);
      Delivery last = ds.get(ds.size() - 1);
      boolean sent = ds.stream().anyMatch(d -> SENT.equals(d.status()));
      String state = sent ? SENT : FAILED.equals(last.status()) ? FAILED : PENDING;
      out.add(new State(first.eventId(), first.channel(), state, last.attempt(), first, last));
    }
    out.sort(Comparator.comparing((State s) -> s.first().decidedAt()).thenComparing(State::eventId).thenComparing(State::channel));
    return out;
  }
}
