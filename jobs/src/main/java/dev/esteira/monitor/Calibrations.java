package dev.esteira.monitor;

import static org.apache.spark.sql.functions.*;

import dev.esteira.EsteiraException;
import dev.esteira.data.Datasets;
import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.ModelSpec;
import dev.esteira.ml.Trainer;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.regression.IsotonicRegression;
import org.apache.spark.ml.regression.IsotonicRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The calibration of a version's probabilities on its own holdout: the rows of its training batch, read
 * at the dataset version it was trained on, that the seeded split held out. The holdout's scores are not
 * stored, so they are recomputed (deterministically) the first time a version is calibrated in a JVM.
 */
public final class Calibrations {
  /** By artifact SHA-256: the same fitted pipeline on the same holdout gives the same calibration. */
  private static final Map<String, Calibration> FITTED = new ConcurrentHashMap<>();

  private final Lakehouse lake;

  public Calibrations(Lakehouse lake) {
    this.lake = lake;
  }

  public Calibration of(ModelSpec spec, ModelVersion v) {
    return FITTED.computeIfAbsent(v.artifactSha256() + "#" + spec.split().seed() + "#" + spec.split().train(),
        k -> fit(spec, v));
  }

  private Calibration fit(ModelSpec spec, ModelVersion v) {
    if (v.dataset() == null || v.datasetVersion() == null || v.batch() == null) {
      throw new EsteiraException(v.model() + " v" + v.version() + " records no training data: cannot calibrate it");
    }
    Dataset<Row> holdout =
        new Datasets(lake)
            .readVersion(v.dataset(), v.datasetVersion())
            .where(col(Datasets.BATCH_COLUMN).equalTo(v.batch()))
            .drop(Datasets.BATCH_COLUMN)
            .where(col(spec.label()).isNotNull())
            .where(Trainer.seededFraction(spec.id(), spec.split().seed()).geq(spec.split().train()));
    Dataset<Row> scored =
        new Registry(lake)
            .load(v)
            .transform(holdout)
            .select(
                functions.vector_to_array(col("probability"), "float64").getItem(1).as("score"),
                col(spec.label()).cast("double").as("label"));
    long rows = scored.count();
    if (rows == 0) {
      throw new EsteiraException(v.model() + " v" + v.version() + ": its holdout is empty, cannot calibrate it");
    }
    IsotonicRegressionModel m =
        new IsotonicRegression().setFeaturesCol("score").setLabelCol("label").setIsotonic(true).fit(scored);
    return new Calibration(m.boundaries().toArray(), m.predictions().toArray(), rows);
  }
}
