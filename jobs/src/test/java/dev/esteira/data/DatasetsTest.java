package dev.esteira.data;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import com.holdenkarau.spark.testing.JavaRDDComparisons;
import dev.esteira.EsteiraException;
import dev.esteira.demo.DemoData;
import dev.esteira.lake.Lakehouse;
import dev.esteira.testing.Csv;
import dev.esteira.testing.TestSpark;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each test stands alone on one lakehouse: {@code reference} and {@code day-01} are ingested once, before
 * any test, and each test only adds batches of its own (or none) and compares tables before and after.
 */
class DatasetsTest {
  static Lakehouse lake;
  static Datasets datasets;
  static DatasetSpec loans;
  static Path data;
  static Path work;
  /** The first ingest of reference.csv, then of day-01.csv, done once before the tests. */
  static Datasets.IngestResult reference;
  static Datasets.IngestResult day1;

  @BeforeAll
  static void setUp() {
    lake = TestSpark.freshLakehouse("datasets");
    datasets = new Datasets(lake);
    loans = DatasetSpec.load(TestSpark.confDir().resolve("datasets"), "loans");
    work = TestSpark.newDir("datasets-input");
    data = work.resolve("landing");
    DemoData.generate(data, new DemoData.Options(11L, 2, 2, 300, 200, 1));
    reference = datasets.ingest(loans, data.resolve("reference.csv").toString(), null, "reference");
    day1 = datasets.ingest(loans, data.resolve("daily/day-01.csv").toString(), "csv", "day-01");
  }

  private long tableVersion() {
    return DeltaTable.forPath(lake.spark(), lake.datasetPath("loans")).history(1).first().getLong(0);
  }

  private long versionRows() {
    return lake.read(DatasetTables.DATASET_VERSIONS).count();
  }

  private static long versionRows(String batch) {
    return lake.read(DatasetTables.DATASET_VERSIONS).where(col("batch").equalTo(batch)).count();
  }

  @Test
  void ingestRecordsAVersionAndReadsBackExactlyWhatTheFileHeld() {
    Datasets.IngestResult r = reference;
    assertFalse(r.unchanged());
    assertEquals(300, r.version().rowCount());
    assertEquals("passed", r.version().contractStatus());
    assertEquals(1, versionRows("reference"));

    // The independent side: Spark's own CSV reader with the contract's schema, no Esteira code involved.
    StructType schema =
        new StructType()
            .add("application_id", "string").add("age", "int").add("income", "double")
            .add("loan_amount", "double").add("credit_score", "int").add("employment_years", "double")
            .add("home_ownership", "string").add("purpose", "string").add("region", "string")
            .add("defaulted", "int");
    Dataset<Row> expected =
        lake.spark().read().option("header", "true").schema(schema).csv(data.resolve("reference.csv").toString());
    Dataset<Row> actual = datasets.readBatch("loans", "reference").frame().select(schema.fieldNames()[0], rest(schema));
    JavaRDDComparisons.assertRDDEquals(expected.toJavaRDD(), actual.toJavaRDD());
  }

  private static String[] rest(StructType s) {
    String[] names = s.fieldNames();
    return java.util.Arrays.copyOfRange(names, 1, names.length);
  }

  @Test
  void ingestingTheSameContentAgainChangesNothing() {
    long before = tableVersion();
    long rows = versionRows();
    Datasets.IngestResult r = datasets.ingest(loans, data.resolve("reference.csv").toString(), null, "reference");
    assertTrue(r.unchanged());
    assertEquals(before, tableVersion());
    assertEquals(rows, versionRows());
    assertEquals(1, versionRows("reference"));
  }

  @Test
  void eachBatchIsAVersionAndOldVersionsReadBackAsTheyWere() {
    long refVersion = reference.version().version();
    assertFalse(day1.unchanged());
    assertTrue(day1.version().version() > refVersion);
    assertEquals(300, datasets.readVersion("loans", refVersion).count());
    assertEquals(500, datasets.readVersion("loans", day1.version().version()).count());
    assertEquals(200, datasets.readBatch("loans", "day-01").frame().count());
    // Daily batches carry no label: the optional contract column is stored as null.
    assertEquals(200, datasets.readBatch("loans", "day-01").frame().where(col("defaulted").isNull()).count());
  }

  @Test
  void tagsNameOneVersionAndMove() {
    long refVersion = datasets.latest("loans", "reference").orElseThrow().version();
    long dayVersion = datasets.latest("loans", "day-01").orElseThrow().version();
    datasets.tag("loans", refVersion, "gold");
    assertEquals(refVersion, datasets.tagged("loans", "gold").version());
    datasets.tag("loans", dayVersion, "gold");
    assertEquals(dayVersion, datasets.tagged("loans", "gold").version());
    assertEquals(1, datasets.versions("loans").stream().filter(v -> "gold".equals(v.tag())).count());
    EsteiraException e = assertThrows(EsteiraException.class, () -> datasets.tagged("loans", "silver"));
    assertTrue(e.getMessage().contains("no version tag 'silver'"), e.getMessage());
    e = assertThrows(EsteiraException.class, () -> datasets.tag("loans", 999, "x"));
    assertTrue(e.getMessage().contains("has no version 999"), e.getMessage());
  }

  @Test
  void parquetAndJsonBatchesAreIngestedWithTheContractTypes() {
    Dataset<Row> day2 = lake.spark().read().option("header", "true").option("inferSchema", "true")
        .csv(data.resolve("daily/day-02.csv").toString());
    String parquet = work.resolve("day-02.parquet").toString();
    String json = work.resolve("day-02.json").toString();
    day2.write().parquet(parquet);
    day2.write().json(json);
    assertEquals(200, datasets.ingest(loans, parquet, "parquet", "day-02-parquet").version().rowCount());
    assertEquals(200, datasets.ingest(loans, json, "json", "day-02-json").version().rowCount());
    List<Row> a = datasets.readBatch("loans", "day-02-parquet").frame().orderBy("application_id").collectAsList();
    List<Row> b = datasets.readBatch("loans", "day-02-json").frame().orderBy("application_id").collectAsList();
    assertEquals(a, b);
  }

  /** Every refused batch leaves the dataset table and dataset_versions exactly as they were. */
  private void assertRefused(String path, String format, String expectedMessage) {
    long version = tableVersion();
    long rows = versionRows();
    EsteiraException e =
        assertThrows(EsteiraException.class, () -> datasets.ingest(loans, path, format, "bad-batch"));
    assertTrue(e.getMessage().contains(expectedMessage), "message was: " + e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
    assertEquals(version, tableVersion(), "table unchanged");
    assertEquals(rows, versionRows(), "dataset_versions unchanged");
    assertTrue(datasets.latest("loans", "bad-batch").isEmpty());
  }

  private String edited(String name, UnaryOperator<List<String>> edit) {
    Path target = work.resolve(name);
    Csv.rewrite(data.resolve("daily/day-02.csv"), target, edit);
    return target.toString();
  }

  private static UnaryOperator<List<String>> cell(int row, int column, String value) {
    return lines -> {
      String[] cells = lines.get(row).split(",", -1);
      cells[column] = value;
      lines.set(row, String.join(",", cells));
      return lines;
    };
  }

  @Test
  void badInputIsRefusedWholeWithAClearMessage() {
    assertRefused(work.resolve("nope.csv").toString(), "csv", "input not found");
    assertRefused(data.resolve("daily/day-02.csv").toString(), "parquet", "as parquet");
    assertRefused(data.resolve("daily/day-02.csv").toString(), "xml", "unknown format 'xml'");
    assertRefused(
        edited("no-income.csv", lines -> {
          List<String> out = new ArrayList<>();
          for (String l : lines) {
            List<String> cells = new ArrayList<>(List.of(l.split(",", -1)));
            cells.remove(2);
            out.add(String.join(",", cells));
          }
          return out;
        }),
        "csv", "missing column 'income'");
    assertRefused(edited("text-income.csv", cell(5, 2, "lots")), "csv", "income: 1 values not of type double");
    assertRefused(edited("fraction-age.csv", cell(5, 1, "33.5")), "csv", "age: 1 values not of type integer");
    assertRefused(edited("old.csv", cell(3, 1, "150")), "csv", "age: 1 values above max 100.0");
    assertRefused(edited("mars.csv", cell(7, 8, "mars")), "csv", "region: 1 values not in");
    assertRefused(edited("no-id.csv", cell(9, 0, "")), "csv", "application_id: 1 nulls in a non-nullable column");
    assertRefused(
        edited("extra.csv", lines -> {
          List<String> out = new ArrayList<>();
          for (int i = 0; i < lines.size(); i++) {
            out.add(lines.get(i) + (i == 0 ? ",shoe_size" : ",42"));
          }
          return out;
        }),
        "csv", "unexpected column 'shoe_size'");
    Path brokenJson = work.resolve("broken.json");
    Csv.rewrite(data.resolve("daily/day-02.csv"), brokenJson, lines -> List.of("{\"application_id\": \"x\", \"age\": ", "not json"));
    assertRefused(brokenJson.toString(), "json", "cannot read");
  }

  @Test
  void expectationsAreCheckedAndRecordedWithTheVersion() {
    ExpectationReport ok = datasets.validate(loans, "reference");
    assertTrue(ok.passed(), ok.toString());
    assertEquals("passed", datasets.latest("loans", "reference").orElseThrow().expectationsStatus());

    // Duplicate ids pass the contract (a per-row check) but not the uniqueness expectation.
    String dup = edited("dup.csv", cell(2, 0, "d02-000001"));
    datasets.ingest(loans, dup, "csv", "duplicates");
    ExpectationReport bad = datasets.validate(loans, "duplicates");
    assertFalse(bad.passed());
    assertEquals(1, bad.failures().size());
    assertEquals(1.0, bad.failures().get(0).value());
    assertEquals("failed", datasets.latest("loans", "duplicates").orElseThrow().expectationsStatus());
  }
}
