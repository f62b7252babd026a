package dev.esteira.monitor;

import java.util.Locale;

/**
 * An alert raised by monitoring, as a value: what kind it is (drift of a column, realized or estimated
 * decay of a model version), the metric and column, the value and the threshold it crossed, and the
 * decision in words; for decay the model version it is about. Whoever reacts to an alert tests its {@link Kind}, never the text of its message.
 */
public record Alert(Kind kind, String subject, String batch, String metric, String column, Double value,
    Double threshold, String decision, Integer version) {

  /** An alert about no particular model version (drift of a dataset's column). */
  public Alert(Kind kind, String subject, String batch, String metric, String column, Double value, Double threshold,
      String decision) {
    this(kind, subject, batch, metric, column, value, threshold, decision, null);
  }

  public enum Kind {
    DRIFT, REALIZED_DECAY, ESTIMATED_DECAY;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
  }

  /** A decay measured on labels that have arrived (not an estimate). */
  public boolean isRealizedDecay() {
    return kind == Kind.REALIZED_DECAY;
  }

  /** The alert in words, as logged and reported. */
  public String message() {
    return decision;
  }

  @Override
  public String toString() {
    return decision;
  }
}
