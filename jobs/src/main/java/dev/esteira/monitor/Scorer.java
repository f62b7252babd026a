package dev.esteira.monitor;

import static org.apache.spark.sql.functions.*;

import dev.esteira.EsteiraException;
import dev.esteira.data.Datasets.VersionedFrame;
import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.ModelSpec;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Batch scoring with the production version of a model. Every prediction is logged with the version that
 * made it; rescoring a batch replaces that batch's predictions in one commit.
 */
public final class Scorer {
  private final Lakehouse lake;
  private final Registry registry;

  public Scorer(Lakehouse lake) {
    this.lake = lake;
    this.registry = new Registry(lake);
  }

  public record ScoreResult(ModelVersion version, String batch, long rows, double meanProbability) {}

  public ScoreResult score(ModelSpec spec, VersionedFrame data) {
    ModelVersion production = registry.requireProduction(spec.name());
    Dataset<Row> frame = data.frame();
    Set<String> have = new HashSet<>(Arrays.asList(frame.columns()));
    List<String> needed = new ArrayList<>(spec.features().all());
    needed.add(spec.id());
    for (String c : needed) {
      if (!have.contains(c)) {
        throw new EsteiraException(
            "cannot score dataset '" + data.version().dataset() + "' batch '" + data.version().batch()
                + "' with " + spec.name() + ": missing column '" + c + "'");
      }
    }
    PipelineModel model = registry.load(production);
    Column[] features = spec.features().all().stream().map(c -> col(c)).toArray(Column[]::new);
    Dataset<Row> scored =
        model
            .transform(frame)
            .select(
                lit(spec.name()).as("model"),
                lit(production.version()).as("version"),
                lit(data.version().dataset()).as("dataset"),
                lit(data.version().version()).as("dataset_version"),
                lit(data.version().batch()).as("batch"),
                col(spec.id()).cast("string").as("row_id"),
                col("prediction"),
                functions.vector_to_array(col("probability"), "float64").getItem(1).as("probability"),
                to_json(struct(features)).as("features"),
                lit(Timestamp.from(Instant.now())).as("scored_at"));
    String condition =
        "model = '" + spec.name() + "' AND batch = '" + data.version().batch() + "'";
    lake.replace(MonitorTables.PREDICTIONS, scored, condition);
    Row summary =
        lake.read(MonitorTables.PREDICTIONS)
            .where(col("model").equalTo(spec.name()).and(col("batch").equalTo(data.version().batch())))
            .agg(count(lit(1)), avg(col("probability")))
            .first();
    return new ScoreResult(
        production, data.version().batch(), summary.getLong(0),
        summary.isNullAt(1) ? Double.NaN : summary.getDouble(1));
  }
}
