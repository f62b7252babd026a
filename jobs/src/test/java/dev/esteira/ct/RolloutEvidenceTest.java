package dev.esteira.ct;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.commons.math3.stat.descriptive.moment.Variance;
import org.junit.jupiter.api.Test;

/**
 * The evidence of a canary: the confidence sequence against independent computations (commons-math3),
 * the rows still needed, and the policy under repeated nightly looks, simulated (plain Java, no Spark).
 */
class RolloutEvidenceTest {
  static final double ALPHA = 0.05;

  static Rollout canary() {
    return new Rollout("canary", null, null, null, null, ALPHA, 0.0, 0.01, 200L, 2000L);
  }

  /**
   * The closed-form boundary is where the normal mixture of likelihood ratios reaches 1/alpha: that
   * mixture integrated numerically (a trapezoid sum) and solved for the boundary (Brent).
   */
  @Test
  void theBoundaryIsWhereTheMixtureMartingaleReachesOneOverAlpha() {
    for (double[] c : new double[][] {{50, 10}, {2_000, 300}, {40_000, 1_000}, {1e6, 5e4}}) {
      double info = c[0];
      double r = c[1];
      double peakScale = 1 / Math.sqrt(info + r);
      // The mixture by brute force: a trapezoid sum over 40 000 points spanning +-40 of the integrand's widths.
      java.util.function.DoubleUnaryOperator mixture = s -> {
        double centre = s / (info + r);
        int points = 40_000;
        double from = centre - 40 * peakScale;
        double step = 80 * peakScale / points;
        double total = 0;
        for (int i = 0; i <= points; i++) {
          double l = from + i * step;
          double f = Math.exp(l * s - l * l * info / 2) * Math.sqrt(r / (2 * Math.PI)) * Math.exp(-r * l * l / 2);
          total += (i == 0 || i == points ? 0.5 : 1) * f;
        }
        return total * step;
      };
      double boundary = new BrentSolver(1e-12).solve(10_000, s -> Math.log(mixture.applyAsDouble(s)) - Math.log(1 / ALPHA),
          0, 100 * Math.sqrt(info + r));
      assertEquals(boundary / info, ConfidenceSequence.halfWidth(info, r, ALPHA), 1e-7 * boundary / info, "I=" + info + " r=" + r);
    }
  }

  @Test
  void pairedAndCohortEstimatesAgreeWithCommonsMathAndContainTheFixedSampleInterval() {
    SplittableRandom rnd = new SplittableRandom(11);
    double z = new NormalDistribution().inverseCumulativeProbability(1 - ALPHA / 2);
    for (int n : new int[] {200, 1_000, 5_000}) {
      double[] d = new double[n];
      double sum = 0, sq = 0;
      for (int i = 0; i < n; i++) {
        d[i] = (rnd.nextDouble() < 0.83 ? 1 : 0) - (rnd.nextDouble() < 0.80 ? 1 : 0);
        sum += d[i];
        sq += d[i] * d[i];
      }
      ConfidenceSequence.Look look = ConfidenceSequence.paired(n, sum, sq, 2000, ALPHA);
      double mean = new Mean().evaluate(d);
      double var = new Variance().evaluate(d) / n;
      assertEquals(mean, look.estimate(), 1e-12);
      assertEquals(var, look.variance(), 1e-12);
      // Valid at every look costs width: the sequence contains the fixed-sample interval at each n.
      assertTrue(look.lower() < mean - z * Math.sqrt(var) && look.upper() > mean + z * Math.sqrt(var), look.toString());
      assertEquals(mean, (look.lower() + look.upper()) / 2, 1e-12);

      int n2 = 3 * n;
      double[] a = new double[n];
      double[] b = new double[n2];
      double s1 = 0, q1 = 0, s2 = 0, q2 = 0;
      for (int i = 0; i < n; i++) {
        a[i] = rnd.nextGaussian() * 2 + 1;
        s1 += a[i];
        q1 += a[i] * a[i];
      }
      for (int i = 0; i < n2; i++) {
        b[i] = rnd.nextGaussian() * 3;
        s2 += b[i];
        q2 += b[i] * b[i];
      }
      ConfidenceSequence.Look two = ConfidenceSequence.cohorts(n, s1, q1, n2, s2, q2, 2000, ALPHA);
      assertEquals(new Mean().evaluate(a) - new Mean().evaluate(b), two.estimate(), 1e-9);
      double v2 = new Variance().evaluate(a) / n + new Variance().evaluate(b) / n2;
      assertEquals(v2, two.variance(), 1e-9);
      assertTrue(two.lower() < two.estimate() - z * Math.sqrt(v2));
    }
  }

  /** The rows said to be needed are the fewest at which, the estimate and spread holding, it decides. */
  @Test
  void rowsNeededIsTheFewestThatDecide() {
    ConfidenceSequence.Look look = ConfidenceSequence.paired(400, 12, 140, 2000, ALPHA); // +0.03, wide
    assertTrue(look.lower() < 0);
    long needed = ConfidenceSequence.rowsNeeded(look, 0, 2000, ALPHA);
    assertTrue(needed > 0);
    double perRow = look.variance() * look.rows();
    // Brute force: the same mean and per-row variance at n rows, through the public look.
    java.util.function.LongFunction<ConfidenceSequence.Look> at = n -> {
      double mean = look.estimate();
      double sumSq = perRow * (n - 1) + n * mean * mean;
      return ConfidenceSequence.paired(n, mean * n, sumSq, 2000, ALPHA);
    };
    long first = -1;
    for (long n = look.rows(); n < 1_000_000 && first < 0; n++) {
      ConfidenceSequence.Look l = at.apply(n);
      // The plan fixes the mixing at the look's per-row variance; the brute force keeps that variance.
      if (l.lower() > 0) {
        first = n;
      }
    }
    assertEquals(first - look.rows(), needed, 2.0);
    assertEquals(-1, ConfidenceSequence.rowsNeeded(ConfidenceSequence.paired(400, 0, 140, 2000, ALPHA), 0, 2000, ALPHA));
  }

  record Run(List<RolloutDecision.Action> actions, List<Double> shares) {
    RolloutDecision.Action last() {
      return actions.get(actions.size() - 1);
    }
  }

  /**
   * One canary, night by night: each night {@code perNight} labelled rows scored by both (shadow on),
   * each version right with its own probability; the policy looks at all rows so far every night.
   */
  static Run simulate(Rollout rollout, double champion, double challenger, int nights, int perNight, SplittableRandom rnd) {
    long n = 0;
    double sum = 0, sq = 0;
    double share = rollout.shares().get(0);
    List<RolloutDecision.Action> actions = new ArrayList<>();
    List<Double> shares = new ArrayList<>(List.of(share));
    for (int night = 0; night < nights; night++) {
      for (int i = 0; i < perNight; i++) {
        double d = (rnd.nextDouble() < challenger ? 1 : 0) - (rnd.nextDouble() < champion ? 1 : 0);
        n++;
        sum += d;
        sq += d * d;
      }
      RolloutDecision dec = RolloutDecision.decide(rollout,  share, ConfidenceSequence.paired(n, sum, sq,
          rollout.plannedLabelled(), rollout.alpha()));
      actions.add(dec.action());
      if (dec.action() == RolloutDecision.Action.PROMOTE || dec.action() == RolloutDecision.Action.ROLLBACK) {
        break;
      }
      if (dec.action() == RolloutDecision.Action.WIDEN) {
        share = dec.nextShare();
        shares.add(share);
      }
    }
    return new Run(actions, shares);
  }

  /**
   * Under no difference, 30 nightly looks at 100 new labelled rows each keep the false promotions at or
   * under alpha (and the false rollbacks too); the control, a fixed-sample 95 % interval looked at every
   * night, promotes far more often, so the simulation can tell a procedure that is not valid.
   */
  @Test
  void repeatedLooksUnderNoDifferenceKeepFalsePromotionsAtAlpha() {
    SplittableRandom rnd = new SplittableRandom(2026);
    int runs = 1_000;
    int promoted = 0, rolledBack = 0, naive = 0;
    double z = new NormalDistribution().inverseCumulativeProbability(1 - ALPHA / 2);
    for (int k = 0; k < runs; k++) {
      SplittableRandom seed = rnd.split();
      Run run = simulate(canary(), 0.8, 0.8, 30, 100, seed.split());
      promoted += run.last() == RolloutDecision.Action.PROMOTE ? 1 : 0;
      rolledBack += run.last() == RolloutDecision.Action.ROLLBACK ? 1 : 0;
      // The control on the same kind of data: promote the first night the fixed-sample interval is above 0.
      SplittableRandom c = seed.split();
      long n = 0;
      double sum = 0, sq = 0;
      for (int night = 0; night < 30; night++) {
        for (int i = 0; i < 100; i++) {
          double d = (c.nextDouble() < 0.8 ? 1 : 0) - (c.nextDouble() < 0.8 ? 1 : 0);
          n++;
          sum += d;
          sq += d * d;
        }
        double mean = sum / n;
        double se = Math.sqrt(ConfidenceSequence.variance(n, sum, sq) / n);
        if (n >= 200 && mean - z * se > 0) {
          naive++;
          break;
        }
      }
    }
    assertTrue(promoted <= ALPHA * runs, "false promotions " + promoted + " of " + runs);
    assertTrue(rolledBack <= ALPHA * runs, "false rollbacks " + rolledBack + " of " + runs);
    assertTrue(naive > ALPHA * runs, "the naive nightly interval should exceed alpha, got " + naive + " of " + runs);
  }

  @Test
  void aWorseChallengerIsRolledBackABetterOneWidenedThenPromoted() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int k = 0; k < 20; k++) {
      Run worse = simulate(canary(), 0.80, 0.70, 30, 300, rnd.split());
      assertEquals(RolloutDecision.Action.ROLLBACK, worse.last(), worse.toString());
      assertFalse(worse.actions().contains(RolloutDecision.Action.PROMOTE), worse.toString());

      Run better = simulate(canary(), 0.80, 0.88, 30, 300, rnd.split());
      assertEquals(RolloutDecision.Action.PROMOTE, better.last(), better.toString());
      assertEquals(List.of(5.0, 25.0, 50.0, 100.0), better.shares(), "widened step by step, then promoted");
    }
  }

  @Test
  void theRulesInOrder() {
    Rollout r = canary();
    // Too few rows: wait, and say how many more.
    RolloutDecision wait = RolloutDecision.decide(r, 5, ConfidenceSequence.paired(150, 30, 60, 2000, ALPHA));
    assertEquals(RolloutDecision.Action.WAIT, wait.action());
    assertEquals(50, wait.rowsNeeded());
    // Clearly better at 50 %: widened to 100 %, not promoted before the last step.
    RolloutDecision widen = RolloutDecision.decide(r, 50, ConfidenceSequence.paired(1000, 100, 200, 2000, ALPHA));
    assertEquals(RolloutDecision.Action.WIDEN, widen.action());
    assertEquals(100.0, widen.nextShare());
    assertEquals(RolloutDecision.Action.PROMOTE,
        RolloutDecision.decide(r, 100, ConfidenceSequence.paired(1000, 100, 200, 2000, ALPHA)).action());
    // An undecided look holds and says how many rows it still needs.
    RolloutDecision hold = RolloutDecision.decide(r, 100, ConfidenceSequence.paired(400, 8, 140, 2000, ALPHA));
    assertEquals(RolloutDecision.Action.HOLD, hold.action());
    assertTrue(hold.rowsNeeded() > 0, hold.toString());
    // An A/B test never widens: better is promoted at its one share.
    Rollout ab = new Rollout("ab", null, 30.0, null, null, ALPHA, 0.0, 0.01, 200L, 2000L);
    assertEquals(RolloutDecision.Action.PROMOTE,
        RolloutDecision.decide(ab, 30, ConfidenceSequence.paired(1000, 100, 200, 2000, ALPHA)).action());
  }
}
