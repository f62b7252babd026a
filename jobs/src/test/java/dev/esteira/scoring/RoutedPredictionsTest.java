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
    store.replaceServing(MODEL, List.of(routing.champion(), routing.challenger()), BATCH, rows);
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

    // v2 promoted, and the night rerun: v2 serves every row of the batch. The rows v1 served stay, as its
    // shadow rows, in the same commit: no row is served twice (servedBy fails on one), v1's scores kept.
    long servedByV1 = noShadow.values().stream().filter(v -> v.startsWith("v1 ")).count();
    Dataset<Row> byV2 = scored(2).withColumn("role", lit(Routing.SERVED)).withColumn("experiment", lit(null).cast("string"));
    store.replaceServing(MODEL, List.of(2), BATCH, byV2);
    Map<String, String> promoted = servedBy();
    assertEquals(ROWS, promoted.size(), "every row served once");
    promoted.forEach((id, v) -> assertEquals("v2 null", v, id));
    assertEquals(servedByV1, table.stream().filter(r -> r.getInt(1) == 1 && r.getString(2).equals(Routing.SHADOW)).count(),
        "the rows v1 served, kept as shadow");
    assertEquals(ROWS + servedByV1, rows(null));
  }

  /**
   * Schema 2 to 3: a row is served where its version was in production when it was scored, by the
   * registry's history; here v1 reached production now, so its rows scored later are served, those scored
   * before it and v2's (staging, in shadow) are shadow.
   */
  @Test
  void migratedRowsAreServedWhereTheirVersionWasInProduction() {
    var spec = TestSpark.context(lake).model(MODEL);
    dev.esteira.registry.RegistryFixtures.register(lake, version(1), version(2));
    var registry = new dev.esteira.registry.Registry(lake);
    var staging = dev.esteira.registry.Stage.STAGING;
    assertTrue(registry.promote(spec, 1, staging, "test", null).accepted());
    assertTrue(registry.promote(spec, 1, dev.esteira.registry.Stage.PRODUCTION, "test", null).accepted());
    assertTrue(registry.promote(spec, 2, staging, "test", null).accepted());
    Timestamp before = Timestamp.from(Instant.parse("2020-01-01T00:00:00Z"));
    Timestamp after = Timestamp.from(Instant.now().plusSeconds(3600));
    List<Row> v2Rows = List.of(
        org.apache.spark.sql.RowFactory.create(MODEL, 1, "loans", 1L, "day-00", "a", 1.0, 0.5, null, before),
        org.apache.spark.sql.RowFactory.create(MODEL, 1, "loans", 1L, "day-09", "a", 1.0, 0.5, null, after),
        org.apache.spark.sql.RowFactory.create(MODEL, 2, "loans", 1L, "day-09", "a", 0.0, 0.5, null, after));
    Map<String, String> roles = new HashMap<>();
    for (Row r : PredictionTables.rolesV2toV3(lake, lake.spark().createDataFrame(v2Rows, PredictionTables.PREDICTIONS_V2))
        .collectAsList()) {
      assertNull(r.getAs("experiment"));
      roles.put("v" + r.getAs("version") + " " + r.getAs("batch"), r.getAs("role"));
    }
    assertEquals(Map.of("v1 day-00", Routing.SHADOW, "v1 day-09", Routing.SERVED, "v2 day-09", Routing.SHADOW), roles);
  }

  static dev.esteira.registry.ModelVersion version(int v) {
    return dev.esteira.registry.ModelVersion.registration(MODEL, v)
        .run("run-" + v, Map.of("auc_roc", 0.8, "accuracy", 0.8))
        .artifact("/artifacts/" + MODEL + "/" + v, "0".repeat(64))
        .trainedOn("loans", 1L, "reference")
        .builtBy("hash", "test")
        .createdAt(Timestamp.from(Instant.parse("2026-03-01T00:00:00Z")))
        .build();
  }
}
