package dev.esteira.ct;

import java.util.List;
import java.util.Locale;

/**
 * What a rollout does at one look, from the comparison of challenger and champion (plain Java, so every
 * rule is tested without Spark). In order: too few labelled rows, wait; the interval below zero (the
 * challenger is worse), roll back; the interval above {@code min_delta} at the last share (or in an
 * A/B test), promote; the interval above {@code -max_loss} before the last share of a canary (not worse
 * by more than that), widen to the next share; otherwise hold. A look acts only when its interval
 * excludes the threshold it crosses, and the interval is a confidence sequence, so looking every night
 * keeps the chance of a wrong promotion or rollback at {@code alpha}.
 */
public record RolloutDecision(Action action, double share, double nextShare, ConfidenceSequence.Look look,
    long rowsNeeded, String reason) {

  public enum Action {
    WAIT, HOLD, WIDEN, PROMOTE, ROLLBACK;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Decides at share {@code share} (one of the rollout's shares) on {@code look}. */
  public static RolloutDecision decide(Rollout rollout, double share, ConfidenceSequence.Look look) {
    return decide(rollout, share, look, -1);
  }

  /**
   * Decides as {@link #decide(Rollout, double, ConfidenceSequence.Look)}, where the challenger was last
   * widened on {@code movedOnRows} labelled rows (-1: never): a widening or promotion needs more labelled
   * rows than that, so a night run again after its look widened (same labels, the new share) holds instead
   * of moving a second time; a rollback, which protects, needs no new rows.
   */
  public static RolloutDecision decide(Rollout rollout, double share, ConfidenceSequence.Look look, long movedOnRows) {
    RolloutDecision d = decideOnLook(rollout, share, look);
    if ((d.action() == Action.WIDEN || d.action() == Action.PROMOTE) && look.rows() <= movedOnRows) {
      return new RolloutDecision(Action.HOLD, share, share, look, movedOnRows + 1 - look.rows(),
          "the last widening already rested on " + movedOnRows + " labelled rows (this look has " + look.rows()
              + "): the next move needs new labels");
    }
    return d;
  }

  private static RolloutDecision decideOnLook(Rollout rollout, double share, ConfidenceSequence.Look look) {
    List<Double> shares = rollout.shares();
    int at = shares.indexOf(share);
    boolean last = at < 0 || at == shares.size() - 1;
    double alpha = rollout.alpha();
    long planned = rollout.plannedLabelled();
    String interval = String.format(Locale.ROOT, "difference %+.4f, %.0f%% confidence sequence [%+.4f, %+.4f] on %d labelled rows",
        look.estimate(), 100 * (1 - alpha), look.lower(), look.upper(), look.rows());
    if (look.rows() < rollout.minLabelled()) {
      return new RolloutDecision(Action.WAIT, share, share, look, rollout.minLabelled() - look.rows(),
          look.rows() + " labelled rows, a decision needs " + rollout.minLabelled());
    }
    if (look.upper() < 0) {
      return new RolloutDecision(Action.ROLLBACK, share, 0, look, 0, "worse than the champion: " + interval);
    }
    if (last && look.lower() > rollout.minDelta()) {
      return new RolloutDecision(Action.PROMOTE, share, 100, look, 0,
          "better than the champion by more than " + rollout.minDelta() + ": " + interval);
    }
    if (!last && look.lower() > -rollout.maxLoss()) {
      double next = shares.get(at + 1);
      return new RolloutDecision(Action.WIDEN, share, next, look, 0, "not worse than the champion by more than "
          + rollout.maxLoss() + ": " + interval + "; widened from " + Rollout.percent(share) + "% to " + Rollout.percent(next) + "%");
    }
    // Hold: the rows still needed, if the estimate and its spread hold, for the nearest decision the
    // estimate points at (a rollback below 0, a widening above -max_loss, a promotion above min_delta).
    long needed = -1;
    List<Double> thresholds = new java.util.ArrayList<>();
    if (look.estimate() < 0) {
      thresholds.add(0.0);
    }
    if (!last && look.estimate() > -rollout.maxLoss()) {
      thresholds.add(-rollout.maxLoss());
    }
    if (last && look.estimate() > rollout.minDelta()) {
      thresholds.add(rollout.minDelta());
    }
    for (double t : thresholds) {
      long n = ConfidenceSequence.rowsNeeded(look, t, planned, alpha);
      if (n >= 0 && (needed < 0 || n < needed)) {
        needed = n;
      }
    }
    return new RolloutDecision(Action.HOLD, share, share, look, needed, interval + "; "
        + (needed < 0 ? "no number of rows decides while the estimate sits where it is"
            : "about " + needed + " more labelled rows to decide if the estimate holds"));
  }
}
