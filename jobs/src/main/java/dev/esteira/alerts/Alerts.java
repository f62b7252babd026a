package dev.esteira.alerts;

import dev.esteira.Progress;
import dev.esteira.config.EsteiraConfig;
import dev.esteira.lake.CrashPoints;
import dev.esteira.lake.Lakehouse;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Routes alert events to channels and delivers each to each channel once, recording everything in
 * {@code alert_deliveries}:
 *
 * <ol>
 *   <li>the events' pending rows are committed before anything is sent (crash point
 *       {@code alerts.recorded} after that commit), so a decision is never lost between being made and
 *       being delivered: whatever runs next finds it pending;
 *   <li>each pending (event, channel) is tried, with back-off between tries, its id as the idempotency
 *       key the receiver sees;
 *   <li>every try is recorded in one commit after the round (sent, error, or failed when given up).
 * </ol>
 *
 * A rerun makes the same events (same ids), finds them sent and sends nothing. A process killed between
 * a send and its record sends again on the next run: at least once, and the receiver sees the same key.
 * With no route or no enabled channel nothing is recorded or sent (the {@code ALERT} lines remain).
 */
public final class Alerts {
  private final Lakehouse lake;
  private final EsteiraConfig.Alerts config;
  private final Progress progress;
  private final Secrets secrets;
  private final Deliveries store;
  private final Map<String, Channel> channels = new LinkedHashMap<>();

  public Alerts(Lakehouse lake, EsteiraConfig.Alerts config, Progress progress) {
    this(lake, config, progress, System::getenv);
  }

  /** {@code env}: where the secrets' variables are read (tests give their own). */
  public Alerts(Lakehouse lake, EsteiraConfig.Alerts config, Progress progress, Function<String, String> env) {
    this.lake = lake;
    this.config = config == null ? new EsteiraConfig.Alerts(null, null, null) : config;
    this.secrets = new Secrets(env);
    this.progress = message -> progress.report(secrets.scrub(message));
    this.store = new Deliveries(lake);
    this.config.channels().forEach((name, c) -> {
      if (c.on()) {
        channels.put(name, "mail".equals(c.type()) ? new MailChannel(name, c, secrets) : new WebhookChannel(name, c, secrets));
      }
    });
  }

  /** Whether any event can be delivered at all: an enabled channel that a route names. */
  public boolean active() {
    return config.routes().stream().anyMatch(r -> r.channels().stream().anyMatch(channels::containsKey));
  }

  /** The enabled channels {@code e} is routed to, in configuration order. */
  public List<String> channelsFor(AlertEvent e) {
    Set<String> out = new LinkedHashSet<>();
    for (EsteiraConfig.Route r : config.routes()) {
      if (matches(r, e)) {
        r.channels().stream().filter(channels::containsKey).forEach(out::add);
      }
    }
    return List.copyOf(out);
  }

  static boolean matches(EsteiraConfig.Route r, AlertEvent e) {
    if (!r.kinds().isEmpty() && !r.kinds().contains(e.kind().label())) {
      return false;
    }
    if (r.minSeverity() != null && e.severity().compareTo(AlertEvent.Severity.parse(r.minSeverity())) < 0) {
      return false;
    }
    // (List.of refuses contains(null): an event about no model matches no route that names models.)
    if (!r.models().isEmpty() && (e.model() == null || !r.models().contains(e.model()))) {
      return false;
    }
    return r.datasets().isEmpty() || (e.dataset() != null && r.datasets().contains(e.dataset()));
  }

  /** What a round did: deliveries now sent, still pending, failed for good; and the states it ended with. */
  public record Report(int sent, int pending, int failed, List<Deliveries.State> states) {
    static final Report NONE = new Report(0, 0, 0, List.of());
  }

  /**
   * Records {@code events} as pending for their channels (those not recorded before), then delivers
   * every pending delivery: these events' and any an earlier run left pending.
   */
  public Report raise(List<AlertEvent> events) {
    if (events.isEmpty() || !active()) {
      return Report.NONE;
    }
    Map<String, AlertEvent> byId = new LinkedHashMap<>();
    events.forEach(e -> byId.putIfAbsent(e.id(), e));
    List<Deliveries.Delivery> all = new ArrayList<>(store.all());
    Set<String> recorded = new LinkedHashSet<>();
    all.forEach(d -> recorded.add(d.eventId() + "\u001f" + d.channel()));
    Timestamp now = Timestamp.from(Instant.now());
    List<Deliveries.Delivery> fresh = new ArrayList<>();
    for (AlertEvent e : byId.values()) {
      for (String channel : channelsFor(e)) {
        if (!recorded.contains(e.id() + "\u001f" + channel)) {
          fresh.add(Deliveries.Delivery.pending(e, channel, now));
        }
      }
    }
    int already = (int) byId.values().stream()
        .filter(e -> channelsFor(e).stream().allMatch(c -> recorded.contains(e.id() + "\u001f" + c))).count();
    if (already > 0) {
      progress.report(already + " alert event" + (already == 1 ? " was" : "s were") + " recorded before: not raised again");
    }
    if (!fresh.isEmpty()) {
      store.write(fresh);
      CrashPoints.reach("alerts.recorded");
    }
    all.addAll(fresh);
    return deliver(Deliveries.states(all), false);
  }

  /** Delivers every pending delivery (and, with {@code failed}, those given up too): {@code alerts retry}. */
  public Report retry(boolean failed) {
    return deliver(Deliveries.states(store.all()), failed);
  }

  /** Every delivery's state, oldest first ({@code alerts list}; read without Spark). */
  public List<Deliveries.State> states() {
    return Deliveries.states(store.all());
  }

  private Report deliver(List<Deliveries.State> states, boolean failedToo) {
    List<Deliveries.Delivery> rows = new ArrayList<>();
    int sent = 0;
    int pending = 0;
    int failed = 0;
    List<Deliveries.State> after = new ArrayList<>();
    for (Deliveries.State s : states) {
      boolean due = s.pending() || (failedToo && Deliveries.FAILED.equals(s.state()));
      if (!due) {
        after.add(s);
        continue;
      }
      Channel channel = channels.get(s.channel());
      if (channel == null) {
        progress.report("alert " + s.eventId() + " to " + s.channel() + ": channel not configured or disabled here, stays "
            + s.state());
        pending += s.pending() ? 1 : 0;
        failed += s.pending() ? 0 : 1;
        after.add(s);
        continue;
      }
      List<Deliveries.Delivery> tries =
          attempts(channel, config.channels().get(s.channel()), s.first(), s.attempts(), config.attemptsAllowed(), secrets,
              progress);
      rows.addAll(tries);
      Deliveries.Delivery last = tries.get(tries.size() - 1);
      switch (last.status()) {
        case Deliveries.SENT -> sent++;
        case Deliveries.FAILED -> failed++;
        default -> pending++;
      }
      after.add(new Deliveries.State(s.eventId(), s.channel(),
          Deliveries.SENT.equals(last.status()) ? Deliveries.SENT : Deliveries.FAILED.equals(last.status())
              ? Deliveries.FAILED : Deliveries.PENDING, last.attempt(), s.first(), last));
    }
    store.write(rows);
    return new Report(sent, pending, failed, after);
  }

  /**
   * Tries one delivery ({@code pending}: its pending row; {@code triedBefore}: the attempts recorded so
   * far) up to {@code 1 + retries} times, doubling the pause; the rows of every try, the last one
   * {@code failed} when the receiver refused for good or {@code allowed} attempts are used up.
   */
  static List<Deliveries.Delivery> attempts(Channel channel, EsteiraConfig.Channel c, Deliveries.Delivery pending,
      int triedBefore, int allowed, Secrets secrets, Progress progress) {
    AlertEvent event = pending.toEvent();
    List<Deliveries.Delivery> rows = new ArrayList<>();
    int attempt = triedBefore;
    double pause = c.backoff();
    for (int tryNo = 0; tryNo <= c.retryCount(); tryNo++) {
      if (tryNo > 0) {
        sleep(pause);
        pause *= 2;
      }
      attempt++;
      long start = System.nanoTime();
      Channel.Try t;
      try {
        t = channel.deliver(event);
      } catch (RuntimeException e) {
        // A channel's bug or a library's surprise: recorded like any failed try, never lost.
        t = Channel.Try.error(e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      boolean giveUp = !t.sent() && (t.permanent() || attempt >= allowed);
      String status = t.sent() ? Deliveries.SENT : giveUp ? Deliveries.FAILED : Deliveries.ERROR;
      String response = Channel.cut(secrets.scrub(t.response()));
      rows.add(pending.attempt(attempt, status, response, Timestamp.from(Instant.now()), ms));
      progress.report("alert " + event.id() + " (" + event.kind().label() + ", " + event.subject() + ") to "
          + pending.channel() + ": " + status + ", attempt " + attempt + (response == null ? "" : ": " + response)
          + (status.equals(Deliveries.ERROR) && tryNo == c.retryCount()
              ? " (stays pending: the next run or `esteira alerts retry` tries again)" : ""));
      if (t.sent() || giveUp) {
        break;
      }
    }
    return rows;
  }

  private static void sleep(double seconds) {
    try {
      Thread.sleep((long) (seconds * 1000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The secrets' scrubber, for callers that print what a channel said. */
  public String scrub(String text) {
    return secrets.scrub(text);
  }

  /** The lakehouse this dispatcher records in. */
  Lakehouse lake() {
    return lake;
  }
}
