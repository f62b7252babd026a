package dev.esteira.lake;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.types.DataTypes.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.testing.TestSpark;
import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A migration rewrites a table with its new schema in one overwrite, which would also replace the table's
 * partitioning: a partitioned table stays partitioned as it was, an unpartitioned one (created before the
 * lakehouse partitioned that table) stays unpartitioned, and every row is kept.
 */
class MigrationPartitioningTest {
  private static final StructType V1 = new StructType()
      .add("target", StringType, false)
      .add("batch", StringType, false)
      .add("value", DoubleType, true);

  private static MetaTable table(String name) {
    return new MetaTable(name, V1.add("written_at", TimestampType, true), List.of("target", "batch"),
        "a table whose second schema adds a stamp", List.of("target", "batch"))
        .withMigrations(new Migration(V1, "written_at added",
            (lake, rows) -> rows.withColumn("written_at", lit(null).cast(TimestampType))))
        .withNewestBy("written_at");
  }

  private static List<String> partitionColumns(Lakehouse lake, MetaTable t) {
    Row detail = lake.spark().sql("DESCRIBE DETAIL delta.`" + lake.path(t) + "`").first();
    return detail.getList(detail.fieldIndex("partitionColumns"));
  }

  private static void createV1(Lakehouse lake, MetaTable t, String... partitionBy) {
    DeltaTable.createIfNotExists(lake.spark()).location(lake.path(t)).addColumns(V1).partitionedBy(partitionBy).execute();
    lake.spark().createDataFrame(List.of(RowFactory.create("t1", "b1", 1.0), RowFactory.create("t1", "b2", 2.0),
        RowFactory.create("t2", "b1", null)), V1).write().format("delta").mode("append").save(lake.path(t));
  }

  private static TreeSet<String> values(List<Row> rows) {
    TreeSet<String> out = new TreeSet<>();
    rows.forEach(r -> out.add(r.getAs("target") + "/" + r.getAs("batch") + "=" + r.getAs("value")));
    return out;
  }

  @Test
  void aMigratedTableKeepsItsPartitioningAndEveryRow() {
    Lakehouse lake = TestSpark.freshLakehouse("migration-partitioning");
    MetaTable partitioned = table("migrating_parts");
    MetaTable flat = table("migrating_flat");
    createV1(lake, partitioned, "target", "batch");
    createV1(lake, flat);
    assertEquals(1, lake.schemaVersionOf(partitioned));

    List<String> done = lake.migrate(List.of(partitioned, flat), step -> {});
    assertEquals(List.of("migrating_parts 1 -> 2 (3 rows)", "migrating_flat 1 -> 2 (3 rows)"), done);
    assertEquals(List.of("target", "batch"), partitionColumns(lake, partitioned));
    assertEquals(List.of(), partitionColumns(lake, flat));
    TreeSet<String> expected = new TreeSet<>(List.of("t1/b1=1.0", "t1/b2=2.0", "t2/b1=null"));
    for (MetaTable t : List.of(partitioned, flat)) {
      assertEquals(2, lake.schemaVersionOf(t), t.name());
      assertEquals(expected, values(lake.rows(t)), t.name() + " through Kernel");
      assertEquals(expected, values(lake.read(t).collectAsList()), t.name() + " through Spark");
    }
  }
}
