package dev.esteira.explain;

import dev.esteira.EsteiraException;
import dev.esteira.ml.ModelSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.DecisionTreeClassificationModel;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.RandomForestClassificationModel;
import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.regression.DecisionTreeRegressionModel;
import org.apache.spark.ml.regression.GBTRegressionModel;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.regression.RandomForestRegressionModel;
import org.apache.spark.ml.tree.CategoricalSplit;
import org.apache.spark.ml.tree.ContinuousSplit;
import org.apache.spark.ml.tree.InternalNode;
import org.apache.spark.ml.tree.Node;
import org.apache.spark.ml.tree.Split;

/**
 * Reads a fitted Esteira pipeline ({@link dev.esteira.ml.ModelPipelines}) into an {@link Attributor} over
 * its final feature vector (after scaling) and the {@link Slots} that map that vector back to the spec's
 * columns. MLlib's trees are copied into plain {@link Tree}s with each node's training weight from its
 * impurity statistics.
 */
public final class Attributors {
  private Attributors() {}

  /** What explains a fitted pipeline: the slots of its feature vector and the attributor of its model. */
  public record Explained(Slots slots, Attributor attributor) implements java.io.Serializable {}

  public static Explained of(ModelSpec spec, PipelineModel pipeline) {
    Transformer[] stages = pipeline.stages();
    Transformer model = stages[stages.length - 1];
    Slots slots = slots(spec, stages);
    Attributor attributor = attributor(spec.name(), model, center(stages));
    int width = model instanceof org.apache.spark.ml.PredictionModel<?, ?> p ? p.numFeatures() : -1;
    if (width != slots.size()) {
      throw new EsteiraException("model '" + spec.name() + "': its feature vector has " + width + " slots, the spec's "
          + "columns make " + slots.size() + " (a pipeline not built by Esteira?)");
    }
    return new Explained(slots, attributor);
  }

  /** Numeric columns (one slot each, imputed) first, then each categorical column's one-hot slots. */
  static Slots slots(ModelSpec spec, Transformer[] stages) {
    Map<String, Integer> widths = new LinkedHashMap<>();
    spec.features().numeric().forEach(c -> widths.put(c, 1));
    List<String> categorical = spec.features().categorical();
    if (!categorical.isEmpty()) {
      OneHotEncoderModel encoder = null;
      for (Transformer t : stages) {
        if (t instanceof OneHotEncoderModel e) {
          encoder = e;
        }
      }
      if (encoder == null) {
        throw new EsteiraException("model '" + spec.name() + "': the pipeline has categorical columns but no one-hot encoder");
      }
      int[] sizes = encoder.categorySizes();
      // MLlib: the encoder's "keep" adds a slot for invalid indices, dropLast removes the last slot. (The
      // indexer's "keep" already counts its unseen label among the categories.)
      int extra = ("keep".equals(encoder.getHandleInvalid()) ? 1 : 0) - (encoder.getDropLast() ? 1 : 0);
      for (int i = 0; i < categorical.size(); i++) {
        widths.put(categorical.get(i), sizes[i] + extra);
      }
    }
    return Slots.of(widths);
  }

  /**
   * The training mean of each slot of the model's feature vector: the scaler's mean divided by its
   * standard deviation (a slot with none is scaled to 0, so its mean is 0); null without a scaler.
   */
  static double[] center(Transformer[] stages) {
    for (Transformer t : stages) {
      if (t instanceof org.apache.spark.ml.feature.StandardScalerModel scaler) {
        double[] mean = scaler.mean().toArray();
        double[] std = scaler.std().toArray();
        double[] c = new double[mean.length];
        for (int j = 0; j < c.length; j++) {
          double m = scaler.getWithMean() ? 0 : mean[j];
          c[j] = scaler.getWithStd() ? (std[j] != 0 ? m / std[j] : 0) : m;
        }
        return c;
      }
    }
    return null;
  }

  static Attributor attributor(String modelName, Transformer model, double[] center) {
    if (model instanceof LogisticRegressionModel lr) {
      if (lr.numClasses() != 2) {
        throw new EsteiraException("model '" + modelName + "': contributions of a multinomial logistic regression are not supported");
      }
      double[] w = lr.coefficients().toArray();
      return new Attributor.Linear(w, lr.intercept(), center == null ? new double[w.length] : center, "log_odds");
    }
    if (model instanceof LinearRegressionModel lin) {
      double[] w = lin.coefficients().toArray();
      return new Attributor.Linear(w, lin.intercept(), center == null ? new double[w.length] : center, "prediction");
    }
    if (model instanceof RandomForestClassificationModel rf) {
      return forest(rf.trees(), rf.numFeatures(), true, "probability");
    }
    if (model instanceof RandomForestRegressionModel rf) {
      return forest(rf.trees(), rf.numFeatures(), false, "prediction");
    }
    if (model instanceof GBTClassificationModel gbt) {
      return boosted(gbt.trees(), gbt.treeWeights(), gbt.numFeatures(), "gbt_margin");
    }
    if (model instanceof GBTRegressionModel gbt) {
      return boosted(gbt.trees(), gbt.treeWeights(), gbt.numFeatures(), "prediction");
    }
    if (model instanceof DecisionTreeClassificationModel dt) {
      return new Attributor.Trees(List.of(tree(dt.rootNode(), true)), new double[] {1}, dt.numFeatures(), "probability");
    }
    if (model instanceof DecisionTreeRegressionModel dt) {
      return new Attributor.Trees(List.of(tree(dt.rootNode(), false)), new double[] {1}, dt.numFeatures(), "prediction");
    }
    throw new EsteiraException("model '" + modelName + "': no contributions for " + model.getClass().getSimpleName()
        + " (linear, logistic, decision tree, random forest and GBT models have them)");
  }

  private static Attributor forest(org.apache.spark.ml.tree.DecisionTreeModel[] trees, int slots, boolean classifier,
      String output) {
    List<Tree> out = new ArrayList<>();
    double[] weights = new double[trees.length];
    for (int t = 0; t < trees.length; t++) {
      out.add(tree(trees[t].rootNode(), classifier));
      // MLlib averages its trees (a classifier averages each tree's class shares).
      weights[t] = 1.0 / trees.length;
    }
    return new Attributor.Trees(out, weights, slots, output);
  }

  private static Attributor boosted(DecisionTreeRegressionModel[] trees, double[] weights, int slots, String output) {
    List<Tree> out = new ArrayList<>();
    for (DecisionTreeRegressionModel t : trees) {
      out.add(tree(t.rootNode(), false));
    }
    return new Attributor.Trees(out, weights.clone(), slots, output);
  }

  /**
   * One MLlib tree. A leaf's value is its prediction (regression) or its share of the positive class
   * (classification, as MLlib's forest computes its probability); its weight is its training weight.
   */
  static Tree tree(Node root, boolean classifier) {
    Tree.Builder b = new Tree.Builder();
    add(b, root, classifier);
    return b.build();
  }

  private static int add(Tree.Builder b, Node node, boolean classifier) {
    if (node instanceof InternalNode in) {
      Split split = in.split();
      int i = split instanceof CategoricalSplit cs
          ? b.categorical(cs.featureIndex(), cs.leftCategories())
          : b.split(split.featureIndex(), ((ContinuousSplit) split).threshold());
      int l = add(b, in.leftChild(), classifier);
      int r = add(b, in.rightChild(), classifier);
      b.children(i, l, r);
      return i;
    }
    double[] stats = node.impurityStats().stats();
    if (classifier) {
      double total = 0;
      for (double s : stats) {
        total += s;
      }
      return b.leaf(total == 0 || stats.length < 2 ? 0 : stats[1] / total, total);
    }
    // Variance statistics: (weight, weighted sum, weighted sum of squares).
    return b.leaf(node.prediction(), stats[0]);
  }
}
