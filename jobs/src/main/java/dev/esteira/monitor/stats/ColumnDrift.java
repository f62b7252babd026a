package dev.esteira.monitor.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares one column's current profile with a reference profile under a {@link DriftPolicy}: every
 * metric with its value, error bound, threshold and status. Never throws on real data: NaN, infinities,
 * constants, all-null columns and empty or one-row batches each give a defined status.
 */
public final class ColumnDrift {
  private ColumnDrift() {}

  /** The status of a metric. Only {@link #DRIFT} can alert. */
  public enum Status {
    OK("ok"), DRIFT("drift"), INCONCLUSIVE("inconclusive"), INSUFFICIENT_DATA("insufficient_data"),
    INFO("info");

    public final String label;

    Status(String label) {
      this.label = label;
    }
  }

  /**
   * One metric of one column. {@code alerting}: this metric decides the column's drift and says drift.
   * {@code value} is NaN when it cannot be computed (then the status says why). {@code exact}: the value
   * was recomputed from the batches' rows because the sketch's bound straddled the threshold
   * ({@link #resolveNumeric}); a value from sketches that hold every value has error bound 0 instead.
   */
  public record Metric(
      String metric, double value, Double errorBound, Double threshold, Status status, boolean alerting,
      boolean exact) {
    public Metric(String metric, double value, Double errorBound, Double threshold, Status status, boolean alerting) {
      this(metric, value, errorBound, threshold, status, alerting, false);
    }
  }

  /** The metrics {@link #resolveNumeric} recomputes: those an inconclusive numeric decision rests on. */
  public static final java.util.Set<String> RESOLVED = java.util.Set.of("ks", "ks_p", "wasserstein");

  /** True when a column's metrics hold a decision that flipped inside a sketch's error bound. */
  public static boolean inconclusive(List<Metric> metrics) {
    return metrics.stream().anyMatch(m -> m.status() == Status.INCONCLUSIVE);
  }

  /**
   * The KS and Wasserstein metrics of a numeric column recomputed from the raw finite values of both
   * sides ({@code reference} and {@code current}, e.g. {@link WeightedSample#ofValues}), decided by the
   * same rule as {@link #numeric}, error bound 0 and marked exact. {@code scaleOf} is the reference
   * profile the sketch comparison scaled Wasserstein by (its moments are exact).
   */
  public static List<Metric> resolveNumeric(
      NumericProfile scaleOf, WeightedSample reference, WeightedSample current, DriftPolicy policy) {
    double d = SketchStatistics.ks(reference, current);
    double p = SketchStatistics.ksPValue(d, reference.total(), current.total());
    double wn = SketchStatistics.wasserstein(reference, current) / SketchStatistics.scale(scaleOf);
    double wThreshold = policy.threshold("wasserstein");
    boolean small = Math.min(reference.total(), current.total()) <= policy.smallSampleRows();
    Status test = p < policy.pValue() ? Status.DRIFT : Status.OK;
    Status distance = wn > wThreshold ? Status.DRIFT : Status.OK;
    Status decision = small ? test : both(test, distance);
    return List.of(
        new Metric("ks", d, 0.0, null, Status.INFO, false, true),
        new Metric("ks_p", p, null, policy.pValue(), small ? test : Status.INFO, small && decision == Status.DRIFT,
            true),
        new Metric("wasserstein", wn, 0.0, wThreshold, small ? Status.INFO : decision,
            !small && decision == Status.DRIFT, true));
  }

  public static List<Metric> numeric(NumericProfile ref, NumericProfile cur, DriftPolicy policy) {
    List<Metric> out = new ArrayList<>();
    if (ref.rows() < policy.minRows() || cur.rows() < policy.minRows()) {
      out.add(insufficient("rows", Math.min(ref.rows(), cur.rows()), policy.minRows()));
      return out;
    }
    out.addAll(rate("null_rate", ref.nulls(), ref.rows(), cur.nulls(), cur.rows(), policy));
    long refOdd = ref.nans() + ref.posInf() + ref.negInf();
    long curOdd = cur.nans() + cur.posInf() + cur.negInf();
    out.addAll(rate("nan_rate", refOdd, ref.rows(), curOdd, cur.rows(), policy));
    if (ref.finite() < policy.minRows() || cur.finite() < policy.minRows()) {
      out.add(insufficient("values", Math.min(ref.finite(), cur.finite()), policy.minRows()));
      return out;
    }
    SketchStatistics.Estimate ks = SketchStatistics.ks(ref, cur);
    double p = SketchStatistics.ksPValue(ks.value(), ref.finite(), cur.finite());
    // The p-value falls as D grows: the interval of D maps to [p(D+b), p(D-b)].
    double pLow = SketchStatistics.ksPValue(Math.min(1, ks.upper()), ref.finite(), cur.finite());
    double pHigh = SketchStatistics.ksPValue(Math.max(0, ks.lower()), ref.finite(), cur.finite());
    double scale = SketchStatistics.scale(ref);
    SketchStatistics.Estimate w = SketchStatistics.wasserstein(ref, cur);
    double wn = w.value() / scale;
    double wb = w.bound() / scale;
    double wThreshold = policy.threshold("wasserstein");
    boolean small = Math.min(ref.finite(), cur.finite()) <= policy.smallSampleRows();

    Status test = decide(pLow < policy.pValue(), pHigh < policy.pValue());
    Status distance = decide(wn - wb > wThreshold, wn + wb > wThreshold);
    Status decision = small ? test : both(test, distance);
    out.add(new Metric("ks", ks.value(), ks.bound(), null, Status.INFO, false));
    out.add(new Metric("ks_p", p, null, policy.pValue(), small ? test : statusOf(test), small && decision == Status.DRIFT));
    out.add(new Metric("wasserstein", wn, wb, wThreshold, small ? Status.INFO : decision,
        !small && decision == Status.DRIFT));

    double[] edges = SketchStatistics.referenceEdges(ref, policy.bins());
    long[] rb = SketchStatistics.binCounts(ref.sample(), edges);
    long[] cb = SketchStatistics.binCounts(cur.sample(), edges);
    Double binBound = ref.exact() && cur.exact() ? 0.0 : null;
    double psi = SketchStatistics.psi(rb, cb);
    out.add(new Metric("psi", psi, binBound, policy.threshold("psi"), Status.INFO, false));
    out.add(new Metric("js", SketchStatistics.jensenShannon(rb, cb), binBound, policy.threshold("js"), Status.INFO, false));
    out.add(new Metric("mean_shift", (cur.mean() - ref.mean()) / scale, 0.0, null, Status.INFO, false));
    out.add(new Metric("out_of_range", outOfRange(ref, cur), cur.rankError(), null, Status.INFO, false));
    return out;
  }

  public static List<Metric> categorical(CategoricalProfile ref, CategoricalProfile cur, DriftPolicy policy) {
    List<Metric> out = new ArrayList<>();
    if (ref.rows() < policy.minRows() || cur.rows() < policy.minRows()) {
      out.add(insufficient("rows", Math.min(ref.rows(), cur.rows()), policy.minRows()));
      return out;
    }
    out.addAll(rate("null_rate", ref.nulls(), ref.rows(), cur.nulls(), cur.rows(), policy));
    if (ref.nonNull() < policy.minRows() || cur.nonNull() < policy.minRows()) {
      out.add(insufficient("values", Math.min(ref.nonNull(), cur.nonNull()), policy.minRows()));
      return out;
    }
    SketchStatistics.Aligned a = SketchStatistics.align(ref, cur);
    SketchStatistics.ChiSquare chi = SketchStatistics.chiSquare(a.reference(), a.current());
    double js = SketchStatistics.jensenShannon(a.reference(), a.current());
    boolean small = Math.min(ref.nonNull(), cur.nonNull()) <= policy.smallSampleRows();
    double jsThreshold = policy.threshold("js");
    Status test = chi.pValue() < policy.pValue() ? Status.DRIFT : Status.OK;
    Status distance = js > jsThreshold ? Status.DRIFT : Status.OK;
    Status decision = small ? test : both(test, distance);
    // Estimated counts (beyond the cap) shift each proportion by at most maxError/n.
    Double bound = ref.exact() && cur.exact() ? 0.0 : null;
    out.add(new Metric("chi_square_p", chi.pValue(), bound, policy.pValue(), small ? test : statusOf(test),
        small && decision == Status.DRIFT));
    out.add(new Metric("cramers_v", chi.cramersV(), bound, null, Status.INFO, false));
    out.add(new Metric("js", js, bound, jsThreshold, small ? Status.INFO : decision, !small && decision == Status.DRIFT));
    out.add(new Metric("psi", SketchStatistics.psi(a.reference(), a.current()), bound, policy.threshold("psi"),
        Status.INFO, false));
    return out;
  }

  /** Share of the current finite values outside the reference's [min, max]. */
  static double outOfRange(NumericProfile ref, NumericProfile cur) {
    WeightedSample s = cur.sample();
    long outside = 0;
    for (int i = 0; i < s.values().length; i++) {
      if (s.values()[i] < ref.min() || s.values()[i] > ref.max()) {
        outside += s.weights()[i];
      }
    }
    return (double) outside / s.total();
  }

  private static List<Metric> rate(String name, long x1, long n1, long x2, long n2, DriftPolicy policy) {
    double diff = (double) x2 / n2 - (double) x1 / n1;
    double p = SketchStatistics.proportionPValue(x1, n1, x2, n2);
    double threshold = policy.threshold(name);
    boolean drift = p < policy.pValue() && Math.abs(diff) >= threshold;
    return List.of(new Metric(name, diff, 0.0, threshold, drift ? Status.DRIFT : Status.OK, drift));
  }

  private static Metric insufficient(String what, long have, int need) {
    return new Metric("min_" + what, have, null, (double) need, Status.INSUFFICIENT_DATA, false);
  }

  /** DRIFT if sure, INCONCLUSIVE if only the favourable end of the error bound says drift. */
  private static Status decide(boolean surely, boolean possibly) {
    return surely ? Status.DRIFT : possibly ? Status.INCONCLUSIVE : Status.OK;
  }

  private static Status both(Status a, Status b) {
    if (a == Status.OK || b == Status.OK) {
      return Status.OK;
    }
    return a == Status.DRIFT && b == Status.DRIFT ? Status.DRIFT : Status.INCONCLUSIVE;
  }

  /** A test that does not decide alone is reported, not alerted on. */
  private static Status statusOf(Status s) {
    return Status.INFO;
  }
}
