package dev.esteira.scoring;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.lake.Lakehouse;
import dev.esteira.testing.TestSpark;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A routed batch of 2,000 rows written to a real {@code predictions} table: each row served once, by the
 * version its place gives, the other version's prediction kept apart in shadow; the shares within the
 * binomial bound; a rerun routes every row as before; a wider share moves only the rows it must. The
 * scored rows are made by hand (the models' transform is the scoring the other tests cover).
 */
class RoutedPredictionsTest {
  static final String MODEL = "loan_default";
  static final String BATCH = "day-01";
  /** Fewer rows than RoutingTest's 10,000: the shares are checked there; here, what the table holds. */
  static final int ROWS = 2_000;
  static Lakehouse lake;
  static PredictionStore store;

  @BeforeAll
  static void lake() {
    lake = TestSpark.freshLakehouse("routed");
    store = new PredictionStore(lake);
  }

  /** One version's scored rows, in the table's columns but the role and experiment. */
  static Dataset<Row> scored(int version) {
    return lake.spark().range(500_000, 500_000 + ROWS).select(
        lit(MODEL).as("model"), lit(version).as("version"), lit("loans").as("dataset"), lit(3L).as("dataset_version"),
        lit(BATCH).as("batch"), col("id").cast("string").as("row_id"),
        col("id").plus(version).mod(2).cast("double").as("prediction"), lit(0.5).as("probability"),
        lit(null).cast("map<string,string>").as("features"),
        lit(Timestamp.from(Instant.parse("2026-03-01T00:00:00Z"))).as("scored_at"));
  }

  static Map<String, String> write(Routing routing) {
    Dataset<Row> rows = Scorer.routed(scored(routing.champion()), scored(routing.challenger()), routing);
    store.replace(MODEL, List.of(routing.champion(), routing.challenger()), BATCH, rows);
    return servedBy();
  }

  /** The table's rows after the last write, read once: row id, version, role, experiment. */
  static List<Row> table = List.of();

  /** Row id to "vN experiment" of the version that served it; fails on a row served twice. */
  static Map<String, String> servedBy() {
    table = lake.read(PredictionTables.PREDICTIONS).select("row_id", "version", "role", "experiment").collectAsList();
    Map<String, String> out = new HashMap<>();
    for (Row r : table) {
      if (r.getString(2).equals(Routing.SERVED)) {
        String before = out.put(r.getString(0), "v" + r.getInt(1) + " " + r.getString(3));
        assertNull(before, "row " + r.getString(0) + " served twice");
      }
    }
    return out;
  }

  static long rows(String role) {
    return table.stream().filter(r -> role == null || r.getString(2).equals(role)).count();
  }

  static void assertWithinBinomial(long count, double share) {
    BinomialDistribution b = new BinomialDistribution(ROWS, share);
    assertTrue(count >= b.inverseCumulativeProbability(0.0005) && count <= b.inverseCumulativeProbability(0.9995),
        count + " rows for a share of " + share);
  }

  @Test
  void servedAndShadowApartEachRowServedOnceAndReruns() {
    Routing canary = new Routing(MODEL + "-v2", 1, 2, 25, true);
    Map<String, String> first = write(canary);
    assertEquals(ROWS, first.size(), "every row served once");
    long byChallenger = first.values().stream().filter(v -> v.startsWith("v2 ")).count();
    assertWithinBinomial(byChallenger, 0.25);
    assertEquals(Map.of(1, (long) ROWS - byChallenger, 2, byChallenger), store.servedCounts(MODEL, BATCH),
        "the store's count of served rows per version");
    // Routed by the plain-Java rule, and with the experiment on every served row.
    first.forEach((id, v) -> assertEquals("v" + canary.servedBy(id) + " " + MODEL + "-v2", v, id));
    // With shadow, both versions scored every row: 2 x ROWS rows, the shadow ones the complement.
    assertEquals(2L * ROWS, rows(null));
    assertEquals((long) ROWS, rows(Routing.SHADOW));

    // A rerun of the night: the same rows to the same versions, nothing added.
    assertEquals(first, write(canary));
    assertEquals(2L * ROWS, rows(null));

    // Widened to 50 %: only rows of the champion moved, about a quarter of them.
    Map<String, String> wider = write(canary.withShare(50));
    long moved = 0;
    for (String id : first.keySet()) {
      if (first.get(id).startsWith("v2 ")) {
        assertEquals(first.get(id), wider.get(id), "row " + id + " left the challenger");
      } else if (wider.get(id).startsWith("v2 ")) {
        moved++;
      }
    }
    assertWithinBinomial(moved, 0.25);

    // Without shadow each version keeps only the rows it served.
    Map<String, String> noShadow = write(new Routing(MODEL + "-v2", 1, 2, 50, false));
    assertEquals(wider, noShadow);
    assertEquals((long) ROWS, rows(null));
  }
}
