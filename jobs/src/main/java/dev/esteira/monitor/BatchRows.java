package dev.esteira.monitor;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.esteira.data.Datasets;
import dev.esteira.lake.Lakehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The raw values of some numeric columns of some batches of a dataset, each batch read as of the dataset
 * version its profile was computed from (Delta time travel), so that a later rewrite of the batch does not
 * change what is compared. All batches and columns are read in one Spark job and gathered on the driver
 * (8 bytes a value): it serves the few columns whose sketch comparison was inconclusive.
 */
final class BatchRows {
  private BatchRows() {}

  /** A batch as one version of the dataset table holds it. */
  record Slice(String batch, long version) {}

  /**
   * The finite and non-finite values (nulls left out) of each column, per slice. Columns are projected
   * to doubles as the profiler projects them (timestamps as epoch seconds, dates as epoch days).
   *
   * @throws RuntimeException when a version or the table is gone (vacuumed, deleted): the caller says so
   */
  static Map<Slice, Map<String, double[]>> read(
      Lakehouse lake, String dataset, List<Slice> slices, List<Profiler.Monitored> columns) {
    Datasets datasets = new Datasets(lake);
    Dataset<Row> all = null;
    for (int i = 0; i < slices.size(); i++) {
      Slice s = slices.get(i);
      Dataset<Row> rows = datasets.readVersion(dataset, s.version()).where(col(Datasets.BATCH_COLUMN).equalTo(s.batch()));
      List<Column> select = new ArrayList<>();
      select.add(lit(i).as("slice"));
      for (int c = 0; c < columns.size(); c++) {
        select.add(columns.get(c).projection().as("v" + c));
      }
      Dataset<Row> projected = rows.select(select.toArray(Column[]::new));
      all = all == null ? projected : all.unionAll(projected);
    }
    Map<Slice, Map<String, List<Double>>> gathered = new LinkedHashMap<>();
    slices.forEach(s -> {
      Map<String, List<Double>> byColumn = new LinkedHashMap<>();
      columns.forEach(c -> byColumn.put(c.name(), new ArrayList<>()));
      gathered.put(s, byColumn);
    });
    if (all != null) {
      for (Row r : all.collectAsList()) {
        Map<String, List<Double>> byColumn = gathered.get(slices.get(r.<Integer>getAs("slice")));
        for (int c = 0; c < columns.size(); c++) {
          Double v = r.getAs("v" + c);
          if (v != null) {
            byColumn.get(columns.get(c).name()).add(v);
          }
        }
      }
    }
    Map<Slice, Map<String, double[]>> out = new LinkedHashMap<>();
    gathered.forEach((s, byColumn) -> {
      Map<String, double[]> values = new LinkedHashMap<>();
      byColumn.forEach((c, v) -> values.put(c, v.stream().mapToDouble(Double::doubleValue).toArray()));
      out.put(s, values);
    });
    return out;
  }
}
