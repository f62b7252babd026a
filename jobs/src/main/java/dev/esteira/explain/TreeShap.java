package dev.esteira.explain;

import java.util.Arrays;

/**
 * Exact Shapley values of one tree's output (Lundberg, Erion and Lee, "Consistent individualized feature
 * attribution for tree ensembles", 2018, Algorithm 2: path-dependent TreeSHAP). The value of a coalition S
 * of features is E[f(x) | x_S], taken as the tree does: at a split on a feature in S the row's own branch,
 * at a split on a feature outside S both branches weighted by their training cover. The contributions then
 * sum exactly to {@code f(x) - E[f(X)]}. Cost: O(leaves × depth²) per row and tree, no Spark pass.
 */
public final class TreeShap {
  private TreeShap() {}

  /** Adds the tree's Shapley values for {@code x}, times {@code weight}, into {@code phi} (one per feature). */
  public static void accumulate(Tree tree, double[] x, double weight, double[] phi) {
    recurse(tree, x, phi, weight, 0, Path.EMPTY, 1, 1, -1);
  }

  /** The tree's Shapley values for {@code x}, one per feature. */
  public static double[] values(Tree tree, double[] x, int features) {
    double[] phi = new double[features];
    accumulate(tree, x, 1, phi);
    return phi;
  }

  private static void recurse(Tree t, double[] x, double[] phi, double weight, int node, Path parent,
      double zero, double one, int feature) {
    Path m = parent.extend(zero, one, feature);
    if (t.leaf(node)) {
      for (int i = 1; i < m.length(); i++) {
        phi[m.d[i]] += weight * m.unwoundSum(i) * (m.o[i] - m.z[i]) * t.value()[node];
      }
      return;
    }
    int hot = t.next(node, x);
    int cold = hot == t.left()[node] ? t.right()[node] : t.left()[node];
    double inZero = 1;
    double inOne = 1;
    int split = t.feature()[node];
    int k = m.find(split);
    if (k >= 0) {
      // The feature was split on higher up the path: undo its earlier entry and carry its fractions.
      inZero = m.z[k];
      inOne = m.o[k];
      m = m.unwind(k);
    }
    double cover = t.cover()[node];
    double hotShare = cover > 0 ? t.cover()[hot] / cover : 0.5;
    double coldShare = cover > 0 ? t.cover()[cold] / cover : 0.5;
    recurse(t, x, phi, weight, hot, m, inZero * hotShare, inOne, split);
    recurse(t, x, phi, weight, cold, m, inZero * coldShare, 0, split);
  }

  /**
   * The features met on the way down (d), the share of coalitions without (z) and with (o) each that
   * reach here, and the permutation weights (w) of every coalition size. Immutable: each step copies,
   * since a path is at most the tree's depth long.
   */
  private static final class Path {
    static final Path EMPTY = new Path(new int[0], new double[0], new double[0], new double[0]);
    final int[] d;
    final double[] z;
    final double[] o;
    final double[] w;

    Path(int[] d, double[] z, double[] o, double[] w) {
      this.d = d;
      this.z = z;
      this.o = o;
      this.w = w;
    }

    int length() {
      return d.length;
    }

    int find(int feature) {
      for (int i = 1; i < d.length; i++) {
        if (d[i] == feature) {
          return i;
        }
      }
      return -1;
    }

    Path extend(double pz, double po, int pi) {
      int l = d.length;
      int[] d2 = Arrays.copyOf(d, l + 1);
      double[] z2 = Arrays.copyOf(z, l + 1);
      double[] o2 = Arrays.copyOf(o, l + 1);
      double[] w2 = Arrays.copyOf(w, l + 1);
      d2[l] = pi;
      z2[l] = pz;
      o2[l] = po;
      w2[l] = l == 0 ? 1 : 0;
      for (int i = l - 1; i >= 0; i--) {
        w2[i + 1] += po * w2[i] * (i + 1) / (l + 1);
        w2[i] = pz * w2[i] * (l - i) / (l + 1);
      }
      return new Path(d2, z2, o2, w2);
    }

    Path unwind(int i) {
      int l = d.length - 1;
      double n = w[l];
      double[] w2 = Arrays.copyOf(w, l);
      for (int j = l - 1; j >= 0; j--) {
        if (o[i] != 0) {
          double t = w[j];
          w2[j] = n * (l + 1) / ((j + 1) * o[i]);
          n = t - w2[j] * z[i] * (l - j) / (l + 1);
        } else {
          w2[j] = w[j] * (l + 1) / (z[i] * (l - j));
        }
      }
      int[] d2 = new int[l];
      double[] z2 = new double[l];
      double[] o2 = new double[l];
      for (int j = 0, k = 0; j <= l; j++) {
        if (j != i) {
          d2[k] = d[j];
          z2[k] = z[j];
          o2[k] = o[j];
          k++;
        }
      }
      return new Path(d2, z2, o2, w2);
    }

    /** The total weight of the path with element {@code i} unwound, without building that path. */
    double unwoundSum(int i) {
      int l = d.length - 1;
      double n = w[l];
      double total = 0;
      for (int j = l - 1; j >= 0; j--) {
        if (o[i] != 0) {
          double t = n * (l + 1) / ((j + 1) * o[i]);
          total += t;
          n = w[j] - t * z[i] * (l - j) / (l + 1);
        } else {
          total += w[j] * (l + 1) / (z[i] * (l - j));
        }
      }
      return total;
    }
  }
}
