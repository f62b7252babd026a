package dev.esteira.scoring;

import static org.apache.spark.sql.functions.*;

import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.Match;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The one store of {@code predictions}: keyed writes (a version's predictions of a batch replace that
 * version's earlier ones of it) and the queries other packages need. Scored rows stay a Spark
 * {@link Dataset} (a batch may hold millions); what is read per batch comes back as records, each read
 * from its row by column name here and nowhere else.
 */
public final class PredictionStore {
  /** The columns of a scored row that measuring a model needs. */
  public static final List<String> SCORED = List.of("version", "batch", "row_id", "prediction", "probability");

  private final Lakehouse lake;

  public PredictionStore(Lakehouse lake) {
    this.lake = lake;
  }

  private static Match ofModel(String model) {
    return Match.on(PredictionTables.PREDICTIONS).eq("model", model);
  }

  private static Match ofVersionAndBatch(String model, int version, String batch) {
    return ofModel(model).eq("version", version).eq("batch", batch);
  }

  /** Replaces a version's predictions of a batch with {@code rows} (in the table's schema), in one commit. */
  public void replace(String model, int version, String batch, Dataset<Row> rows) {
    lake.replace(rows, ofVersionAndBatch(model, version, batch));
  }

  /**
   * Replaces the predictions of {@code versions} of a batch with {@code rows} that serve it, in one commit.
   * Every other version's predictions of the batch are kept, as {@code shadow} rows: a version that served
   * it before (the champion of an earlier run of the night, rescored after a promotion or a rollback)
   * keeps its scores for comparison, and each row of the batch has one served prediction, the newest. The
   * batch's other rows are read by the same write job (the batch is one partition), not by a job of
   * their own.
   */
  public void replaceServing(String model, List<Integer> versions, String batch, Dataset<Row> rows) {
    Match ofBatch = ofModel(model).eq("batch", batch);
    Dataset<Row> others = lake.read(ofBatch).where(not(col("version").isin(versions.toArray())))
        .withColumn("role", lit(Routing.SHADOW));
    lake.replace(rows.unionByName(others), ofBatch);
  }

  /**
   * The rows an experiment served ({@link #SCORED} columns): each row once, by the version that served
   * it. A canary without shadow is compared on these, cohort against cohort.
   */
  public Dataset<Row> servedIn(String model, String experiment) {
    return lake.read(ofModel(model).eq("experiment", experiment).eq("role", Routing.SERVED))
        .select(SCORED.stream().map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new));
  }

  /**
   * The rows ({@link #SCORED} columns) that both versions scored in an experiment, one served and one in
   * shadow, or in any of {@code batches} (where the challenger scored in shadow before the experiment
   * began): a canary with shadow is compared on these, pair by pair.
   */
  public Dataset<Row> scoredByBothIn(String model, String experiment, Collection<String> batches, int version,
      int otherVersion) {
    Dataset<Row> both = lake.read(ofModel(model))
        .where(col("experiment").equalTo(experiment).or(col("batch").isin(batches.toArray())))
        .where(col("version").isin(version, otherVersion));
    Dataset<Row> common = both.groupBy("batch", "row_id").agg(countDistinct("version").as("n"))
        .where(col("n").equalTo(2)).select("batch", "row_id");
    return both.join(common, scala.collection.JavaConverters.asScalaBuffer(List.of("batch", "row_id")).toSeq())
        .select(SCORED.stream().map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new));
  }

  /** How many rows of a batch each version served. */
  public java.util.Map<Integer, Long> servedCounts(String model, String batch) {
    java.util.Map<Integer, Long> out = new java.util.TreeMap<>();
    for (Row r : lake.read(ofModel(model).eq("batch", batch).eq("role", Routing.SERVED))
        .groupBy("version").count().collectAsList()) {
      out.put(r.<Integer>getAs("version"), r.<Long>getAs("count"));
    }
    return out;
  }

  /** How many rows of a batch a version scored in one role (served or shadow), and in which experiment. */
  public record RoleCount(String batch, int version, String role, String experiment, long rows) {}

  /** Every batch's rows by version, role and experiment: who served a batch and who scored it in shadow. */
  public List<RoleCount> roles(String model) {
    List<RoleCount> out = new ArrayList<>();
    if (!lake.exists(PredictionTables.PREDICTIONS)) {
      return out;
    }
    for (Row r : lake.read(ofModel(model)).groupBy("batch", "version", "role", "experiment").count()
        .orderBy("batch", "version", "role").collectAsList()) {
      out.add(new RoleCount(r.getAs("batch"), r.<Integer>getAs("version"), r.getAs("role"), r.getAs("experiment"),
          r.<Long>getAs("count")));
    }
    return out;
  }

  /** The predictions a version made on a batch, every column. */
  public Dataset<Row> of(String model, int version, String batch) {
    return lake.read(ofVersionAndBatch(model, version, batch));
  }

  /**
   * The scored rows of a model ({@link #SCORED} columns), of every version and batch, or of one batch
   * when {@code batch} is not null: what is joined to labels to measure performance.
   */
  public Dataset<Row> scored(String model, String batch) {
    Match m = batch == null ? ofModel(model) : ofModel(model).eq("batch", batch);
    return lake.read(m).select(SCORED.stream().map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new));
  }

  /**
   * The scored rows ({@link #SCORED} columns) of two versions of a model on some batches, restricted to
   * the rows both scored: a champion and its challenger compared on the same rows.
   */
  public Dataset<Row> scoredByBoth(String model, int version, int otherVersion, Collection<String> batches) {
    Dataset<Row> both = scored(model, null)
        .where(col("version").isin(version, otherVersion).and(col("batch").isin(batches.toArray())));
    Dataset<Row> common = both.groupBy("batch", "row_id").agg(countDistinct("version").as("n"))
        .where(col("n").equalTo(2)).select("batch", "row_id");
    return both.join(common, scala.collection.JavaConverters.asScalaBuffer(List.of("batch", "row_id")).toSeq());
  }

  /** What a version predicted on a batch, in a few numbers. */
  public record BatchSummary(int version, String batch, long rows, Double meanPrediction, Double meanProbability,
      long distinctPredictions, long firstDatasetVersion, Timestamp firstScoredAt) {

    static BatchSummary of(Row r) {
      return new BatchSummary(r.<Integer>getAs("version"), r.getAs("batch"), r.<Long>getAs("rows"),
          r.getAs("mean_prediction"), r.getAs("mean_probability"), r.<Long>getAs("distinct_predictions"),
          r.<Long>getAs("first_dataset_version"), r.getAs("first_scored_at"));
    }
  }

  /**
   * Every version and batch a model scored, summarised, in arrival order (the dataset version of the
   * batch, then batch name, then model version).
   */
  public List<BatchSummary> summaries(String model) {
    List<BatchSummary> out = new ArrayList<>();
    if (!lake.exists(PredictionTables.PREDICTIONS)) {
      return out;
    }
    for (Row r : lake.read(ofModel(model))
        .groupBy("version", "batch")
        .agg(count(lit(1)).as("rows"), avg("prediction").as("mean_prediction"),
            avg("probability").as("mean_probability"), countDistinct("prediction").as("distinct_predictions"),
            min("dataset_version").as("first_dataset_version"), min("scored_at").as("first_scored_at"))
        .orderBy("first_dataset_version", "batch", "version")
        .collectAsList()) {
      out.add(BatchSummary.of(r));
    }
    return out;
  }

  /** Two versions on the same rows of a batch: how often they agree, and how far their probabilities are. */
  public record Agreement(String batch, int version, int otherVersion, long rows, double agreement,
      Double meanProbabilityDelta) {}

  /** For every batch scored by two versions, and every such pair (lower version first), their agreement. */
  public List<Agreement> agreements(String model) {
    Dataset<Row> preds = scored(model, null);
    Dataset<Row> a = preds.select(col("batch"), col("row_id"), col("version").as("va"), col("prediction").as("pa"),
        col("probability").as("qa"));
    Dataset<Row> b = preds.select(col("batch").as("b_batch"), col("row_id").as("b_row"), col("version").as("vb"),
        col("prediction").as("pb"), col("probability").as("qb"));
    List<Agreement> out = new ArrayList<>();
    for (Row r : a.join(b, a.col("batch").equalTo(b.col("b_batch")).and(a.col("row_id").equalTo(b.col("b_row")))
            .and(a.col("va").lt(b.col("vb"))))
        .groupBy("batch", "va", "vb")
        .agg(count(lit(1)).as("rows"), avg(col("pa").equalTo(col("pb")).cast("double")).as("agreement"),
            avg(col("qb").minus(col("qa"))).as("mean_probability_delta"))
        .orderBy("batch", "va", "vb").collectAsList()) {
      out.add(new Agreement(r.getAs("batch"), r.<Integer>getAs("va"), r.<Integer>getAs("vb"), r.<Long>getAs("rows"),
          r.<Double>getAs("agreement"), r.getAs("mean_probability_delta")));
    }
    return out;
  }
}
