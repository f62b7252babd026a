package dev.esteira.explain;

import static org.apache.spark.sql.functions.*;

import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.Match;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The one store of {@code explanations}: a version's contributions on a batch replace its earlier ones in
 * one commit, and the summaries people read come back as records, read from rows by name here only.
 */
public final class ExplanationStore {
  private final Lakehouse lake;

  public ExplanationStore(Lakehouse lake) {
    this.lake = lake;
  }

  private static Match of(String model, int version, String batch) {
    return Match.on(ExplainTables.EXPLANATIONS).eq("model", model).eq("version", version).eq("batch", batch);
  }

  /** Replaces a version's explanations of a batch with {@code rows} (in the table's schema), in one commit. */
  public void replace(String model, int version, String batch, Dataset<Row> rows) {
    lake.replace(rows, of(model, version, batch));
  }

  /** A version's explanations of a batch, every column. */
  public Dataset<Row> read(String model, int version, String batch) {
    return lake.read(of(model, version, batch));
  }

  /** One column's contributions over a batch: the mean of their absolute values and their mean. */
  public record ColumnSummary(String column, double meanAbs, double mean) {}

  /** Every column's contributions over a batch, largest mean absolute contribution first (one Spark pass). */
  public List<ColumnSummary> summary(String model, int version, String batch) {
    List<ColumnSummary> out = new ArrayList<>();
    for (Row r : lake.read(of(model, version, batch))
        .select(explode(col("contributions")).as(new String[] {"column", "value"}))
        .groupBy("column").agg(avg(abs(col("value"))).as("mean_abs"), avg("value").as("mean"))
        .collectAsList()) {
      out.add(new ColumnSummary(r.getAs("column"), r.<Double>getAs("mean_abs"), r.<Double>getAs("mean")));
    }
    out.sort(Comparator.comparingDouble(ColumnSummary::meanAbs).reversed().thenComparing(ColumnSummary::column));
    return out;
  }

  /** One explained row: what the contributions start from and add up to, and each column's contribution. */
  public record Explanation(String rowId, String output, double baseValue, double outputValue,
      Map<String, Double> contributions) {

    /** The {@code k} contributions largest in absolute value, largest first. */
    public List<Map.Entry<String, Double>> top(int k) {
      return contributions.entrySet().stream()
          .sorted(Comparator.<Map.Entry<String, Double>>comparingDouble(e -> -Math.abs(e.getValue()))
              .thenComparing(Map.Entry::getKey))
          .limit(k).toList();
    }
  }

  /** The first {@code n} explained rows of a batch by row id (all of them with {@code n} < 0). */
  public List<Explanation> rows(String model, int version, String batch, int n) {
    Dataset<Row> rows = lake.read(of(model, version, batch)).orderBy("row_id");
    List<Explanation> out = new ArrayList<>();
    for (Row r : (n < 0 ? rows : rows.limit(n)).collectAsList()) {
      Map<String, Double> c = new LinkedHashMap<>(
          scala.collection.JavaConverters.mapAsJavaMap(r.<scala.collection.Map<String, Double>>getAs("contributions")));
      out.add(new Explanation(r.getAs("row_id"), r.getAs("output"), r.<Double>getAs("base_value"),
          r.<Double>getAs("output_value"), c));
    }
    return out;
  }
}
