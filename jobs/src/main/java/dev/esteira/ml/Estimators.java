package dev.esteira.ml;

import dev.esteira.config.ConfigException;
import dev.esteira.config.Json;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;

/** MLlib estimators by their spec name, with parameters given in snake_case and checked by MLlib. */
public final class Estimators {
  public static final Set<String> TYPES = Set.of("logistic_regression", "random_forest", "gbt");

  private Estimators() {}

  public static Estimator<?> create(ModelSpec.Estimator spec, long seed) {
    Estimator<?> estimator =
        switch (spec.type()) {
          case "logistic_regression" -> new LogisticRegression();
          case "random_forest" -> new RandomForestClassifier().setSeed(seed);
          case "gbt" -> new GBTClassifier().setSeed(seed);
          default -> throw new ConfigException("unknown estimator type " + spec.type());
        };
    ParamMap params = new ParamMap();
    params.put(estimator.getParam("featuresCol"), "features");
    params.put(estimator.getParam("labelCol"), "label");
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
