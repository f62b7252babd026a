package dev.esteira.lake;

import static org.apache.spark.sql.types.DataTypes.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.EsteiraException;
import dev.esteira.testing.TestSpark;
import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A replace whose condition is one partition is written as a replace of that partition (no DELETE), and
 * must change exactly what a replaceWhere would: the partition's rows and nothing else, also on a table
 * whose log says it is not partitioned (created before its partitioning was declared), where replacing
 * "the partitions written" would replace the whole table.
 */
class PartitionReplaceTest {
  private static final StructType SCHEMA = new StructType()
      .add("target", StringType, false).add("batch", StringType, false).add("column", StringType, false)
      .add("value", DoubleType, true);
  private static final List<String> KEYS = List.of("target", "batch", "column");

  private static MetaTable table(String name, boolean partitioned) {
    return new MetaTable(name, SCHEMA, KEYS, "a result table", partitioned ? List.of("target", "batch") : List.of());
  }

  private static Match batch(MetaTable t, String target, String batch) {
    return Match.on(t).eq("target", target).eq("batch", batch);
  }

  private static List<Row> rows(String target, String batch, double value, String... columns) {
    return java.util.Arrays.stream(columns).map(c -> (Row) RowFactory.create(target, batch, c, value)).toList();
  }

  /** target/batch/column -> value, the table as a plain map. */
  private static Map<String, Double> contents(Lakehouse lake, MetaTable t) {
    Map<String, Double> out = new TreeMap<>();
    for (Row r : lake.read(t).collectAsList()) {
      out.put(r.getAs("target") + "/" + r.getAs("batch") + "/" + r.getAs("column"), r.getAs("value"));
    }
    return out;
  }

  private static Map<String, String> lastOperation(Lakehouse lake, MetaTable t) {
    Row last = DeltaTable.forPath(lake.spark(), lake.path(t)).history(1).first();
    return last.getJavaMap(last.fieldIndex("operationParameters"));
  }

  private static void seed(Lakehouse lake, MetaTable t) {
    lake.replace(batch(t, "dataset:loans", "day-01"), rows("dataset:loans", "day-01", 1.0, "a", "b", "c"));
    lake.replace(batch(t, "dataset:loans", "day-02"), rows("dataset:loans", "day-02", 2.0, "a", "b"));
    lake.replace(batch(t, "dataset:loans_eu", "day-01"), rows("dataset:loans_eu", "day-01", 3.0, "a"));
  }

  @Test
  void aPartitionIsReplacedWholeWithoutADeleteAndTheOthersAreKept() {
    Lakehouse lake = TestSpark.freshLakehouse("partition-replace");
    MetaTable t = table("results", true);
    seed(lake, t);
    // A rerun of day-01 that profiles one column fewer: the dropped column must go, as replaceWhere does.
    lake.replace(batch(t, "dataset:loans", "day-01"), rows("dataset:loans", "day-01", 9.0, "a", "b"));
    assertEquals(Map.of("dataset:loans/day-01/a", 9.0, "dataset:loans/day-01/b", 9.0,
        "dataset:loans/day-02/a", 2.0, "dataset:loans/day-02/b", 2.0, "dataset:loans_eu/day-01/a", 3.0),
        contents(lake, t));
    Map<String, String> op = lastOperation(lake, t);
    assertEquals("Overwrite", op.get("mode"));
    assertFalse(op.containsKey("predicate"), "written as a partition overwrite, not a replaceWhere: " + op);

    // No rows: the batch is emptied (a partition overwrite of nothing would keep it).
    lake.replace(batch(t, "dataset:loans", "day-02"), List.of());
    assertEquals(Map.of("dataset:loans/day-01/a", 9.0, "dataset:loans/day-01/b", 9.0, "dataset:loans_eu/day-01/a", 3.0),
        contents(lake, t));
  }

  @Test
  void aRowOutsideTheReplacedPartitionIsRefusedAndNothingIsWritten() {
    Lakehouse lake = TestSpark.freshLakehouse("partition-replace-outside");
    MetaTable t = table("results", true);
    seed(lake, t);
    long before = lake.currentVersion(t);
    Map<String, Double> was = contents(lake, t);
    List<Row> stray = new java.util.ArrayList<>(rows("dataset:loans", "day-01", 5.0, "a"));
    stray.addAll(rows("dataset:loans", "day-02", 5.0, "a"));
    EsteiraException e = assertThrows(EsteiraException.class,
        () -> lake.replace(batch(t, "dataset:loans", "day-01"), stray));
    assertTrue(e.getMessage().contains("batch = day-02"), e.getMessage());
    assertEquals(before, lake.currentVersion(t));
    assertEquals(was, contents(lake, t));
  }

  @Test
  void onATableItsLogSaysIsUnpartitionedTheReplaceKeepsEveryOtherRow() {
    Lakehouse lake = TestSpark.freshLakehouse("partition-replace-old");
    // The table was created by an Esteira that did not partition it; this code declares it partitioned.
    seed(lake, table("results", false));
    MetaTable declared = table("results", true);
    assertFalse(lake.replacesPartition(lake.path(declared), batch(declared, "dataset:loans", "day-01").equalities()));
    lake.replace(batch(declared, "dataset:loans", "day-01"), rows("dataset:loans", "day-01", 7.0, "c"));
    assertEquals(Map.of("dataset:loans/day-01/c", 7.0, "dataset:loans/day-02/a", 2.0, "dataset:loans/day-02/b", 2.0,
        "dataset:loans_eu/day-01/a", 3.0), contents(lake, declared));
    assertTrue(lastOperation(lake, declared).containsKey("predicate"), "a replaceWhere");
  }

  @Test
  void aMatchThatIsNotExactlyThePartitionColumnsIsNotAPartition() {
    Lakehouse lake = TestSpark.freshLakehouse("partition-replace-shape");
    MetaTable t = table("results", true);
    seed(lake, t);
    String path = lake.path(t);
    assertTrue(lake.replacesPartition(path, Map.of("target", "dataset:loans", "batch", "day-01")));
    assertFalse(lake.replacesPartition(path, Map.of("batch", "day-01")), "part of the partition columns");
    assertFalse(lake.replacesPartition(path, Map.of("target", "dataset:loans", "batch", "day-01", "column", "a")),
        "finer than a partition");
    Map<String, Object> withNull = new java.util.HashMap<>();
    withNull.put("target", "dataset:loans");
    withNull.put("batch", null);
    assertFalse(lake.replacesPartition(path, withNull), "IS NULL is not a partition value here");
    assertFalse(lake.replacesPartition(lake.path(table("never_written", true)), Map.of("target", "x", "batch", "y")));
  }
}
