package dev.esteira.explain;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * TreeSHAP against the definition: Shapley values by brute force over every coalition, with the
 * coalition's value E[f(x) | x_S] computed by walking the tree (own branch on features in S, both
 * branches weighted by cover otherwise), on hand-built trees and random ones, repeated features included.
 */
class TreeShapTest {
  /** v(S) for one tree: the expectation the tree gives with only the features in {@code mask} known. */
  private static double conditional(Tree t, int node, double[] x, int mask) {
    if (t.leaf(node)) {
      return t.value()[node];
    }
    if ((mask >> t.feature()[node] & 1) == 1) {
      return conditional(t, t.next(node, x), x, mask);
    }
    int l = t.left()[node];
    int r = t.right()[node];
    return (t.cover()[l] * conditional(t, l, x, mask) + t.cover()[r] * conditional(t, r, x, mask)) / t.cover()[node];
  }

  private static double[] bruteForce(Tree t, double[] x, int m) {
    double[] phi = new double[m];
    double[] fact = new double[m + 1];
    fact[0] = 1;
    for (int i = 1; i <= m; i++) {
      fact[i] = fact[i - 1] * i;
    }
    for (int i = 0; i < m; i++) {
      for (int s = 0; s < 1 << m; s++) {
        if ((s >> i & 1) == 1) {
          continue;
        }
        int size = Integer.bitCount(s);
        double weight = fact[size] * fact[m - size - 1] / fact[m];
        phi[i] += weight * (conditional(t, 0, x, s | 1 << i) - conditional(t, 0, x, s));
      }
    }
    return phi;
  }

  /** x0 <= 0.5 ? (x1 <= 1 ? 10 : 20) : (x0 <= 2 ? 30 : 40 via x2 categorical): features repeat on a path. */
  private static Tree handBuilt() {
    Tree.Builder b = new Tree.Builder();
    int root = b.split(0, 0.5);
    int a = b.split(1, 1.0);
    int a1 = b.leaf(10, 3);
    int a2 = b.leaf(20, 1);
    int c = b.split(0, 2.0);
    int c1 = b.categorical(2, 1.0, 3.0);
    int c11 = b.leaf(30, 2);
    int c12 = b.leaf(35, 2);
    int c2 = b.leaf(40, 4);
    b.children(root, a, c).children(a, a1, a2).children(c, c1, c2).children(c1, c11, c12);
    return b.build();
  }

  @Test
  void aHandBuiltTreeMatchesTheDefinitionAndItsWorkedValues() {
    Tree t = handBuilt();
    // E[f] by hand: (10*3 + 20*1 + 30*2 + 35*2 + 40*4) / 12 = 340 / 12.
    assertEquals(340.0 / 12, t.expected(), 1e-12);
    double[] x = {1.0, 5.0, 3.0};
    assertEquals(30, t.predict(x));
    double[] phi = TreeShap.values(t, x, 3);
    assertArrayEquals(bruteForce(t, x, 3), phi, 1e-9);
    // x1 is split on only in the branch x does not take, yet counts where x0 is unknown. By hand: only
    // S = {} and S = {x2} change, each by 30/12 (v({x1}) = 370/12, v({}) = 340/12; v({x1,x2}) = 360/12,
    // v({x2}) = 330/12), with Shapley weights 1/3 and 1/6: 2.5/3 + 2.5/6 = 1.25.
    assertEquals(1.25, phi[1], 1e-12);
    assertEquals(30 - 340.0 / 12, phi[0] + phi[1] + phi[2], 1e-9);
  }

  @Test
  void randomTreesMatchBruteForceAndSumToTheOutput() {
    Random rnd = new Random(19);
    for (int trial = 0; trial < 200; trial++) {
      int m = 2 + rnd.nextInt(4);
      Tree.Builder b = new Tree.Builder();
      grow(b, rnd, m, 1 + rnd.nextInt(5));
      Tree t = b.build();
      double[] x = new double[m];
      for (int j = 0; j < m; j++) {
        x[j] = rnd.nextInt(4);
      }
      double[] phi = TreeShap.values(t, x, m);
      assertArrayEquals(bruteForce(t, x, m), phi, 1e-9, "trial " + trial);
      double sum = t.expected();
      for (double p : phi) {
        sum += p;
      }
      assertEquals(t.predict(x), sum, 1e-9, "trial " + trial);
    }
  }

  private static int grow(Tree.Builder b, Random rnd, int m, int depth) {
    if (depth == 0 || rnd.nextInt(5) == 0) {
      return b.leaf(rnd.nextGaussian() * 10, 1 + rnd.nextInt(20));
    }
    int f = rnd.nextInt(m);
    int node = rnd.nextInt(4) == 0 ? b.categorical(f, rnd.nextInt(4)) : b.split(f, rnd.nextInt(4) - 0.5);
    int l = grow(b, rnd, m, depth - 1);
    int r = grow(b, rnd, m, depth - 1);
    b.children(node, l, r);
    return node;
  }

  @Test
  void anEnsembleSumsWeightedTreesAndSlotsAddUpPerColumn() {
    Random rnd = new Random(7);
    Tree.Builder b1 = new Tree.Builder();
    grow(b1, rnd, 4, 4);
    Tree.Builder b2 = new Tree.Builder();
    grow(b2, rnd, 4, 4);
    Tree t1 = b1.build();
    Tree t2 = b2.build();
    Attributor.Trees gbt = new Attributor.Trees(List.of(t1, t2), new double[] {1.0, 0.1}, 4, "prediction");
    double[] x = {1, 2, 0, 3};
    double[] phi = gbt.contributions(x);
    double[] p1 = bruteForce(t1, x, 4);
    double[] p2 = bruteForce(t2, x, 4);
    for (int j = 0; j < 4; j++) {
      assertEquals(p1[j] + 0.1 * p2[j], phi[j], 1e-9);
    }
    assertEquals(t1.predict(x) + 0.1 * t2.predict(x), gbt.base() + phi[0] + phi[1] + phi[2] + phi[3], 1e-9);
    // Slots 1 and 2 are one categorical column's one-hot slots: its contribution is their sum.
    Slots slots = Slots.of(new java.util.LinkedHashMap<>(java.util.Map.of("a", 1)) {{ put("c", 2); put("b", 1); }});
    double[] byColumn = slots.byColumn(phi);
    assertEquals(List.of("a", "c", "b"), slots.columns());
    assertArrayEquals(new double[] {phi[0], phi[1] + phi[2], phi[3]}, byColumn, 1e-15);
  }

  @Test
  void linearContributionsAreCoefficientTimesDistanceFromTheMeanAndSumToTheMargin() {
    Attributor.Linear lin = new Attributor.Linear(new double[] {2, -0.5, 0}, 1.25, new double[] {1, 0, 7}, "log_odds");
    double[] x = {3, 4, 100};
    // 2·(3−1), −0.5·(4−0), 0·(100−7); base 1.25 + 2·1 + 0 + 0.
    assertArrayEquals(new double[] {4, -2, 0}, lin.contributions(x));
    assertEquals(3.25, lin.base(), 1e-15);
    assertEquals(1.25 + 6 - 2, lin.predict(x), 1e-15);
    assertEquals(lin.predict(x), lin.base() + 4 - 2, 1e-15);
  }
}
