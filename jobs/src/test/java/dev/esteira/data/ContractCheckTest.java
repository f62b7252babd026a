package dev.esteira.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.lake.Fingerprints;
import dev.esteira.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The contract check of a wide batch: one Spark job for every rule of every column and the content
 * fingerprint, with counts equal to a brute-force count over the raw rows and the fingerprint equal to
 * the one the aggregate of {@link Fingerprints#content} computes.
 */
class ContractCheckTest {
  private static final int COLUMNS = 600;
  private static final int ROWS = 240;

  @Test
  void aWideBatchIsCheckedAndFingerprintedInOneJobWithExactCounts() throws Exception {
    Random random = new Random(42);
    StructType schema = new StructType();
    List<DatasetSpec.Column> columns = new ArrayList<>();
    for (int c = 0; c < COLUMNS; c++) {
      schema = schema.add("c" + c, DataTypes.StringType, true);
      // Every third column numeric with a range, every third categorical with allowed values, the rest free text.
      columns.add(switch (c % 3) {
        case 0 -> new DatasetSpec.Column("c" + c, "double", c % 2 == 0, true, "feature", 0.0, 100.0, null);
        case 1 -> new DatasetSpec.Column("c" + c, "string", true, true, "feature", null, null, List.of("a", "b", "c"));
        default -> new DatasetSpec.Column("c" + c, "integer", true, true, "feature", null, null, null);
      });
    }
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < ROWS; r++) {
      Object[] v = new Object[COLUMNS];
      for (int c = 0; c < COLUMNS; c++) {
        int dice = random.nextInt(40);
        v[c] = dice == 0 ? null : switch (c % 3) {
          case 0 -> dice == 1 ? "oops" : dice == 2 ? "-5" : dice == 3 ? "250.5" : Double.toString(random.nextDouble() * 100);
          case 1 -> dice == 1 ? "z" : String.valueOf((char) ('a' + random.nextInt(3)));
          default -> dice == 1 ? "3.5" : Integer.toString(random.nextInt(1000) - 500);
        };
      }
      rows.add(RowFactory.create(v));
    }
    Dataset<Row> raw = TestSpark.spark().createDataFrame(
        new JavaSparkContext(TestSpark.spark().sparkContext()).parallelize(rows, 3), schema);
    DatasetSpec spec = new DatasetSpec("wide", null, "csv", null, false, columns, List.of());

    // Brute force over the raw rows, with Java's own parsing.
    List<String> expected = new ArrayList<>();
    for (int c = 0; c < COLUMNS; c++) {
      long notType = 0, nulls = 0, below = 0, above = 0, notAllowed = 0;
      for (Row row : rows) {
        String s = row.getString(c);
        if (s == null) {
          nulls++;
          continue;
        }
        switch (c % 3) {
          case 0 -> {
            try {
              double d = Double.parseDouble(s);
              below += d < 0 ? 1 : 0;
              above += d > 100 ? 1 : 0;
            } catch (NumberFormatException e) {
              notType++;
            }
          }
          case 1 -> notAllowed += List.of("a", "b", "c").contains(s) ? 0 : 1;
          default -> notType += s.matches("[+-]?[0-9]+") ? 0 : 1;
        }
      }
      String name = "c" + c;
      add(expected, notType, name + ": %d values not of type " + columns.get(c).type());
      if (!columns.get(c).nullable()) {
        add(expected, nulls, name + ": %d nulls in a non-nullable column");
      }
      add(expected, below, name + ": %d values below min 0.0");
      add(expected, above, name + ": %d values above max 100.0");
      add(expected, notAllowed, name + ": %d values not in [a, b, c]");
    }
    assertTrue(expected.size() > COLUMNS / 2, "the generated batch breaks many rules");

    AtomicInteger jobs = new AtomicInteger();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        jobs.incrementAndGet();
      }
    };
    TestSpark.spark().sparkContext().addSparkListener(listener);
    ContractViolation refused;
    try {
      refused = assertThrows(ContractViolation.class, () -> ContractCheck.apply(spec, raw, "b1"));
      TestSpark.spark().sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      TestSpark.spark().sparkContext().removeSparkListener(listener);
    }
    assertEquals(1, jobs.get(), "one Spark job checks " + COLUMNS + " columns");
    for (String problem : expected) {
      assertTrue(refused.getMessage().contains(problem), problem);
    }
    assertEquals(expected.size(), refused.problems().size(), String.join("\n", refused.problems()));
  }

  private static void add(List<String> out, long n, String label) {
    if (n > 0) {
      out.add(String.format(java.util.Locale.ROOT, label, n));
    }
  }

  @Test
  void theFingerprintOfAPassingBatchIsTheAggregateOne() {
    StructType schema = new StructType().add("id", "string").add("x", "string").add("when", "string");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      rows.add(RowFactory.create("r" + i, i % 7 == 0 ? null : Double.toString(i * 1.5), "2026-01-0" + (1 + i % 9)));
    }
    Dataset<Row> raw = TestSpark.spark().createDataFrame(
        new JavaSparkContext(TestSpark.spark().sparkContext()).parallelize(rows, 4), schema);
    DatasetSpec spec = new DatasetSpec("fp", null, "csv", "id", false, List.of(
        new DatasetSpec.Column("id", "string", false, true, "id", null, null, null),
        new DatasetSpec.Column("x", "double", true, true, "feature", null, null, null),
        new DatasetSpec.Column("when", "date", true, true, "feature", null, null, null),
        new DatasetSpec.Column("absent", "long", true, false, "feature", null, null, null)), List.of());
    ContractCheck.Checked checked = ContractCheck.apply(spec, raw, "b1");
    assertEquals(Fingerprints.content(checked.typed()), checked.content());
    assertEquals(5000, checked.content().rows());
    // Different content, different fingerprint.
    ContractCheck.Checked fewer = ContractCheck.apply(spec, raw.limit(4999), "b1");
    assertNotEquals(checked.content().hash(), fewer.content().hash());
  }

  /**
   * A column name or an allowed value with a {@code %} in it is user text, not a format: the batch is
   * refused with the ordinary one-line message, not an internal error from the formatter.
   */
  @Test
  void aPercentSignInAColumnNameOrAnAllowedValueIsRefusedNotAnInternalError() {
    StructType schema = new StructType().add("rate_%", "string").add("band", "string");
    List<Row> rows = List.of(RowFactory.create("1.5", "50%"), RowFactory.create("x", "75%"), RowFactory.create("2", "%d"));
    Dataset<Row> raw = TestSpark.spark().createDataFrame(rows, schema);
    DatasetSpec spec = new DatasetSpec("pct", null, "csv", null, false, List.of(
        new DatasetSpec.Column("rate_%", "double", true, true, "feature", null, null, null),
        new DatasetSpec.Column("band", "string", true, true, "feature", null, null, List.of("50%", "100%"))), List.of());
    ContractViolation refused = assertThrows(ContractViolation.class, () -> ContractCheck.apply(spec, raw, "b%s"));
    assertEquals(
        "batch 'b%s' refused by the contract of dataset 'pct': rate_%: 1 values not of type double; "
            + "band: 2 values not in [50%, 100%]",
        refused.getMessage());
  }
}
