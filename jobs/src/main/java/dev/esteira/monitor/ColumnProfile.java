package dev.esteira.monitor;

import dev.esteira.monitor.stats.CategoricalProfile;
import dev.esteira.monitor.stats.NumericProfile;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One row of {@code profiles} (read and written by {@link ProfileStore}): a column of one batch of a target, summarised, with its serialized
 * mergeable sketch ({@link NumericProfile} or {@link CategoricalProfile}) from which drift is computed.
 */
public record ColumnProfile(
    String target,
    String dataset,
    String batch,
    long datasetVersion,
    Timestamp ingestedAt,
    String column,
    String kind,
    String dataType,
    long rows,
    long nulls,
    long nans,
    long posInf,
    long negInf,
    Double min,
    Double max,
    Double mean,
    Double stddev,
    Map<String, Double> quantiles,
    Map<String, Long> categoryCounts,
    Long categoryOther,
    boolean exact,
    double rankError,
    byte[] sketch,
    Timestamp profiledAt) {

  public static final String NUMERIC = "numeric";
  public static final String CATEGORICAL = "categorical";
  static final double[] QUANTILES = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};

  /** Where a batch came from: its target, dataset, batch and the version that ingested it. */
  public record Origin(String target, String dataset, String batch, long datasetVersion, Timestamp ingestedAt) {}

  static ColumnProfile numeric(Origin o, String column, String dataType, NumericProfile p, Timestamp now) {
    Map<String, Double> q = null;
    if (p.finite() > 0) {
      q = new LinkedHashMap<>();
      double[] values = p.quantiles(QUANTILES);
      for (int i = 0; i < QUANTILES.length; i++) {
        q.put(String.format(Locale.ROOT, "p%02d", Math.round(QUANTILES[i] * 100)), values[i]);
      }
    }
    return new ColumnProfile(
        o.target(), o.dataset(), o.batch(), o.datasetVersion(), o.ingestedAt(), column, NUMERIC, dataType,
        p.rows(), p.nulls(), p.nans(), p.posInf(), p.negInf(), nullIfNaN(p.min()), nullIfNaN(p.max()),
        nullIfNaN(p.mean()), nullIfNaN(p.stddev()), q, null, null, p.exact(), p.rankError(), p.toBytes(), now);
  }

  static ColumnProfile categorical(Origin o, String column, String dataType, CategoricalProfile p, Timestamp now) {
    return new ColumnProfile(
        o.target(), o.dataset(), o.batch(), o.datasetVersion(), o.ingestedAt(), column, CATEGORICAL, dataType,
        p.rows(), p.nulls(), 0, 0, 0, null, null, null, null, null, p.counts(), p.other(), p.exact(), 0.0,
        p.toBytes(), now);
  }

  public NumericProfile numericProfile() {
    return NumericProfile.fromBytes(sketch);
  }

  public CategoricalProfile categoricalProfile() {
    return CategoricalProfile.fromBytes(sketch);
  }

  private static Double nullIfNaN(double d) {
    return Double.isNaN(d) ? null : d;
  }
}
