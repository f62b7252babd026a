package dev.esteira.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.lake.Lakehouse;
import dev.esteira.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Timestamp and date columns can be contracted: parsed from text, typed in the table, bad text refused. */
class TemporalContractTest {
  static Lakehouse lake;
  static Datasets datasets;
  static Path work;
  static final DatasetSpec EVENTS = new DatasetSpec("events", "clicks", "csv", "id", false,
      List.of(
          new DatasetSpec.Column("id", "string", false, true, "id", null, null, null),
          new DatasetSpec.Column("seen_at", "timestamp", true, true, "feature", null, null, null),
          new DatasetSpec.Column("day", "date", false, true, "feature", null, null, null)),
      List.of());

  @BeforeAll
  static void setUp() {
    lake = TestSpark.freshLakehouse("temporal");
    datasets = new Datasets(lake);
    work = TestSpark.newDir("temporal-input");
  }

  private static String csv(String name, String body) throws Exception {
    Path p = work.resolve(name);
    Files.writeString(p, "id,seen_at,day\n" + body);
    return p.toString();
  }

  @Test
  void isoTextBecomesTypedTimestampsAndDates() throws Exception {
    String path = csv("good.csv", "a,2026-11-01 08:30:00,2026-11-01\nb,2026-11-02T23:59:59,2026-11-02\nc,,2026-11-03\n");
    datasets.ingest(EVENTS, path, null, "b1");
    List<Row> rows = datasets.readBatch("events", "b1").frame().orderBy("id").collectAsList();
    assertEquals(Timestamp.valueOf("2026-11-01 08:30:00"), rows.get(0).getTimestamp(1));
    assertEquals(Timestamp.valueOf("2026-11-02 23:59:59"), rows.get(1).getTimestamp(1));
    assertNull(rows.get(2).get(1));
    assertEquals(Date.valueOf("2026-11-03"), rows.get(2).getDate(2));
  }

  @Test
  void textThatIsNoDateIsCountedAndTheBatchRefused() throws Exception {
    String path = csv("bad.csv", "a,yesterday,2026-11-01\nb,2026-11-02 10:00:00,2026-13-45\nc,2026-11-02 10:00:00,\n");
    ContractViolation e = assertThrows(ContractViolation.class, () -> datasets.ingest(EVENTS, path, null, "bad"));
    String m = e.getMessage();
    assertTrue(m.contains("seen_at: 1 values not of type timestamp"), m);
    assertTrue(m.contains("day: 1 values not of type date"), m);
    assertTrue(m.contains("day: 1 nulls in a non-nullable column"), m);
    assertFalse(lake.exists(DatasetTables.DATASET_VERSIONS)
        && lake.read(DatasetTables.DATASET_VERSIONS).where("batch = 'bad'").count() > 0);
  }
}
