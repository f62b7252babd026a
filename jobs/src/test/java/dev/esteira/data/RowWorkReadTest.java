package dev.esteira.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.lake.Lakehouse;
import dev.esteira.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A small batch read on the driver through Delta Kernel (for checks and scoring) holds exactly the rows,
 * values and types that Spark's read of the same batch at the same version holds, for every contract type
 * and nulls; a batch over the size limit is Spark's read itself.
 */
class RowWorkReadTest {
  static Lakehouse lake;
  static Datasets datasets;
  static Path work;
  static final DatasetSpec EVERY_TYPE = new DatasetSpec("every_type", "one column per contract type", "csv", "id", false,
      List.of(
          new DatasetSpec.Column("id", "string", false, true, "id", null, null, null),
          new DatasetSpec.Column("n", "integer", true, true, "feature", null, null, null),
          new DatasetSpec.Column("big", "long", true, true, "feature", null, null, null),
          new DatasetSpec.Column("x", "double", true, true, "feature", null, null, null),
          new DatasetSpec.Column("ok", "boolean", true, true, "feature", null, null, null),
          new DatasetSpec.Column("day", "date", true, true, "feature", null, null, null),
          new DatasetSpec.Column("seen_at", "timestamp", true, true, "feature", null, null, null),
          new DatasetSpec.Column("city", "string", true, true, "feature", null, null, null)),
      List.of());

  @BeforeAll
  static void setUp() throws Exception {
    lake = TestSpark.freshLakehouse("row-work-read");
    datasets = new Datasets(lake);
    work = TestSpark.newDir("row-work-read-input");
    datasets.ingest(EVERY_TYPE, csv("b1-first.csv", "a,1,10000000000,0.5,true,2026-11-01,2026-11-01 08:30:00.123456,Lisboa\n"), null, "b1");
    datasets.ingest(EVERY_TYPE, csv("b2.csv", "z,7,7,7.0,false,2026-01-31,2026-01-31 00:00:00,Porto\n"), null, "b2");
    // b1 again with other rows: its newer version holds it; b2 is still read at its own version.
    datasets.ingest(EVERY_TYPE, csv("b1.csv",
        "a,1,10000000000,0.5,true,2026-11-01,2026-11-01 08:30:00.123456,Lisboa\n"
            + "b,-2,-3,-1.0E-300,false,1970-01-01,1969-12-31 23:59:59,São Paulo\n"
            + "c,,,,,,,\n"
            + "d,2147483647,9223372036854775807,1.7976931348623157E308,true,9999-12-31,2262-04-11 23:47:16,\"a, b\"\n"), null, "b1");
  }

  private static String csv(String name, String body) throws Exception {
    Path p = work.resolve(name);
    Files.writeString(p, "id,n,big,x,ok,day,seen_at,city\n" + body);
    return p.toString();
  }

  private static boolean onTheDriver(Dataset<Row> frame) {
    return frame.queryExecution().analyzed().toString().contains("LocalRelation");
  }

  @Test
  void aSmallBatchReadOnTheDriverIsSparksReadOfIt() {
    for (String batch : List.of("b1", "b2")) {
      Datasets.VersionedFrame spark = datasets.readBatch("every_type", batch);
      Datasets.VersionedFrame local = datasets.readBatchForRowWork("every_type", batch);
      assertTrue(onTheDriver(local.frame()), batch + " read on the driver");
      assertFalse(onTheDriver(spark.frame()), batch + " read by Spark");
      assertEquals(spark.version(), local.version());
      assertEquals(spark.frame().schema().json(), local.frame().schema().json(), batch + " schema");
      List<Row> expected = spark.frame().orderBy("id").collectAsList();
      assertEquals(batch.equals("b1") ? 4 : 1, expected.size());
      assertEquals(expected, local.frame().orderBy("id").collectAsList(), batch + " rows");
      // And what the checks compute from them.
      assertEquals(spark.frame().selectExpr("avg(x)", "count(n)", "max(seen_at)", "min(day)").collectAsList(),
          local.frame().selectExpr("avg(x)", "count(n)", "max(seen_at)", "min(day)").collectAsList());
    }
  }

  @Test
  void aBatchOverTheLimitIsReadBySpark() {
    Datasets.VersionedFrame over = datasets.readBatchForRowWork("every_type", "b1", 3);
    assertFalse(onTheDriver(over.frame()));
    assertEquals(4, over.frame().count());
    assertTrue(onTheDriver(datasets.readBatchForRowWork("every_type", "b1", 4).frame()));
  }

  @Test
  void anUnknownBatchIsOneLine() {
    var e = assertThrows(dev.esteira.EsteiraException.class, () -> datasets.readBatchForRowWork("every_type", "b9"));
    assertEquals("dataset 'every_type' has no batch 'b9'", e.getMessage());
  }
}
