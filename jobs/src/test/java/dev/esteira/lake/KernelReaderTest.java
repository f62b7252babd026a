package dev.esteira.lake;

import static org.apache.spark.sql.types.DataTypes.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.testing.TestSpark;
import java.io.IOException;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Spark-free reader of the metadata plane gives, row for row and value for value, what a Spark read
 * of the same Delta table gives: every column type the metadata tables use, nulls everywhere they may be,
 * partitions pruned by a match, rows replaced by later commits, a checkpoint in the log, and time travel.
 */
class KernelReaderTest {
  private static final StructType GATE = new StructType()
      .add("check", StringType, true).add("value", DoubleType, true).add("passed", BooleanType, true);

  private static final MetaTable T = new MetaTable("every_type",
      new StructType()
          .add("part", StringType, false)
          .add("id", LongType, false)
          .add("n", IntegerType, true)
          .add("x", DoubleType, true)
          .add("f", FloatType, true)
          .add("ok", BooleanType, true)
          .add("day", DateType, true)
          .add("at", TimestampType, true)
          .add("blob", BinaryType, true)
          .add("metrics", createMapType(StringType, DoubleType), true)
          .add("slices", createMapType(StringType, createMapType(StringType, DoubleType, true), true), true)
          .add("gates", createArrayType(GATE, true), true)
          .add("text", StringType, true),
      List.of("part", "id"), "a table with every column type of the metadata tables", List.of("part"));

  private static Lakehouse lake;
  private static long versionAfterFirstCommits;
  private static List<Row> rowsAtThatVersion;

  @BeforeAll
  static void writeWithSpark() throws IOException {
    lake = TestSpark.freshLakehouse("kernel-reader");
    Random random = new Random(7);
    lake.ensure(T);
    // A checkpoint every second commit, so that a few commits leave the log with a checkpoint and the
    // commits after it (what a long-lived table looks like), as the default of ten would after ten.
    lake.spark().sql("ALTER TABLE delta.`" + lake.path(T) + "` SET TBLPROPERTIES ('delta.checkpointInterval' = '2')");
    // Six blind writes of a few rows each; half of each one's ids were written by the one before, so the
    // log holds removes as well as adds.
    for (int commit = 0; commit < 6; commit++) {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        long id = commit * 2L + i;
        rows.add(row(random, "p" + (id % 3), id));
      }
      lake.upsert(T, rows);
      if (commit == 2) {
        versionAfterFirstCommits = lake.currentVersion(T);
        rowsAtThatVersion = lake.spark().read().format("delta").option("versionAsOf", versionAfterFirstCommits)
            .load(lake.path(T)).collectAsList();
      }
    }
    assertTrue(java.nio.file.Files.list(java.nio.file.Path.of(java.net.URI.create(lake.path(T) + "/_delta_log")))
        .anyMatch(f -> f.toString().endsWith(".checkpoint.parquet")), "the log has a checkpoint");
  }

  private static Row row(Random random, String part, long id) {
    boolean nulls = random.nextInt(4) == 0;
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("auc", random.nextDouble());
    metrics.put("nan", Double.NaN);
    Map<String, Map<String, Double>> slices = new LinkedHashMap<>();
    slices.put("purpose=car", Map.of("auc", random.nextDouble()));
    List<Row> gates = List.of(RowFactory.create("auc_roc", random.nextDouble(), true), RowFactory.create("it's 50%", null, null));
    return RowFactory.create(part, id,
        nulls ? null : random.nextInt(), nulls ? null : random.nextGaussian() * 1e6, nulls ? null : random.nextFloat(),
        nulls ? null : random.nextBoolean(), nulls ? null : Date.valueOf("2026-0" + (1 + random.nextInt(9)) + "-1" + random.nextInt(10)),
        nulls ? null : new Timestamp(1_700_000_000_000L + random.nextInt(1_000_000_000) * 1000L + 123),
        nulls ? null : new byte[] {(byte) random.nextInt(), 0, -1},
        nulls ? null : scala(metrics), nulls ? null : scalaNested(slices),
        nulls ? null : scala.collection.JavaConverters.asScalaBuffer(gates).toList(),
        nulls ? null : "é \u00fc 'quoted' " + id);
  }

  private static scala.collection.Map<String, Double> scala(Map<String, Double> m) {
    return scala.collection.JavaConverters.mapAsScalaMapConverter(m).asScala();
  }

  private static scala.collection.Map<String, scala.collection.Map<String, Double>> scalaNested(Map<String, Map<String, Double>> m) {
    Map<String, scala.collection.Map<String, Double>> inner = new LinkedHashMap<>();
    m.forEach((k, v) -> inner.put(k, scala(new LinkedHashMap<>(v))));
    return scala.collection.JavaConverters.mapAsScalaMapConverter(inner).asScala();
  }

  private static List<Row> byId(List<Row> rows) {
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparingLong(r -> r.<Long>getAs("id")));
    return sorted;
  }

  /** Row equality with every value compared (Spark's Row.equals compares binary by content, NaN as equal). */
  private static void assertSameRows(List<Row> spark, List<Row> kernel) {
    assertEquals(spark.size(), kernel.size(), "row count");
    List<Row> a = byId(spark);
    List<Row> b = byId(kernel);
    for (int i = 0; i < a.size(); i++) {
      assertEquals(canonical(a.get(i)), canonical(b.get(i)), "row " + i);
      // The same Java types too, so a converter written against collect() reads these rows unchanged.
      for (int c = 0; c < a.get(i).size(); c++) {
        Object x = a.get(i).get(c);
        Object y = b.get(i).get(c);
        if (x != null) {
          assertTrue(x.getClass().isInstance(y) || y.getClass().isInstance(x)
                  || (x instanceof scala.collection.Map && y instanceof scala.collection.Map)
                  || (x instanceof scala.collection.Seq && y instanceof scala.collection.Seq),
              "column " + a.get(i).schema().fields()[c].name() + ": " + x.getClass() + " vs " + y.getClass());
        }
      }
    }
  }

  /**
   * A row's values in Java collections, compared by content: Row.equals compares binary by reference,
   * and Scala's map equality says NaN differs from NaN (boxed Java Doubles say it equals).
   */
  private static Object canonical(Object value) {
    if (value instanceof scala.collection.Map<?, ?> map) {
      Map<Object, Object> out = new java.util.TreeMap<>();
      scala.collection.JavaConverters.mapAsJavaMapConverter(map).asJava().forEach((k, v) -> out.put(k, canonical(v)));
      return out;
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      return scala.collection.JavaConverters.seqAsJavaListConverter(seq).asJava().stream().map(KernelReaderTest::canonical).toList();
    }
    if (value instanceof byte[] bytes) {
      return "binary " + java.util.Arrays.toString(bytes);
    }
    if (value instanceof Row row) {
      List<Object> out = new ArrayList<>();
      for (int c = 0; c < row.size(); c++) {
        out.add(canonical(row.get(c)));
      }
      return out;
    }
    return value;
  }

  @Test
  void everyRowAndValueIsWhatSparkReads() {
    List<Row> spark = lake.read(T).collectAsList();
    assertEquals(14, spark.size()); // 6 commits x 4 rows, ids 0 to 13: 10 rows replaced by later commits
    assertSameRows(spark, lake.rows(T));
    // The rows carry the table's schema: converters read them by column name.
    assertEquals(List.of(T.schema().fieldNames()), List.of(lake.rows(T).get(0).schema().fieldNames()));
  }

  @Test
  void aMatchOnAPartitionAndAColumnSelectsExactlyItsRows() {
    Match partOne = Match.on(T).eq("part", "p1");
    assertSameRows(lake.read(partOne).collectAsList(), lake.rows(partOne));
    Match one = partOne.eq("id", 7L); // 7 % 3 == 1
    assertSameRows(lake.read(one).collectAsList(), lake.rows(one));
    assertEquals(1, lake.rows(one).size());
    // An int literal matches a long column as SQL's = does; null matches only nulls.
    assertEquals(1, lake.rows(partOne.eq("id", 7)).size());
    assertSameRows(lake.read(Match.on(T).eq("n", null)).collectAsList(), lake.rows(Match.on(T).eq("n", null)));
    assertTrue(lake.rows(Match.on(T).eq("part", "nowhere")).isEmpty());
    assertEquals(2, lake.rowsOfAny(List.of(one, Match.on(T).eq("part", "p0").eq("id", 0L))).size());
    assertTrue(lake.rows(Match.on(T).eq("part", "p0").eq("id", 7L)).isEmpty());
  }

  @Test
  void onlyTheColumnsAskedForAreReturned() {
    List<Row> rows = lake.rows(Match.on(T).eq("part", "p2"), "id", "text");
    assertEquals(List.of("id", "text"), List.of(rows.get(0).schema().fieldNames()));
    assertEquals(
        lake.read(Match.on(T).eq("part", "p2")).select("id", "text").collectAsList().stream().map(Row::toString).sorted().toList(),
        rows.stream().map(Row::toString).sorted().toList());
  }

  @Test
  void anOlderVersionReadsAsSparkReadsIt() {
    assertSameRows(rowsAtThatVersion, lake.rowsAt(Match.on(T), versionAfterFirstCommits));
    assertTrue(lake.rowsAt(Match.on(T), -1).isEmpty());
    assertEquals(lake.currentVersion(T), (long) lake.spark().sql("DESCRIBE HISTORY delta.`" + lake.path(T) + "` LIMIT 1")
        .first().<Long>getAs("version"));
  }

  @Test
  void aMetadataOnlyLakehouseReadsWithoutSparkAndRefusesSparkWork() {
    Lakehouse light = Lakehouse.metadataOnly(lake.root(), new org.apache.hadoop.conf.Configuration());
    assertFalse(light.hasSpark());
    assertSameRows(lake.read(T).collectAsList(), light.rows(T));
    assertTrue(light.exists(T));
    assertFalse(light.exists(new MetaTable("never_written", T.schema(), List.of("id"), "absent")));
    assertTrue(light.rows(new MetaTable("never_written", T.schema(), List.of("id"), "absent")).isEmpty());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> light.read(T));
    assertTrue(e.getMessage().contains("no SparkSession"), e.getMessage());
  }
}
