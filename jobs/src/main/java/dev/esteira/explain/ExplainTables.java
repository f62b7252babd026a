package dev.esteira.explain;

import static org.apache.spark.sql.types.DataTypes.*;

import dev.esteira.lake.MetaTable;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/** The tables the {@code explain} package owns. */
public final class ExplainTables {
  private ExplainTables() {}

  /** Per-prediction contributions, keyed like {@code predictions}. */
  public static final MetaTable EXPLANATIONS =
      new MetaTable(
          "explanations",
          new StructType()
              .add("model", StringType, false)
              .add("version", IntegerType, false)
              .add("dataset", StringType, false)
              .add("dataset_version", LongType, false)
              .add("batch", StringType, false)
              .add("row_id", StringType, false)
              .add("method", StringType, false)
              .add("output", StringType, false)
              .add("base_value", DoubleType, false)
              .add("output_value", DoubleType, false)
              .add("contributions", createMapType(StringType, DoubleType, false), false)
              .add("explained_at", TimestampType, false),
          List.of("model", "version", "batch", "row_id"),
          "one row per explained row and model version: each feature column's contribution to the output; partitioned by batch",
          List.of("batch"));

  /** Global importance of each feature column of a training run's model, on its holdout or a labelled batch. */
  public static final MetaTable FEATURE_IMPORTANCE =
      new MetaTable(
          "feature_importance",
          new StructType()
              .add("model", StringType, false)
              .add("run_id", StringType, false)
              .add("sample", StringType, false)
              .add("column", StringType, false)
              .add("metric", StringType, false)
              .add("baseline", DoubleType, false)
              .add("importance", DoubleType, false)
              .add("importance_std", DoubleType, false)
              .add("importance_low", DoubleType, false)
              .add("importance_high", DoubleType, false)
              .add("rank", IntegerType, false)
              .add("repeats", IntegerType, false)
              .add("rows", IntegerType, false)
              .add("seed", LongType, false)
              .add("model_importance", DoubleType, true)
              .add("model_importance_kind", StringType, true)
              .add("computed_at", TimestampType, false),
          List.of("model", "run_id", "sample", "column"),
          "one row per feature column of a run's model and sample (its holdout, or a labelled batch): permutation importance and the model's own");
}
