package dev.esteira.explain;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Permutation importance and attribution drift in plain Java. The model is fitted in the test by least
 * squares on generated data where the generator makes one column dominant, one minor and one irrelevant;
 * the metric's AUC is checked against counting every pair.
 */
class ImportanceTest {
  static final Slots SLOTS = Slots.of(new java.util.LinkedHashMap<>(java.util.Map.of("dominant", 1)) {{
    put("minor", 1);
    put("irrelevant", 1);
  }});

  /** Rows of (dominant, minor, irrelevant) and y = 5·dominant + 1·minor + noise; {@code dominantScale} shrinks dominant. */
  static double[][] rows(Random rnd, int n, double dominantScale) {
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      x[i] = new double[] {rnd.nextGaussian() * dominantScale, rnd.nextGaussian(), rnd.nextGaussian()};
    }
    return x;
  }

  static double[] labels(double[][] x, Random rnd) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = 5 * x[i][0] + x[i][1] + rnd.nextGaussian() * 0.5;
    }
    return y;
  }

  /** Ordinary least squares with an intercept (normal equations, Gaussian elimination). */
  static double[] ols(double[][] x, double[] y) {
    int k = x[0].length + 1;
    double[][] a = new double[k][k + 1];
    for (int i = 0; i < x.length; i++) {
      double[] z = new double[k];
      z[0] = 1;
      System.arraycopy(x[i], 0, z, 1, k - 1);
      for (int r = 0; r < k; r++) {
        for (int c = 0; c < k; c++) {
          a[r][c] += z[r] * z[c];
        }
        a[r][k] += z[r] * y[i];
      }
    }
    for (int p = 0; p < k; p++) {
      for (int r = p + 1; r < k; r++) {
        double f = a[r][p] / a[p][p];
        for (int c = p; c <= k; c++) {
          a[r][c] -= f * a[p][c];
        }
      }
    }
    double[] b = new double[k];
    for (int r = k - 1; r >= 0; r--) {
      double s = a[r][k];
      for (int c = r + 1; c < k; c++) {
        s -= a[r][c] * b[c];
      }
      b[r] = s / a[r][r];
    }
    return b;
  }

  static Importance.Predictor linear(double[] b) {
    return x -> {
      double v = b[0] + b[1] * x[0] + b[2] * x[1] + b[3] * x[2];
      return new double[] {v, v};
    };
  }

  @Test
  void theDominantColumnRanksFirstAndTheIrrelevantLastInEverySeed() {
    for (long seed = 1; seed <= 10; seed++) {
      Random rnd = new Random(seed);
      double[][] train = rows(rnd, 300, 1);
      double[] b = ols(train, labels(train, rnd));
      double[][] holdout = rows(rnd, 200, 1);
      double[] y = labels(holdout, rnd);
      for (String metric : List.of("rmse", "r2", "mae")) {
        Importance.Result r = Importance.permutation(SLOTS, linear(b), holdout, y, metric, 5, seed);
        assertEquals("dominant", r.columns().get(0).column(), "seed " + seed + " " + metric);
        assertEquals("irrelevant", r.columns().get(2).column(), "seed " + seed + " " + metric);
        assertTrue(r.columns().get(0).low() > r.columns().get(1).high(), "intervals apart: " + r.columns());
        assertEquals(List.of(1, 2, 3), r.columns().stream().map(Importance.Column::rank).toList());
      }
      // A classifier scored by the same fit: AUC of y > 0.
      double[] cls = java.util.Arrays.stream(y).map(v -> v > 0 ? 1 : 0).toArray();
      Importance.Predictor p = x -> {
        double v = linear(b).apply(x)[0];
        return new double[] {v, v > 0 ? 1 : 0};
      };
      for (String metric : List.of("auc_roc", "accuracy")) {
        Importance.Result r = Importance.permutation(SLOTS, p, holdout, cls, metric, 5, seed);
        assertEquals("dominant", r.columns().get(0).column(), "seed " + seed + " " + metric);
        assertEquals("irrelevant", r.columns().get(2).column(), "seed " + seed + " " + metric);
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameImportances() {
    Random rnd = new Random(3);
    double[][] x = rows(rnd, 100, 1);
    double[] y = labels(x, rnd);
    double[] b = ols(x, y);
    assertEquals(Importance.permutation(SLOTS, linear(b), x, y, "rmse", 3, 9),
        Importance.permutation(SLOTS, linear(b), x, y, "rmse", 3, 9));
  }

  @Test
  void aucRocEqualsTheShareOfCorrectlyOrderedPairsTiesHalf() {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 20; trial++) {
      int n = 30 + rnd.nextInt(30);
      double[][] out = new double[n][];
      double[] label = new double[n];
      for (int i = 0; i < n; i++) {
        out[i] = new double[] {rnd.nextInt(8), 0};
        label[i] = rnd.nextInt(3) == 0 ? 1 : 0;
      }
      double pairs = 0;
      double won = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (label[i] == 1 && label[j] == 0) {
            pairs++;
            won += out[i][0] > out[j][0] ? 1 : out[i][0] == out[j][0] ? 0.5 : 0;
          }
        }
      }
      assertEquals(won / pairs, HoldoutMetric.of("auc_roc", out, label), 1e-12);
    }
  }

  @Test
  void aShiftThatMakesTheDominantColumnNearlyConstantIsAttributionDriftAndTheSameDataIsNot() {
    for (long seed = 1; seed <= 5; seed++) {
      Random rnd = new Random(seed);
      double[][] train = rows(rnd, 300, 1);
      double[] b = ols(train, labels(train, rnd));
      double[][] holdout = rows(rnd, 200, 1);
      Importance.Result reference = Importance.permutation(SLOTS, linear(b), holdout, labels(holdout, rnd), "rmse", 5, seed);
      double[][] same = rows(rnd, 200, 1);
      Importance.Result stable = Importance.permutation(SLOTS, linear(b), same, labels(same, rnd), "rmse", 5, seed);
      // On purpose: recent rows where the dominant column barely varies, so the model cannot lean on it.
      double[][] shifted = rows(rnd, 200, 0.05);
      Importance.Result moved = Importance.permutation(SLOTS, linear(b), shifted, labels(shifted, rnd), "rmse", 5, seed);
      AttributionDrift.Verdict no = AttributionDrift.compare(ranked(reference), ranked(stable), 2, 1, 0.15);
      AttributionDrift.Verdict yes = AttributionDrift.compare(ranked(reference), ranked(moved), 2, 1, 0.15);
      assertFalse(no.drift(), "seed " + seed + ": " + no.moves());
      assertTrue(yes.drift(), "seed " + seed + ": " + yes.moves());
      assertTrue(yes.evidence().contains("dominant rank 1→"), yes.evidence());
    }
  }

  @Test
  void sharesClipNegativeImportanceAndRanksBeyondTheListCountAsLast() {
    var ref = List.of(new AttributionDrift.Ranked("a", 0.6, 1), new AttributionDrift.Ranked("b", 0.2, 2),
        new AttributionDrift.Ranked("c", -0.1, 3));
    assertEquals(0.75, AttributionDrift.shares(ref).get("a"), 1e-12);
    assertEquals(0.0, AttributionDrift.shares(ref).get("c"), 1e-12);
    var now = List.of(new AttributionDrift.Ranked("b", 0.5, 1), new AttributionDrift.Ranked("a", 0.5, 2));
    AttributionDrift.Verdict v = AttributionDrift.compare(ref, now, 1, 5, 0.2);
    // a: share 0.75 → 0.5 (moved 0.25 > 0.2); b: 0.25 → 0.5 (0.25 > 0.2).
    assertTrue(v.drift());
    assertEquals(2, v.moves().stream().filter(AttributionDrift.Move::beyond).count());
  }

  static List<AttributionDrift.Ranked> ranked(Importance.Result r) {
    return r.columns().stream().map(c -> new AttributionDrift.Ranked(c.column(), c.mean(), c.rank())).toList();
  }
}
