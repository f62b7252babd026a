package dev.esteira.ml;

import dev.esteira.config.ConfigException;
import dev.esteira.config.Json;
import java.util.Map;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.clustering.BisectingKMeans;
import org.apache.spark.ml.clustering.GaussianMixture;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.RandomForestRegressor;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;

/** MLlib estimators by their spec name, with parameters given in snake_case and checked by MLlib. */
public final class Estimators {
  private Estimators() {}

  /** The estimator of a task by its spec name; every seeded estimator gets the spec's seed. */
  public static Estimator<?> create(Task task, ModelSpec.Estimator spec, long seed) {
    Estimator<?> estimator =
        switch (task.label() + ":" + spec.type()) {
          case "classification:logistic_regression" -> new LogisticRegression();
          case "classification:random_forest" -> new RandomForestClassifier().setSeed(seed);
          case "classification:gbt" -> new GBTClassifier().setSeed(seed);
          case "regression:linear_regression" -> new LinearRegression();
          case "regression:random_forest" -> new RandomForestRegressor().setSeed(seed);
          case "regression:gbt" -> new GBTRegressor().setSeed(seed);
          case "clustering:kmeans" -> new KMeans().setSeed(seed);
          case "clustering:bisecting_kmeans" -> new BisectingKMeans().setSeed(seed);
          case "clustering:gaussian_mixture" -> new GaussianMixture().setSeed(seed);
          default -> throw new ConfigException(
              "unknown estimator type " + spec.type() + " for task " + task + " (expected one of "
                  + task.estimators() + ")");
        };
    ParamMap params = new ParamMap();
    params.put(estimator.getParam("featuresCol"), "features");
    if (estimator.hasParam("labelCol")) {
      params.put(estimator.getParam("labelCol"), "label");
    }
    for (Map.Entry<String, Object> p : spec.params().entrySet()) {
      params = params.$plus$plus(paramMap(estimator, p.getKey(), p.getValue(), "estimator.params"));
    }
    return (Estimator<?>) estimator.copy(params);
  }

  /** One parameter, decoded into the type MLlib declares for it. */
  @SuppressWarnings("unchecked")
  public static ParamMap paramMap(Params owner, String snakeName, Object value, String where) {
    String name = camel(snakeName);
    if (!owner.hasParam(name)) {
      throw new ConfigException(
          where + "." + snakeName + ": " + owner.getClass().getSimpleName() + " has no parameter '" + name + "'");
    }
    Param<Object> param = (Param<Object>) owner.getParam(name);
    Object decoded;
    try {
      decoded = param.jsonDecode(Json.write(value));
    } catch (RuntimeException e) {
      throw new ConfigException(where + "." + snakeName + ": bad value " + value + " for " + name);
    }
    if (!param.isValid().apply(decoded).equals(Boolean.TRUE)) {
      throw new ConfigException(where + "." + snakeName + ": value " + value + " is not valid for " + name);
    }
    return new ParamMap().put(param, decoded);
  }

  static String camel(String snake) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }
}
