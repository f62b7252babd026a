package dev.esteira.registry;

import java.sql.Timestamp;
import java.util.List;

/**
 * One row of {@code model_transitions}: a change of a version's stage, alias, tag or description, accepted
 * or refused. {@code seq} numbers a model's commits to the log (every row of one commit shares it) and
 * {@code ordinal} orders the rows of one commit.
 */
public record Transition(
    String model, long seq, int ordinal, int version, Kind kind, Stage fromStage, Stage toStage,
    String name, String value, Integer previousVersion, boolean accepted, String actor, String reason,
    List<GateResult> gates, Timestamp at) {

  public enum Kind {
    /** A stage change: from_stage to to_stage. */
    STAGE,
    /** An alias ({@code name}) now points at this version; previous_version held it before. */
    ALIAS,
    /** An alias ({@code name}) was taken off this version. */
    ALIAS_REMOVED,
    /** A tag {@code name} = {@code value} set on the version. */
    TAG,
    /** A tag {@code name} removed from the version. */
    TAG_REMOVED,
    /** The version's description set to {@code value}. */
    DESCRIPTION;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Kind parse(String s) {
      return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
  }

  public Transition {
    gates = gates == null ? List.of() : List.copyOf(gates);
  }

  // The factories below build a new row of the log, before its commit gives it a sequence number (seq
  // and ordinal 0): one per kind, so that no caller passes the columns another kind leaves empty.

  /** A move of a version from one stage to another, with the gates checked for it; refused when not accepted. */
  static Transition stageChange(ModelVersion v, Stage from, Stage to, boolean accepted, String actor,
      String reason, List<GateResult> gates, Timestamp at) {
    return stageChange(v.model(), v.version(), from, to, accepted, actor, reason, gates, at);
  }

  /** The same, for a version known by number only (a migration of the log). */
  static Transition stageChange(String model, int version, Stage from, Stage to, boolean accepted, String actor,
      String reason, List<GateResult> gates, Timestamp at) {
    return new Transition(model, 0, 0, version, Kind.STAGE, from, to, null, null, null, accepted, actor, reason,
        gates, at);
  }

  /** {@code alias} now points at the version; {@code previousHolder} held it before (null: none). */
  static Transition aliasSet(ModelVersion v, String alias, Integer previousHolder, String actor, String reason,
      Timestamp at) {
    return new Transition(v.model(), 0, 0, v.version(), Kind.ALIAS, null, null, alias, null, previousHolder, true,
        actor, reason, List.of(), at);
  }

  /** {@code alias} taken off the version that holds it. */
  static Transition aliasRemoved(ModelVersion v, String alias, String actor, String reason, Timestamp at) {
    return new Transition(v.model(), 0, 0, v.version(), Kind.ALIAS_REMOVED, null, null, alias, null, null, true,
        actor, reason, List.of(), at);
  }

  static Transition tagSet(ModelVersion v, String key, String value, String actor, Timestamp at) {
    return tagSet(v, key, value, actor, null, List.of(), at);
  }

  /** A tag set for a reason, with the evidence that decided it (recorded, never a condition: it is accepted). */
  static Transition tagSet(ModelVersion v, String key, String value, String actor, String reason,
      List<GateResult> evidence, Timestamp at) {
    return new Transition(v.model(), 0, 0, v.version(), Kind.TAG, null, null, key, value, null, true, actor, reason,
        evidence, at);
  }

  static Transition tagRemoved(ModelVersion v, String key, String actor, Timestamp at) {
    return new Transition(v.model(), 0, 0, v.version(), Kind.TAG_REMOVED, null, null, key, null, null, true, actor,
        null, List.of(), at);
  }

  /** The version's description set to {@code text} (null clears it). */
  static Transition description(ModelVersion v, String text, String actor, Timestamp at) {
    return new Transition(v.model(), 0, 0, v.version(), Kind.DESCRIPTION, null, null, null, text, null, true, actor,
        null, List.of(), at);
  }

  Transition numbered(long newSeq, int newOrdinal) {
    return new Transition(model, newSeq, newOrdinal, version, kind, fromStage, toStage, name, value,
        previousVersion, accepted, actor, reason, gates, at);
  }

  /** What happened, in a few words, for listings. */
  public String summary() {
    String what = switch (kind) {
      case STAGE -> fromStage.label() + " -> " + toStage.label();
      case ALIAS -> "alias " + name + (previousVersion == null ? "" : " (from v" + previousVersion + ")");
      case ALIAS_REMOVED -> "alias " + name + " removed";
      case TAG -> "tag " + name + "=" + value;
      case TAG_REMOVED -> "tag " + name + " removed";
      case DESCRIPTION -> "description set";
    };
    return what + (accepted ? "" : "  REFUSED");
  }
}
