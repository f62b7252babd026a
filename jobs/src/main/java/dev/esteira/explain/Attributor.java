package dev.esteira.explain;

import java.io.Serializable;
import java.util.List;

/**
 * Splits a model's output for one row among the slots of its feature vector: {@code output = base +
 * sum(contributions)}, exactly (up to floating point). Plain Java and serializable, so that the same
 * object runs in tests, on the driver and inside a Spark task.
 */
public interface Attributor extends Serializable {
  /** How the contributions are computed: {@code linear} (exact) or {@code tree_shap} (exact Shapley values). */
  String method();

  /**
   * What the contributions add up to: {@code log_odds} (logistic regression's margin), {@code gbt_margin}
   * (a GBT classifier's margin F, probability 1/(1+e^(-2F))), {@code probability} (a random forest's or
   * a tree's probability of the positive class), {@code prediction} (a regression).
   */
  String output();

  /** The output with no feature known: the intercept, or the trees' expected output over their training data. */
  double base();

  /** One contribution per slot of the feature vector {@code x}. */
  double[] contributions(double[] x);

  /** The model's output for {@code x}, computed the model's own way (not from the contributions). */
  double predict(double[] x);

  /**
   * {@code w·x + b}, each slot measured from its training mean {@code m}: slot j contributes
   * {@code w_j (x_j − m_j)} and the base is {@code b + w·m}, the output at the average row. These are the
   * exact Shapley values of a linear model with features taken as independent; they add up to
   * {@code w·x + b} exactly.
   */
  record Linear(double[] coefficients, double intercept, double[] center, String output) implements Attributor {
    public Linear {
      if (center.length != coefficients.length) {
        throw new IllegalArgumentException("one centre per coefficient");
      }
    }

    @Override
    public String method() {
      return "linear";
    }

    @Override
    public double base() {
      double b = intercept;
      for (int j = 0; j < coefficients.length; j++) {
        b += coefficients[j] * center[j];
      }
      return b;
    }

    @Override
    public double[] contributions(double[] x) {
      double[] c = new double[coefficients.length];
      for (int j = 0; j < c.length; j++) {
        c[j] = coefficients[j] * (x[j] - center[j]);
      }
      return c;
    }

    @Override
    public double predict(double[] x) {
      double m = intercept;
      for (int j = 0; j < coefficients.length; j++) {
        m += coefficients[j] * x[j];
      }
      return m;
    }
  }

  /**
   * {@code sum_t weight_t · tree_t(x)}: a random forest (weights 1/T), a GBT (MLlib's tree weights) or
   * one tree. Contributions are the weighted sum of each tree's TreeSHAP values (Shapley values are
   * linear in the model), the base the weighted sum of each tree's expected output.
   */
  record Trees(List<Tree> trees, double[] weights, int slots, String output) implements Attributor {
    public Trees {
      trees = List.copyOf(trees);
      if (weights.length != trees.size()) {
        throw new IllegalArgumentException("one weight per tree");
      }
    }

    @Override
    public String method() {
      return "tree_shap";
    }

    @Override
    public double base() {
      double b = 0;
      for (int t = 0; t < trees.size(); t++) {
        b += weights[t] * trees.get(t).expected();
      }
      return b;
    }

    @Override
    public double[] contributions(double[] x) {
      double[] phi = new double[slots];
      for (int t = 0; t < trees.size(); t++) {
        TreeShap.accumulate(trees.get(t), x, weights[t], phi);
      }
      return phi;
    }

    @Override
    public double predict(double[] x) {
      double p = 0;
      for (int t = 0; t < trees.size(); t++) {
        p += weights[t] * trees.get(t).predict(x);
      }
      return p;
    }
  }
}
