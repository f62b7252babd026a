package dev.esteira.explain;

import static org.apache.spark.sql.functions.*;

import dev.esteira.EsteiraException;
import dev.esteira.data.Datasets.VersionedFrame;
import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.ModelSpec;
import dev.esteira.registry.ModelVersion;
import dev.esteira.registry.Registry;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Per-prediction contributions of a model version on a batch: the pipeline's features as the model sees
 * them (imputed, one-hot encoded, scaled), split by an {@link Attributor} and summed back per declared
 * column, in one Spark pass over the batch (plus the write); a rerun replaces the version's rows of the batch.
 */
public final class Explainer {
  private final Registry registry;
  private final ExplanationStore store;

  public Explainer(Lakehouse lake) {
    this.registry = new Registry(lake);
    this.store = new ExplanationStore(lake);
  }

  /** What explaining a batch did: the rows, how, the columns over the batch and a few rows as examples. */
  public record Result(ModelVersion version, String batch, String method, String output, double baseValue,
      List<ExplanationStore.ColumnSummary> columns, List<ExplanationStore.Explanation> examples, long rows) {}

  /** Explains a batch with a version, stores the rows, and reads back the summary and {@code examples} rows. */
  public Result explain(ModelSpec spec, ModelVersion version, VersionedFrame data, int examples) {
    PipelineModel model = registry.load(version);
    Attributors.Explained explained = Attributors.of(spec, model);
    String batch = data.version().batch();
    store.replace(spec.name(), version.version(), batch, rows(spec, version, model, explained, data));
    List<ExplanationStore.ColumnSummary> columns = store.summary(spec.name(), version.version(), batch);
    long rows = store.read(spec.name(), version.version(), batch).count();
    return new Result(version, batch, explained.attributor().method(), explained.attributor().output(),
        explained.attributor().base(), columns, store.rows(spec.name(), version.version(), batch, examples), rows);
  }

  /** The explanation rows of a batch, in the table's schema (not written). */
  public static Dataset<Row> rows(ModelSpec spec, ModelVersion version, PipelineModel model,
      Attributors.Explained explained, VersionedFrame data) {
    Dataset<Row> frame = data.frame();
    spec.missingInput(frame.columns()).ifPresent(c -> {
      throw new EsteiraException("cannot explain dataset '" + data.version().dataset() + "' batch '"
          + data.version().batch() + "' with " + spec.name() + ": missing column '" + c + "'");
    });
    Slots slots = explained.slots();
    Attributor attributor = explained.attributor();
    int n = slots.columns().size();
    // One array per row: each column's contribution, then the model's own output (computed its own way).
    UDF1<Vector, double[]> split = v -> {
      double[] x = v.toArray();
      double[] byColumn = slots.byColumn(attributor.contributions(x));
      double[] out = Arrays.copyOf(byColumn, n + 1);
      out[n] = attributor.predict(x);
      return out;
    };
    UserDefinedFunction udf = udf(split, DataTypes.createArrayType(DataTypes.DoubleType, false));
    Column names = array(slots.columns().stream().map(c -> lit(c)).toArray(Column[]::new));
    return model.transform(frame)
        .select(col(spec.id()).cast("string").as("row_id"), udf.apply(col("features")).as("_c"))
        .select(
            lit(spec.name()).as("model"),
            lit(version.version()).as("version"),
            lit(data.version().dataset()).as("dataset"),
            lit(data.version().version()).as("dataset_version"),
            lit(data.version().batch()).as("batch"),
            col("row_id"),
            lit(attributor.method()).as("method"),
            lit(attributor.output()).as("output"),
            lit(attributor.base()).as("base_value"),
            element_at(col("_c"), n + 1).as("output_value"),
            map_from_arrays(names, slice(col("_c"), 1, n)).as("contributions"),
            lit(Timestamp.from(Instant.now())).as("explained_at"));
  }
}
