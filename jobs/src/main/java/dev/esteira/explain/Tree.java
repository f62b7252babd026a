package dev.esteira.explain;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A fitted decision tree in plain arrays, node 0 the root: what TreeSHAP walks, free of Spark so that it
 * can be built by hand in tests and shipped to executors cheaply. An internal node sends a row left when
 * its feature is {@code <= threshold} (a continuous split, as MLlib's) or is one of {@code leftCategories}
 * (a categorical split); a leaf has {@code feature = -1} and holds the tree's output there. {@code cover} is
 * the training weight that reached each node (MLlib keeps it in the node's impurity statistics): TreeSHAP
 * uses it to take the expectation over the features a coalition leaves out.
 */
public record Tree(int[] feature, double[] threshold, double[][] leftCategories, int[] left, int[] right,
    double[] value, double[] cover) implements Serializable {

  public Tree {
    int n = feature.length;
    if (threshold.length != n || leftCategories.length != n || left.length != n || right.length != n
        || value.length != n || cover.length != n) {
      throw new IllegalArgumentException("a tree's arrays must have one entry per node");
    }
  }

  public boolean leaf(int node) {
    return feature[node] < 0;
  }

  /** The child a row with features {@code x} goes to from internal node {@code node}. */
  public int next(int node, double[] x) {
    double v = x[feature[node]];
    double[] cats = leftCategories[node];
    boolean goLeft = cats == null ? v <= threshold[node] : Arrays.stream(cats).anyMatch(c -> c == v);
    return goLeft ? left[node] : right[node];
  }

  /** The tree's output for {@code x}: the value of the leaf it reaches. */
  public double predict(double[] x) {
    int node = 0;
    while (!leaf(node)) {
      node = next(node, x);
    }
    return value[node];
  }

  /** The output averaged over the training weight: E[f(X)], the base TreeSHAP's contributions start from. */
  public double expected() {
    return expected(0) / cover[0];
  }

  private double expected(int node) {
    return leaf(node) ? value[node] * cover[node] : expected(left[node]) + expected(right[node]);
  }

  /** A growable tree, for converters and tests: add nodes, then {@link #build()}. */
  public static final class Builder {
    private int[] feature = new int[8];
    private double[] threshold = new double[8];
    private double[][] cats = new double[8][];
    private int[] left = new int[8];
    private int[] right = new int[8];
    private double[] value = new double[8];
    private double[] cover = new double[8];
    private int size;

    /** A leaf with its output and training weight; returns its index. */
    public int leaf(double output, double weight) {
      int i = grow();
      feature[i] = -1;
      value[i] = output;
      cover[i] = weight;
      return i;
    }

    /** An internal node splitting at {@code x[f] <= t}; children are set with {@link #children}. */
    public int split(int f, double t) {
      int i = grow();
      feature[i] = f;
      threshold[i] = t;
      return i;
    }

    /** An internal node sending the listed categories of {@code x[f]} left. */
    public int categorical(int f, double... leftCategories) {
      int i = split(f, Double.NaN);
      cats[i] = leftCategories.clone();
      return i;
    }

    public Builder children(int node, int l, int r) {
      left[node] = l;
      right[node] = r;
      return this;
    }

    /** The tree; an internal node's cover is the sum of its children's, so the weights agree everywhere. */
    public Tree build() {
      for (int i = size - 1; i >= 0; i--) {
        sumCover(i);
      }
      return new Tree(Arrays.copyOf(feature, size), Arrays.copyOf(threshold, size), Arrays.copyOf(cats, size),
          Arrays.copyOf(left, size), Arrays.copyOf(right, size), Arrays.copyOf(value, size), Arrays.copyOf(cover, size));
    }

    private double sumCover(int i) {
      if (feature[i] >= 0) {
        cover[i] = sumCover(left[i]) + sumCover(right[i]);
      }
      return cover[i];
    }

    private int grow() {
      if (size == feature.length) {
        int n = size * 2;
        feature = Arrays.copyOf(feature, n);
        threshold = Arrays.copyOf(threshold, n);
        cats = Arrays.copyOf(cats, n);
        left = Arrays.copyOf(left, n);
        right = Arrays.copyOf(right, n);
        value = Arrays.copyOf(value, n);
        cover = Arrays.copyOf(cover, n);
      }
      return size++;
    }
  }
}
