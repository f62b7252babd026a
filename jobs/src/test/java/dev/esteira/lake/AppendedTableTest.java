package dev.esteira.lake;

import static org.apache.spark.sql.types.DataTypes.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A table written by appends (MetaTable.newestBy): each write of a key adds a row through Delta Kernel,
 * and every reader, Kernel's and Spark's, current or as of a version, sees the newest row of each key.
 * The expected current state is kept by the test as a plain map of the last write of each key.
 */
class AppendedTableTest {
  private static final MetaTable LOG = new MetaTable("appended_log",
      new StructType()
          .add("run", StringType, false)
          .add("attempt", IntegerType, false)
          .add("state", StringType, false)
          .add("rows", LongType, true)
          .add("score", DoubleType, true)
          .add("ok", BooleanType, true)
          .add("day", DateType, true)
          .add("started_at", TimestampType, false)
          .add("recorded_at", TimestampType, true),
      List.of("run", "attempt"), "a log whose rows change state").withNewestBy("recorded_at", 8);

  private static Row row(String run, int attempt, String state, Long rows) {
    return RowFactory.create(run, attempt, state, rows, rows == null ? null : rows / 3.0, rows != null,
        Date.valueOf("2026-12-0" + (attempt % 9 + 1)), Timestamp.valueOf("2026-12-06 08:00:00.123456"), null);
  }

  /** run/attempt -> "state rows score ok day started_at", what a reader must show as current. */
  private static Map<String, String> current(List<Row> rows) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : rows) {
      assertNotNull(r.getAs("recorded_at"), "the lakehouse stamps every appended row");
      out.put(r.getAs("run") + "/" + r.getAs("attempt"), r.getAs("state") + " " + r.getAs("rows") + " "
          + r.getAs("score") + " " + r.getAs("ok") + " " + r.getAs("day") + " " + r.getAs("started_at"));
    }
    return out;
  }

  private static void expect(Map<String, String> expected, Row written) {
    expected.put(written.get(0) + "/" + written.get(1), written.get(2) + " "
        + written.get(3) + " " + written.get(4) + " " + written.get(5) + " " + written.get(6) + " " + written.get(7));
  }

  @Test
  void everyReaderSeesTheNewestRowOfEachKeyAndTheOlderStatesStayInTheTable() throws Exception {
    Lakehouse lake = TestSpark.freshLakehouse("appended");
    lake.ensure(LOG);
    // A checkpoint every fourth commit (Delta's default is ten): a few appends leave Kernel's checkpoint.
    lake.spark().sql("ALTER TABLE delta.`" + lake.path(LOG) + "` SET TBLPROPERTIES ('delta.checkpointInterval' = '4')");
    Map<String, String> expected = new TreeMap<>();
    List<Row> first = List.of(row("r1", 1, "running", null), row("r1", 2, "running", null));
    lake.upsert(LOG, first);
    first.forEach(r -> expect(expected, r));
    long afterFirst = lake.currentVersion(LOG);
    Map<String, String> asOfFirst = new TreeMap<>(expected);
    // Two rows of one key in one write: the later one is the newest.
    List<Row> second = List.of(row("r1", 1, "failed", 10L), row("r1", 2, "succeeded", 20L),
        row("r1", 2, "succeeded", 21L));
    lake.upsert(LOG, second);
    second.forEach(r -> expect(expected, r));
    // Past the checkpoint interval: Kernel writes the checkpoint of version 4, both readers use it.
    for (int i = 0; i < 2; i++) {
      Row r = row("r" + (2 + i % 3), 1, i % 2 == 0 ? "running" : "succeeded", (long) i);
      lake.upsert(LOG, List.of(r));
      expect(expected, r);
    }
    assertTrue(Files.exists(Path.of(lake.path(LOG).replaceFirst("^file:", ""), "_delta_log",
        "00000000000000000004.checkpoint.parquet")), "Kernel wrote the checkpoint of version 4");

    assertEquals(expected, current(lake.rows(LOG)));
    assertEquals(expected, current(lake.read(LOG).collectAsList()), "Spark's frame of the table");
    assertEquals(Map.of("r1/2", expected.get("r1/2")),
        current(lake.rows(Match.on(LOG).eq("run", "r1").eq("attempt", 2), "state", "rows", "score", "ok", "day",
            "started_at")), "a match with a projection still finds the newest row");
    assertEquals(asOfFirst, current(lake.rowsAt(Match.on(LOG), afterFirst)), "as of the first commit");
    assertEquals(asOfFirst, current(lake.readAt(LOG, afterFirst).collectAsList()));
    long raw = lake.spark().read().format("delta").load(lake.path(LOG)).count();
    assertEquals(2 + 3 + 2, raw, "every state is kept as a row");
  }

  @Test
  void everyEighthCommitCompactsTheSmallFilesAndKeepsEveryRow() {
    Lakehouse lake = TestSpark.freshLakehouse("appended-compact");
    Map<String, String> expected = new TreeMap<>();
    long filesBefore = 0;
    for (int i = 1; i <= LOG.compactEvery(); i++) {
      Row r = row("r" + i % 7, 1, "state-" + i, (long) i);
      lake.upsert(LOG, List.of(r));
      expect(expected, r);
      if (i == LOG.compactEvery() - 1) {
        filesBefore = numFiles(lake);
      }
    }
    assertEquals(LOG.compactEvery() - 1, filesBefore, "one file per append before the compaction");
    assertEquals(50, dev.esteira.workflow.WorkflowTables.WORKFLOW_RUNS.compactEvery(), "the run log's interval");
    assertEquals(1, numFiles(lake), "compacted into one file at commit " + LOG.compactEvery());
    assertEquals(expected, current(lake.rows(LOG)));
    assertEquals(LOG.compactEvery(), lake.spark().read().format("delta").load(lake.path(LOG)).count(),
        "the history is kept");
  }

  private static long numFiles(Lakehouse lake) {
    return lake.spark().sql("DESCRIBE DETAIL delta.`" + lake.path(LOG) + "`").first().<Long>getAs("numFiles");
  }

  private static final StructType RESULT = new StructType()
      .add("name", StringType, true).add("value", DoubleType, true).add("passed", BooleanType, true);
  private static final MetaTable NESTED = new MetaTable("appended_nested",
      new StructType()
          .add("id", StringType, false)
          .add("results", createArrayType(RESULT, true), true)
          .add("best", RESULT, true)
          .add("recorded_at", TimestampType, true),
      List.of("id"), "rows with an array of structs and a struct").withNewestBy("recorded_at");

  /**
   * Arrays of structs and structs appended through Kernel read back as Spark's Parquet reader and Kernel's
   * reader see them: nulls at every level, an empty array, and a row Spark read (whose array is a Scala
   * sequence) appended again as the newest of its key.
   */
  @Test
  void arraysOfStructsAndStructsAreWrittenAsSparkReadsThem() {
    Lakehouse lake = TestSpark.freshLakehouse("appended-nested");
    lake.ensure(NESTED);
    Row a = RowFactory.create("a", List.of(RowFactory.create("rows", 100.0, true),
        RowFactory.create("mean", null, false), RowFactory.create(null, 2.5, null)), RowFactory.create("rows", 1.0, true), null);
    Row b = RowFactory.create("b", List.of(), null, null);
    Row c = RowFactory.create("c", null, RowFactory.create(null, null, null), null);
    List<Row> withNullElement = new ArrayList<>();
    withNullElement.add(RowFactory.create("x", -0.5, true));
    withNullElement.add(null);
    Row d = RowFactory.create("d", withNullElement, null, null);
    lake.upsert(NESTED, List.of(a, b, c, d));
    Map<String, String> expected = new TreeMap<>(Map.of(
        "a", "[[rows,100.0,true], [mean,null,false], [null,2.5,null]] [rows,1.0,true]",
        "b", "[] null",
        "c", "null [null,null,null]",
        "d", "[[x,-0.5,true], null] null"));
    List<Row> raw = lake.spark().read().format("delta").load(lake.path(NESTED)).collectAsList();
    assertEquals(expected, nested(raw), "Spark's Parquet reader, straight from the files");
    assertEquals(expected, nested(lake.rows(NESTED)), "the lakehouse's Kernel reader");
    // Spark's row of b with a new array: its array arrives as a Scala sequence.
    Row sparkA = raw.stream().filter(r -> r.getAs("id").equals("a")).findFirst().orElseThrow();
    lake.upsert(NESTED, List.of(RowFactory.create("b", sparkA.get(1), sparkA.get(2), null)));
    expected.put("b", expected.get("a"));
    assertEquals(expected, nested(lake.read(NESTED).collectAsList()));
    assertEquals(expected, nested(lake.rows(NESTED)));
  }

  private static final MetaTable PARTS = new MetaTable("appended_parts",
      new StructType()
          .add("target", StringType, false)
          .add("batch", StringType, false)
          .add("column", StringType, false)
          .add("value", DoubleType, true)
          .add("counts", createMapType(StringType, LongType), true)
          .add("sketch", BinaryType, false)
          .add("written_at", TimestampType, true),
      List.of("target", "batch", "column"), "per-batch rows written a batch at a time",
      List.of("target", "batch")).withNewestBy("written_at");

  private static Row part(String target, String batch, String column, double value) {
    return RowFactory.create(target, batch, column, value, Map.of(column, (long) value, "other", 1L),
        (column + value).getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
  }

  private static Match partition(String target, String batch) {
    return Match.on(PARTS).eq("target", target).eq("batch", batch);
  }

  /**
   * A partitioned table written a partition at a time: each write is one Kernel append, and every reader
   * (Kernel's, Spark's, current or as of a version, a match narrower than a partition) sees only the rows
   * of each partition's newest write, so a rewrite with fewer rows leaves none of the older ones current.
   */
  @Test
  void ofEachPartitionOnlyTheNewestWriteIsCurrent() {
    Lakehouse lake = TestSpark.freshLakehouse("appended-parts");
    onlyTheNewestWriteIsCurrent(lake);
    assertEquals(List.of("target", "batch"), partitionColumns(lake));
  }

  /**
   * The same on a table created unpartitioned (as the lakehouse created profiles and drift metrics before
   * it partitioned them): the group is in the rows alone.
   */
  @Test
  void ofATableCreatedUnpartitionedTheSame() {
    Lakehouse lake = TestSpark.freshLakehouse("appended-parts-flat");
    io.delta.tables.DeltaTable.createIfNotExists(lake.spark()).location(lake.path(PARTS)).addColumns(PARTS.schema()).execute();
    onlyTheNewestWriteIsCurrent(lake);
    assertEquals(List.of(), partitionColumns(lake));
  }

  private static List<String> partitionColumns(Lakehouse lake) {
    return lake.spark().sql("DESCRIBE DETAIL delta.`" + lake.path(PARTS) + "`").first().<String>getList(
        lake.spark().sql("DESCRIBE DETAIL delta.`" + lake.path(PARTS) + "`").first().fieldIndex("partitionColumns"));
  }

  private static void onlyTheNewestWriteIsCurrent(Lakehouse lake) {
    lake.replace(partition("t1", "b1"), List.of(part("t1", "b1", "a", 1), part("t1", "b1", "b", 2), part("t1", "b1", "c", 3)));
    lake.replace(partition("t1", "b2"), List.of(part("t1", "b2", "a", 4), part("t1", "b2", "b", 5)));
    lake.replace(partition("t2", "b1"), List.of(part("t2", "b1", "a", 6)));
    long beforeRewrite = lake.currentVersion(PARTS);
    // Batch b1 of t1 again, with one column only.
    lake.replace(partition("t1", "b1"), List.of(part("t1", "b1", "a", 7)));

    Map<String, String> expected = new TreeMap<>(Map.of(
        "t1/b1/a", "7.0 {a=7, other=1} a7.0", "t1/b2/a", "4.0 {a=4, other=1} a4.0",
        "t1/b2/b", "5.0 {b=5, other=1} b5.0", "t2/b1/a", "6.0 {a=6, other=1} a6.0"));
    assertEquals(expected, parts(lake.rows(PARTS)), "Kernel's reader");
    assertEquals(expected, parts(lake.read(PARTS).collectAsList()), "Spark's frame");
    assertEquals(List.of(), lake.rows(partition("t1", "b1").eq("column", "b")),
        "a column the newest write of its partition does not have is not current");
    assertEquals(List.of(), lake.read(partition("t1", "b1").eq("column", "b")).collectAsList());
    assertEquals(Map.of("t1/b1/a", expected.get("t1/b1/a")),
        parts(lake.rows(partition("t1", "b1").eq("column", "a"), "column", "value", "counts", "sketch")));
    Map<String, String> asBefore = new TreeMap<>(expected);
    asBefore.put("t1/b1/a", "1.0 {a=1, other=1} a1.0");
    asBefore.put("t1/b1/b", "2.0 {b=2, other=1} b2.0");
    asBefore.put("t1/b1/c", "3.0 {c=3, other=1} c3.0");
    assertEquals(asBefore, parts(lake.rowsAt(Match.on(PARTS), beforeRewrite)), "as of the version before the rewrite");
    assertEquals(asBefore, parts(lake.readAt(PARTS, beforeRewrite).collectAsList()));
    assertEquals(3 + 2 + 1 + 1, lake.spark().read().format("delta").load(lake.path(PARTS)).count(),
        "the older write stays in the table");
    assertEquals(1, lake.spark().read().format("delta").load(lake.path(PARTS)).where("batch = 'b2'")
        .select("written_at").distinct().count(), "one stamp for all rows of a write");

    // No rows at all: the partition is emptied (a Spark delete), the others stay.
    lake.replace(partition("t1", "b2"), List.of());
    expected.remove("t1/b2/a");
    expected.remove("t1/b2/b");
    assertEquals(expected, parts(lake.rows(PARTS)));
    assertEquals(expected, parts(lake.read(PARTS).collectAsList()));

    long version = lake.currentVersion(PARTS);
    IllegalArgumentException narrower = assertThrows(IllegalArgumentException.class,
        () -> lake.replace(partition("t1", "b1").eq("column", "a"), List.of(part("t1", "b1", "a", 8))));
    assertTrue(narrower.getMessage().contains("a whole partition"), narrower.getMessage());
    IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
        () -> lake.replace(partition("t1", "b1"), List.of(part("t1", "b9", "a", 8))));
    assertTrue(outside.getMessage().contains("not in"), outside.getMessage());
    assertEquals(version, lake.currentVersion(PARTS), "nothing written by a refused replace");
  }

  /** A table written a target at a time, whose targets may also be replaced a batch at a time. */
  private static final MetaTable BY_TARGET = new MetaTable("appended_by_target", PARTS.schema(), PARTS.keys(),
      "per-target rows written a target at a time, or a batch of one", List.of("target"))
      .withNewestBy("written_at").withPartialReplace();

  private static Match target(String target) {
    return Match.on(BY_TARGET).eq("target", target);
  }

  /**
   * A partial replace (a batch of one target) keeps the target's other current rows: they are written
   * again with the new ones as the target's newest write. A partial replace with no rows removes the part
   * alone, and one that leaves nothing empties the target.
   */
  @Test
  void aPartialReplaceKeepsTheRestOfItsPartition() {
    Lakehouse lake = TestSpark.freshLakehouse("appended-partial");
    lake.replace(target("t1"), List.of(part("t1", "b1", "a", 1), part("t1", "b1", "b", 2), part("t1", "b2", "a", 3)));
    lake.replace(target("t2"), List.of(part("t2", "b1", "a", 4)));
    lake.replace(target("t1").eq("batch", "b1"), List.of(part("t1", "b1", "a", 5)));

    Map<String, String> expected = new TreeMap<>(Map.of(
        "t1/b1/a", "5.0 {a=5, other=1} a5.0", "t1/b2/a", "3.0 {a=3, other=1} a3.0", "t2/b1/a", "4.0 {a=4, other=1} a4.0"));
    assertEquals(expected, parts(lake.rows(Match.on(BY_TARGET))), "Kernel's reader");
    assertEquals(expected, parts(lake.read(BY_TARGET).collectAsList()), "Spark's frame");
    assertEquals(1, lake.read(BY_TARGET).where("target = 't1'").select("written_at").distinct().count(),
        "the kept rows are part of the newest write");
    IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
        () -> lake.replace(target("t1").eq("batch", "b1"), List.of(part("t1", "b2", "a", 8))));
    assertTrue(outside.getMessage().contains("not in"), outside.getMessage());

    lake.replace(target("t1").eq("batch", "b2"), List.of());
    expected.remove("t1/b2/a");
    assertEquals(expected, parts(lake.rows(Match.on(BY_TARGET))));
    lake.replace(target("t1").eq("batch", "b1"), List.of());
    expected.remove("t1/b1/a");
    assertEquals(expected, parts(lake.rows(Match.on(BY_TARGET))));
    assertEquals(expected, parts(lake.read(BY_TARGET).collectAsList()));
  }

  /**
   * Writers that each replace their own batch of one target at the same moment: each reads the target's
   * rows and writes them back with its own, so without the sequence a writer that read before another
   * committed would drop that one's rows. Every writer's last rows are current at the end.
   */
  @Test
  void concurrentPartialReplacesOfOnePartitionLoseNothing() throws Exception {
    Lakehouse lake = TestSpark.freshLakehouse("appended-partial-concurrent");
    lake.ensure(BY_TARGET);
    int writers = 4;
    int writes = 4;
    atOnce(writers, writes, (w, i) -> lake.replace(target("t1").eq("batch", "b" + w), List.of(part("t1", "b" + w, "a", i))));
    Map<String, String> expected = new TreeMap<>();
    for (int w = 0; w < writers; w++) {
      expected.put("t1/b" + w + "/a", writes + ".0 {a=" + writes + ", other=1} a" + writes + ".0");
    }
    assertEquals(expected, parts(lake.rows(Match.on(BY_TARGET))));
    assertEquals(expected, parts(lake.read(BY_TARGET).collectAsList()));
  }

  /** A sequenced append whose number the table already holds is refused, and writes nothing. */
  @Test
  void aTakenSequenceNumberIsRefused() {
    Lakehouse lake = TestSpark.freshLakehouse("appended-sequence");
    lake.ensure(BY_TARGET);
    KernelAppender appender = new KernelAppender(lake.hadoopConfiguration());
    String path = lake.path(BY_TARGET);
    Map<String, Object> t1 = Map.of("target", "t1");
    appender.append(path, BY_TARGET.schema(), List.of(part("t1", "b1", "a", 1)), t1, new KernelAppender.Sequence("s", 0));
    long version = lake.currentVersion(BY_TARGET);
    assertThrows(KernelAppender.SequenceTaken.class, () -> appender.append(
        path, BY_TARGET.schema(), List.of(part("t1", "b1", "a", 2)), t1, new KernelAppender.Sequence("s", 0)));
    assertEquals(version, lake.currentVersion(BY_TARGET), "nothing written");
    appender.append(path, BY_TARGET.schema(), List.of(part("t1", "b1", "a", 3)), t1, new KernelAppender.Sequence("s", 1));
    appender.append(path, BY_TARGET.schema(), List.of(part("t1", "b1", "a", 4)), t1, new KernelAppender.Sequence("other", 0));
    assertEquals(version + 2, lake.currentVersion(BY_TARGET));
  }

  /** target/batch/column -> "value counts sketch". */
  private static Map<String, String> parts(List<Row> rows) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : rows) {
      assertNotNull(r.getAs("written_at"), "the lakehouse stamps every write");
      out.put(r.getAs("target") + "/" + r.getAs("batch") + "/" + r.getAs("column"), r.getAs("value") + " "
          + new TreeMap<>(r.<String, Long>getJavaMap(r.fieldIndex("counts"))) + " "
          + new String(r.<byte[]>getAs("sketch"), java.nio.charset.StandardCharsets.UTF_8));
    }
    return out;
  }

  /** id -> "results best", arrays and structs printed by value. */
  private static Map<String, String> nested(List<Row> rows) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : rows) {
      Object results = r.isNullAt(1) ? null : r.getList(1);
      out.put(r.getAs("id"), results + " " + r.get(2));
    }
    return out;
  }

  @Test
  void aNullInANotNullColumnIsRefusedBeforeAnythingIsWritten() {
    Lakehouse lake = TestSpark.freshLakehouse("appended-null");
    lake.upsert(LOG, List.of(row("r1", 1, "running", null)));
    long version = lake.currentVersion(LOG);
    Row bad = RowFactory.create("r1", 1, null, 1L, 1.0, true, null, Timestamp.valueOf("2026-12-06 08:00:00"), null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> lake.upsert(LOG, List.of(row("r9", 1, "running", 1L), bad)));
    assertTrue(e.getMessage().contains("column state is NOT NULL"), e.getMessage());
    assertEquals(version, lake.currentVersion(LOG), "no commit");
    assertEquals(Map.of("r1/1", "running null null false 2026-12-02 2026-12-06 08:00:00.123456"),
        current(lake.rows(LOG)));
  }

  @Test
  void writersOfOtherKeysAtTheSameMomentLoseNothing() throws Exception {
    Lakehouse lake = TestSpark.freshLakehouse("appended-concurrent");
    lake.ensure(LOG);
    int writers = 4;
    int writes = 5;
    atOnce(writers, writes, (w, i) -> lake.upsert(LOG, List.of(row("w" + w, 1, i == writes ? "succeeded" : "running", (long) i))));
    Map<String, String> got = current(lake.rows(LOG));
    assertEquals(writers, got.size());
    for (int w = 0; w < writers; w++) {
      assertTrue(got.get("w" + w + "/1").startsWith("succeeded 5 "), got.toString());
    }
    assertEquals(writers * writes, lake.spark().read().format("delta").load(lake.path(LOG)).count());
    assertEquals(writers * writes, io.delta.tables.DeltaTable.forPath(lake.spark(), lake.path(LOG)).history()
        .where("operation = 'WRITE'").count(), "one commit per write (besides the creation and the compactions)");
  }

  /** Runs {@code writers} threads at once, each making {@code writes} writes in order ({@code write(writer, 1..writes)}). */
  private static void atOnce(int writers, int writes, java.util.function.BiConsumer<Integer, Integer> write) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      done.add(pool.submit(() -> {
        for (int i = 1; i <= writes; i++) {
          write.accept(writer, i);
        }
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
  }
}
