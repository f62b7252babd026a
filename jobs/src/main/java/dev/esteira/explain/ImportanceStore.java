package dev.esteira.explain;

import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.Match;
import dev.esteira.lake.Rows;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The one store of {@code feature_importance}: a run's importances on one sample (its holdout, or a
 * labelled batch) replace the earlier ones in one commit; read back as records, without Spark.
 */
public final class ImportanceStore {
  /** The sample name of a run's own holdout. */
  public static final String HOLDOUT = "holdout";

  private final Lakehouse lake;

  public ImportanceStore(Lakehouse lake) {
    this.lake = lake;
  }

  /** One column's importances, as stored. */
  public record Entry(String model, String runId, String sample, String column, String metric, double baseline,
      double importance, double importanceStd, double importanceLow, double importanceHigh, int rank, int repeats,
      int rows, long seed, Double modelImportance, String modelImportanceKind, Timestamp computedAt) {

    Row toRow() {
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("model", model);
      m.put("run_id", runId);
      m.put("sample", sample);
      m.put("column", column);
      m.put("metric", metric);
      m.put("baseline", baseline);
      m.put("importance", importance);
      m.put("importance_std", importanceStd);
      m.put("importance_low", importanceLow);
      m.put("importance_high", importanceHigh);
      m.put("rank", rank);
      m.put("repeats", repeats);
      m.put("rows", rows);
      m.put("seed", seed);
      m.put("model_importance", modelImportance);
      m.put("model_importance_kind", modelImportanceKind);
      m.put("computed_at", computedAt);
      return Rows.of(ExplainTables.FEATURE_IMPORTANCE.schema(), m);
    }

    static Entry of(Row r) {
      return new Entry(r.getAs("model"), r.getAs("run_id"), r.getAs("sample"), r.getAs("column"), r.getAs("metric"),
          r.<Double>getAs("baseline"), r.<Double>getAs("importance"), r.<Double>getAs("importance_std"),
          r.<Double>getAs("importance_low"), r.<Double>getAs("importance_high"), r.<Integer>getAs("rank"),
          r.<Integer>getAs("repeats"), r.<Integer>getAs("rows"), r.<Long>getAs("seed"), r.getAs("model_importance"),
          r.getAs("model_importance_kind"), r.getAs("computed_at"));
    }
  }

  private static Match key(String model, String runId, String sample) {
    return Match.on(ExplainTables.FEATURE_IMPORTANCE).eq("model", model).eq("run_id", runId).eq("sample", sample);
  }

  /** Replaces a run's importances on a sample with {@code entries}, in one commit. */
  public void replace(String model, String runId, String sample, List<Entry> entries) {
    List<Row> rows = new ArrayList<>();
    entries.forEach(e -> rows.add(e.toRow()));
    lake.replace(key(model, runId, sample), rows);
  }

  /** A run's importances on a sample, by rank; empty when none were computed. */
  public List<Entry> of(String model, String runId, String sample) {
    List<Entry> out = new ArrayList<>();
    for (Row r : lake.rows(key(model, runId, sample))) {
      out.add(Entry.of(r));
    }
    out.sort(Comparator.comparingInt(Entry::rank));
    return out;
  }
}
