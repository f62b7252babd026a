package dev.esteira.registry;

import dev.esteira.lake.Rows;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

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

  /** A new row of the log, before its commit gives it a sequence number. */
  static Transition of(ModelVersion v, Kind kind, Stage from, Stage to, String name, String value,
      Integer previousVersion, boolean accepted, String actor, String reason, List<GateResult> gates,
      Timestamp at) {
    return new Transition(v.model(), 0, 0, v.version(), kind, from, to, name, value, previousVersion,
        accepted, actor, reason, gates, at);
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

  Row toRow() {
    List<Row> gateRows = new ArrayList<>();
    for (GateResult g : gates) {
      gateRows.add(RowFactory.create(g.check(), g.value(), g.threshold(), g.passed()));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("seq", seq);
    m.put("ordinal", ordinal);
    m.put("version", version);
    m.put("kind", kind.label());
    m.put("from_stage", fromStage == null ? null : fromStage.label());
    m.put("to_stage", toStage == null ? null : toStage.label());
    m.put("name", name);
    m.put("value", value);
    m.put("previous_version", previousVersion);
    m.put("accepted", accepted);
    m.put("actor", actor);
    m.put("reason", reason);
    m.put("gate_results", gateRows);
    m.put("at", at);
    return Rows.of(RegistryTables.TRANSITIONS.schema(), m);
  }

  static Transition of(Row r) {
    List<GateResult> gates = new ArrayList<>();
    List<Row> raw = r.isNullAt(r.fieldIndex("gate_results")) ? List.of() : r.getList(r.fieldIndex("gate_results"));
    for (Row g : raw) {
      gates.add(new GateResult(g.getAs("check"), g.getAs("value"), g.getAs("threshold"), g.<Boolean>getAs("passed")));
    }
    String from = r.getAs("from_stage");
    String to = r.getAs("to_stage");
    return new Transition(
        r.getAs("model"), r.<Long>getAs("seq"), r.<Integer>getAs("ordinal"), r.<Integer>getAs("version"),
        Kind.parse(r.getAs("kind")), from == null ? null : Stage.parse(from), to == null ? null : Stage.parse(to),
        r.getAs("name"), r.getAs("value"), r.getAs("previous_version"), r.<Boolean>getAs("accepted"),
        r.getAs("actor"), r.getAs("reason"), gates, r.getAs("at"));
  }
}
