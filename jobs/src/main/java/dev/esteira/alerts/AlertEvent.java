package dev.esteira.alerts;

import dev.esteira.config.EsteiraConfig;
import dev.esteira.lake.Fingerprints;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A decision a person should hear about, as a value. Its {@link #id()} is derived from what was decided
 * (the kind and the facts that identify the decision: target and batch, model and version, run and
 * step), never from when or by which process: the same decision made again by a rerun, a resume or a
 * process that replaced a killed one has the same id, so the deliveries table finds it already sent and
 * the receiver, which sees the id as an idempotency key, can drop a duplicate.
 *
 * <p>{@code model}, {@code dataset}, {@code batch} and {@code version} are null where they do not apply;
 * {@code subject} names what the event is about in words (a drift target, {@code MODEL vN}, a step).
 */
public record AlertEvent(
    String id, Kind kind, Severity severity, String model, String dataset, String subject, String batch,
    Integer version, String summary, Timestamp decidedAt) {

  /** What happened; the labels are the {@code kinds} a route names. */
  public enum Kind {
    DRIFT, DECAY, PROMOTION_ACCEPTED, PROMOTION_REFUSED, ROLLBACK, STEP_FAILED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind parse(String label) {
      for (Kind k : values()) {
        if (k.label().equals(label)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown alert kind '" + label + "' (expected one of: "
          + String.join(", ", EsteiraConfig.Alerts.KINDS) + ")");
    }
  }

  /** How urgent; routes filter on a minimum. */
  public enum Severity {
    INFO, WARNING, CRITICAL;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Severity parse(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT));
    }
  }

  public AlertEvent {
    if (id == null || kind == null || severity == null || subject == null || summary == null) {
      throw new IllegalArgumentException("an alert event needs an id, a kind, a severity, a subject and a summary");
    }
  }

  /** Drift of a target ({@code dataset:NAME}, {@code model:NAME:vN}) on a batch: one event for all its columns. */
  public static AlertEvent drift(String model, String dataset, String target, String batch, String summary) {
    return of(Kind.DRIFT, Severity.WARNING, model, dataset, target, batch, null, summary, target, batch);
  }

  /**
   * Decay of a model version on a batch: realized (on labels) is critical, estimated a warning. One
   * event per version, batch, kind and metric, so a later night that measures the same decay again
   * raises nothing new.
   */
  public static AlertEvent decay(String model, int version, String batch, boolean realized, String metric, String summary) {
    return of(Kind.DECAY, realized ? Severity.CRITICAL : Severity.WARNING, model, null, model + " v" + version, batch,
        version, summary, model, Integer.toString(version), batch, realized ? "realized" : "estimated", metric);
  }

  /**
   * A promotion decided by the registry's gates: accepted (info) or refused (warning). {@code decision}
   * identifies this decision among others of the same version and stage (the registry log's sequence
   * number), so promoting again later is a new event.
   */
  public static AlertEvent promotion(String model, int version, String stage, boolean accepted, String decision,
      String summary) {
    return of(accepted ? Kind.PROMOTION_ACCEPTED : Kind.PROMOTION_REFUSED, accepted ? Severity.INFO : Severity.WARNING,
        model, null, model + " v" + version, null, version, summary, model, Integer.toString(version), stage, decision);
  }

  /** A rollback of a model's production version ({@code decision}: the registry log's sequence number). */
  public static AlertEvent rollback(String model, int version, String decision, String summary) {
    return of(Kind.ROLLBACK, Severity.CRITICAL, model, null, model + " v" + version, null, version, summary,
        model, Integer.toString(version), decision);
  }

  /**
   * A workflow step that failed for good in one run: the run id and its incarnation ({@code runAttempt})
   * identify it, so a resume that fails again at the same step raises nothing new, and a new run does.
   */
  public static AlertEvent stepFailed(String workflow, String runId, int runAttempt, String step, String error) {
    return of(Kind.STEP_FAILED, Severity.CRITICAL, null, null, workflow + "." + step, null, null,
        "workflow " + workflow + " failed at step " + step + " (run " + runId + "): " + error,
        workflow, runId, Integer.toString(runAttempt), step);
  }

  private static AlertEvent of(Kind kind, Severity severity, String model, String dataset, String subject, String batch,
      Integer version, String summary, String... identity) {
    // Unit separators between parts, so that ("a b", "c") and ("a", "b c") never share an id.
    String key = kind.label() + "\u001f" + String.join("\u001f", identity);
    String id = kind.label().replace('_', '-') + "-" + Fingerprints.sha256(key).substring(0, 24);
    return new AlertEvent(id, kind, severity, model, dataset, subject, batch, version, summary,
        Timestamp.from(Instant.now()));
  }

  /** The first line a person reads: severity, kind and summary. */
  public String title() {
    return "[esteira " + severity.label() + "] " + kind.label().replace('_', ' ') + ": " + subject
        + (batch == null ? "" : " batch " + batch);
  }

  /** The event's facts, as sent to a webhook and stored with a pending delivery (to send it again later). */
  public Map<String, Object> facts() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("kind", kind.label());
    m.put("severity", severity.label());
    m.put("model", model);
    m.put("dataset", dataset);
    m.put("subject", subject);
    m.put("batch", batch);
    m.put("version", version);
    m.put("summary", summary);
    m.put("decided_at", decidedAt.toInstant().toString());
    return m;
  }

  /** The event back from {@link #facts()} (as read from a pending delivery). */
  public static AlertEvent fromFacts(Map<String, Object> m) {
    Object v = m.get("version");
    return new AlertEvent((String) m.get("id"), Kind.parse((String) m.get("kind")), Severity.parse((String) m.get("severity")),
        (String) m.get("model"), (String) m.get("dataset"), (String) m.get("subject"), (String) m.get("batch"),
        v == null ? null : ((Number) v).intValue(), (String) m.get("summary"),
        Timestamp.from(Instant.parse((String) m.get("decided_at"))));
  }

  /** Kinds as labels, for messages. */
  static List<String> labels(List<AlertEvent> events) {
    return events.stream().map(e -> e.kind().label()).distinct().toList();
  }
}
