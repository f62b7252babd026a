package dev.esteira.monitor;


import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.Match;
import dev.esteira.lake.Rows;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.SortedSet;
import org.apache.spark.sql.Row;

/**
 * The one store of {@code performance}: its record, the one mapping between record and row (by column
 * name), the keyed replace of what was measured, and the queries other packages ask of it.
 */
public final class PerformanceStore {
  private static final org.apache.spark.sql.types.StructType SCHEMA = PerformanceTables.PERFORMANCE.schema();

  /** One row: a metric of a model version on a batch, realized on labels or estimated before them. */
  public record Performance(String model, int version, String batch, String kind, String metric, Double value,
      long labelled, long predictions, Double reference, Double threshold, boolean alerting, Timestamp computedAt) {

    public boolean realized() {
      return PerformanceTables.REALIZED.equals(kind);
    }

    Row toRow() {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("model", model);
      r.put("version", version);
      r.put("batch", batch);
      r.put("kind", kind);
      r.put("metric", metric);
      r.put("value", value);
      r.put("labelled", labelled);
      r.put("predictions", predictions);
      r.put("reference", reference);
      r.put("threshold", threshold);
      r.put("alerting", alerting);
      r.put("computed_at", computedAt);
      return Rows.of(SCHEMA, r);
    }

    static Performance of(Row r) {
      return new Performance(r.getAs("model"), r.<Integer>getAs("version"), r.getAs("batch"), r.getAs("kind"),
          r.getAs("metric"), r.getAs("value"), r.<Long>getAs("labelled"), r.<Long>getAs("predictions"),
          r.getAs("reference"), r.getAs("threshold"), r.<Boolean>getAs("alerting"), r.getAs("computed_at"));
    }
  }

  private final Lakehouse lake;

  public PerformanceStore(Lakehouse lake) {
    this.lake = lake;
  }

  /**
   * Replaces everything measured for a model (of one batch when {@code batch} is not null) with
   * {@code rows}, in one commit: a rerun, or a rerun with more labels, leaves one row per key.
   */
  public void replace(String model, String batch, List<Performance> rows) {
    Match measured = Match.on(PerformanceTables.PERFORMANCE).eq("model", model);
    if (batch != null) {
      measured = measured.eq("batch", batch);
    }
    lake.replace(measured, rows.stream().map(Performance::toRow).toList());
  }

  /** Every row of a model, in batch, version, kind and metric order; none when the table does not exist. */
  public List<Performance> of(String model) {
    List<Performance> out = new ArrayList<>();
    for (Row r : lake.rows(Match.on(PerformanceTables.PERFORMANCE).eq("model", model))) {
      out.add(Performance.of(r));
    }
    out.sort(java.util.Comparator.comparing(Performance::batch).thenComparingInt(Performance::version)
        .thenComparing(Performance::kind).thenComparing(Performance::metric));
    return out;
  }

  private Match realizedOf(String model, int version) {
    return Match.on(PerformanceTables.PERFORMANCE).eq("model", model).eq("version", version)
        .eq("kind", PerformanceTables.REALIZED);
  }

  /** The batches on which a version's realized performance raised a decay alert. */
  public SortedSet<String> decayedBatches(String model, int version) {
    return batches(realizedOf(model, version).eq("alerting", true), r -> true);
  }

  /** The batches of a version with at least {@code minLabelled} labelled predictions. */
  public SortedSet<String> labelledBatches(String model, int version, long minLabelled) {
    return batches(realizedOf(model, version), r -> r.<Long>getAs("labelled") >= minLabelled);
  }

  private SortedSet<String> batches(Match match, java.util.function.Predicate<Row> condition) {
    SortedSet<String> out = new TreeSet<>();
    for (Row r : lake.rows(match, "batch", "labelled")) {
      if (condition.test(r)) {
        out.add(r.getAs("batch"));
      }
    }
    return out;
  }
}
