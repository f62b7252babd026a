package dev.esteira.monitor;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.lake.Lakehouse;
import dev.esteira.monitor.PerformanceStore.Performance;
import dev.esteira.testing.TestSpark;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The performance table as an older lakehouse holds it (schema version 1: no {@code written_at},
 * unpartitioned, each model's rows replaced in place) migrates with every row current, and the store then
 * replaces a model's rows, or one batch of them, by appends: the other models' rows, and a replaced
 * batch's neighbours, stay what they were.
 */
class PerformanceStoreTest {
  private static final Timestamp AT = Timestamp.valueOf("2026-12-01 08:00:00");

  private static Performance row(String model, String batch, String metric, double value) {
    return new Performance(model, 1, batch, PerformanceTables.REALIZED, metric, value, 10, 20, 0.9, 0.8, false, AT);
  }

  /** model/batch/metric -> value. */
  private static TreeMap<String, Double> values(List<Performance> rows) {
    TreeMap<String, Double> out = new TreeMap<>();
    rows.forEach(p -> assertNull(out.put(p.model() + "/" + p.batch() + "/" + p.metric(), p.value()), "one row per key"));
    return out;
  }

  @Test
  void aVersion1TableMigratesAndIsThenReplacedByAppends() {
    Lakehouse lake = TestSpark.freshLakehouse("performance-v1");
    String path = lake.path(PerformanceTables.PERFORMANCE);
    DeltaTable.createIfNotExists(lake.spark()).location(path).addColumns(PerformanceTables.PERFORMANCE_V1).execute();
    List<org.apache.spark.sql.Row> v1 = new java.util.ArrayList<>();
    for (Performance p : List.of(row("m", "b1", "auc_roc", 0.7), row("m", "b2", "auc_roc", 0.6), row("n", "b1", "auc_roc", 0.5))) {
      org.apache.spark.sql.Row r = p.toRow();
      v1.add(org.apache.spark.sql.RowFactory.create(java.util.Arrays.copyOf(
          scala.collection.JavaConverters.seqAsJavaList(r.toSeq()).toArray(), PerformanceTables.PERFORMANCE_V1.size())));
    }
    lake.spark().createDataFrame(v1, PerformanceTables.PERFORMANCE_V1).write().format("delta").mode("append").save(path);
    assertEquals(1, lake.schemaVersionOf(PerformanceTables.PERFORMANCE));

    lake.migrate(List.of(PerformanceTables.PERFORMANCE), line -> {});
    assertEquals(2, lake.schemaVersionOf(PerformanceTables.PERFORMANCE));
    PerformanceStore store = new PerformanceStore(lake);
    TreeMap<String, Double> expected = new TreeMap<>(java.util.Map.of("m/b1/auc_roc", 0.7, "m/b2/auc_roc", 0.6));
    assertEquals(expected, values(store.of("m")), "every migrated row is current");

    // One batch of m measured again: b1 replaced, b2 kept, n untouched.
    store.replace("m", "b1", List.of(row("m", "b1", "auc_roc", 0.75), row("m", "b1", "accuracy", 0.9)));
    expected.put("m/b1/auc_roc", 0.75);
    expected.put("m/b1/accuracy", 0.9);
    assertEquals(expected, values(store.of("m")));
    assertEquals(java.util.Map.of("n/b1/auc_roc", 0.5), values(store.of("n")));
    assertEquals(new java.util.TreeSet<>(List.of("b1", "b2")), store.labelledBatches("m", 1, 10));

    // All of m measured again, without b2: only the new rows are current, in Spark's frame too.
    store.replace("m", null, List.of(row("m", "b1", "auc_roc", 0.8), row("m", "b3", "auc_roc", 0.4)));
    assertEquals(java.util.Map.of("m/b1/auc_roc", 0.8, "m/b3/auc_roc", 0.4), values(store.of("m")));
    assertEquals(3, lake.read(PerformanceTables.PERFORMANCE).count(), "m's newest write and n's migrated row");
    assertEquals(java.util.Map.of("n/b1/auc_roc", 0.5), values(store.of("n")));
  }
}
