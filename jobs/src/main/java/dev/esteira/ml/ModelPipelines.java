package dev.esteira.ml;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;

/**
 * Turns a model spec into an MLlib {@link Pipeline}: categoricals indexed (unseen values kept as their own
 * index) and one-hot encoded, numerics imputed with the median, everything assembled and scaled, then the
 * estimator. The fitted pipeline carries every step, so scoring needs nothing but the raw columns.
 */
public final class ModelPipelines {
  private ModelPipelines() {}

  public static Pipeline build(ModelSpec spec, Estimator<?> estimator) {
    List<PipelineStage> stages = preparationStages(spec);
    stages.add(estimator);
    return new Pipeline().setStages(stages.toArray(new PipelineStage[0]));
  }

  /**
   * The stages of {@link #build} before the estimator, which do not depend on it: fitted on the same rows
   * they give the estimator the same input, whatever its parameters.
   */
  public static Pipeline preparation(ModelSpec spec) {
    return new Pipeline().setStages(preparationStages(spec).toArray(new PipelineStage[0]));
  }

  private static List<PipelineStage> preparationStages(ModelSpec spec) {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> assembled = new ArrayList<>();
    List<String> numeric = spec.features().numeric();
    if (!numeric.isEmpty()) {
      String[] imputed = numeric.stream().map(c -> "_imputed_" + c).toArray(String[]::new);
      stages.add(
          new Imputer()
              .setInputCols(numeric.toArray(new String[0]))
              .setOutputCols(imputed)
              .setStrategy("median"));
      assembled.addAll(List.of(imputed));
    }
    List<String> categorical = spec.features().categorical();
    if (!categorical.isEmpty()) {
      String[] indexed = categorical.stream().map(c -> "_index_" + c).toArray(String[]::new);
      String[] encoded = categorical.stream().map(c -> "_onehot_" + c).toArray(String[]::new);
      stages.add(
          new StringIndexer()
              .setInputCols(categorical.toArray(new String[0]))
              .setOutputCols(indexed)
              .setHandleInvalid("keep")
              .setStringOrderType("alphabetAsc"));
      stages.add(
          new OneHotEncoder().setInputCols(indexed).setOutputCols(encoded).setHandleInvalid("keep"));
      assembled.addAll(List.of(encoded));
    }
    stages.add(
        new VectorAssembler()
            .setInputCols(assembled.toArray(new String[0]))
            .setOutputCol("_assembled")
            .setHandleInvalid("keep"));
    stages.add(new StandardScaler().setInputCol("_assembled").setOutputCol("features").setWithMean(false));
    return stages;
  }
}
