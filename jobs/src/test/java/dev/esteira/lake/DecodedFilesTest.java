package dev.esteira.lake;

import static org.apache.spark.sql.types.DataTypes.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The metadata reader keeps the rows it decoded from each data file: a later read, after other commits
 * replaced or added rows, still gives exactly what Spark reads of the table as it is then; and the kept
 * files stay within their memory budget.
 */
class DecodedFilesTest {
  private static final MetaTable T = new MetaTable("decoded",
      new StructType().add("batch", StringType, false).add("column", StringType, false).add("value", DoubleType, true)
          .add("blob", BinaryType, true),
      List.of("batch", "column"), "a table read again and again", List.of("batch"));

  private static List<String> sorted(List<Row> rows) {
    return rows.stream().map(r -> r.getString(0) + "/" + r.getString(1) + "=" + r.get(2)).sorted().toList();
  }

  private static List<Row> batch(String batch, double value, String... columns) {
    List<Row> rows = new ArrayList<>();
    for (String c : columns) {
      rows.add(RowFactory.create(batch, c, value, new byte[] {(byte) value}));
    }
    return rows;
  }

  @Test
  void readsAfterOtherCommitsGiveWhatSparkReadsThoughEarlierFilesWereKept() {
    Lakehouse lake = TestSpark.freshLakehouse("decoded-files");
    lake.replace(Match.on(T).eq("batch", "b1"), batch("b1", 1, "x", "y"));
    lake.replace(Match.on(T).eq("batch", "b2"), batch("b2", 2, "x"));
    assertEquals(sorted(lake.read(T).collectAsList()), sorted(lake.rows(T)));
    int kept = KernelReader.DECODED.size();
    assertTrue(kept >= 2, "the files just read are kept: " + kept);
    // The same files read again, whole and by a condition and with fewer columns.
    assertEquals(sorted(lake.read(T).collectAsList()), sorted(lake.rows(T)));
    assertEquals(List.of("b2/x=2.0"), sorted(lake.rows(Match.on(T).eq("batch", "b2"))));
    assertEquals(List.of("x", "y"), lake.rows(Match.on(T).eq("batch", "b1"), "column").stream().map(r -> r.getString(0)).sorted().toList());

    // Another writer replaces b1 with fewer rows, adds b3: the kept files of b1 are no longer live.
    lake.replace(Match.on(T).eq("batch", "b1"), batch("b1", 5, "y"));
    lake.replace(Match.on(T).eq("batch", "b3"), batch("b3", 3, "z"));
    assertEquals(List.of("b1/y=5.0", "b2/x=2.0", "b3/z=3.0"), sorted(lake.rows(T)));
    assertEquals(sorted(lake.read(T).collectAsList()), sorted(lake.rows(T)));
    Row one = lake.rows(Match.on(T).eq("batch", "b1")).get(0);
    assertArrayEquals(new byte[] {5}, (byte[]) one.getAs("blob"));
  }

  @Test
  void theLeastRecentlyReadFilesGoFirstAndNothingOverTheBudgetIsKept() {
    KernelReader.DecodedFiles files = new KernelReader.DecodedFiles(100_000);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(new Object[] {"batch-" + i, (long) i, new byte[100]});
    }
    // About 9 KB each, so about 11 fit.
    for (int f = 0; f < 30; f++) {
      files.put("file-" + f, rows);
      assertNotNull(files.get("file-0"), "read after every put, so kept while others go");
    }
    assertTrue(files.size() < 15 && files.size() > 5, "files kept: " + files.size());
    assertNull(files.get("file-1"), "the least recently read goes first");
    assertNotNull(files.get("file-29"));
    List<Object[]> huge = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      huge.add(new Object[] {new byte[1000]});
    }
    files.put("huge", huge); // more than an eighth of the budget
    assertNull(files.get("huge"));
  }
}
