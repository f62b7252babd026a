package dev.esteira.monitor;

import static org.apache.spark.sql.functions.col;

import dev.esteira.EsteiraException;
import dev.esteira.config.EsteiraConfig;
import dev.esteira.lake.Lakehouse;
import dev.esteira.monitor.stats.ChiSquareResult;
import dev.esteira.monitor.stats.DriftStatistics;
import dev.esteira.monitor.stats.KsResult;
import dev.esteira.monitor.stats.NumericSummary;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Compares stored profiles — a batch against the training baseline and against the previous batch — and
 * records every metric in {@code drift_metrics}. Nothing is rescanned: drift comes from profiles alone.
 * A column alerts when any metric named in the policy's {@code alert_on} crosses its threshold.
 */
public final class DriftDetector {
  /** Metrics where drift means a value below the threshold (a p-value); all others drift above it. */
  private static final String CHI_SQUARE_P = "chi_square_p";

  private final Lakehouse lake;
  private final Profiler profiler;
  private final EsteiraConfig.Drift policy;

  public DriftDetector(Lakehouse lake, EsteiraConfig.Drift policy) {
    this.lake = lake;
    this.profiler = new Profiler(lake);
    this.policy = policy;
  }

  public record Metric(
      String comparison, String referenceBatch, String column, String kind, String metric, double value,
      Double errorBound, Double threshold, boolean drifted, boolean alerting) {}

  public record DriftResult(String batch, List<Metric> metrics, List<String> alertingColumns, String previous) {}

  public DriftResult compare(String model, String dataset, String batch, String baseline, String previous) {
    List<ColumnProfile> current = requireProfiles(dataset, batch);
    List<Metric> metrics = new ArrayList<>(compareTo("baseline", baseline, current, requireProfiles(dataset, baseline)));
    String prev = "auto".equals(previous) ? previousBatch(dataset, batch, baseline) : blankToNull(previous);
    if (prev != null) {
      metrics.addAll(compareTo("previous", prev, current, requireProfiles(dataset, prev)));
    }
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> rows = new ArrayList<>();
    for (Metric m : metrics) {
      rows.add(
          RowFactory.create(
              model, dataset, batch, m.comparison(), m.referenceBatch(), m.column(), m.kind(), m.metric(),
              Double.isNaN(m.value()) ? null : m.value(), m.errorBound(), m.threshold(), m.drifted(),
              m.alerting(), now));
    }
    lake.replace(
        MonitorTables.DRIFT_METRICS,
        lake.frame(MonitorTables.DRIFT_METRICS, rows),
        "model = '" + model + "' AND dataset = '" + dataset + "' AND batch = '" + batch + "'");
    TreeSet<String> alerting = new TreeSet<>();
    metrics.stream().filter(Metric::alerting).forEach(m -> alerting.add(m.column()));
    return new DriftResult(batch, metrics, List.copyOf(alerting), prev);
  }

  /** The profiled batch that sorts just before this one by name, other than the baseline. */
  String previousBatch(String dataset, String batch, String baseline) {
    List<Row> rows =
        lake.read(MonitorTables.PROFILES)
            .where(col("dataset").equalTo(dataset)
                .and(col("batch").lt(batch))
                .and(col("batch").notEqual(baseline)))
            .select("batch")
            .distinct()
            .orderBy(col("batch").desc())
            .limit(1)
            .collectAsList();
    return rows.isEmpty() ? null : rows.get(0).getString(0);
  }

  private List<Metric> compareTo(
      String comparison, String reference, List<ColumnProfile> current, List<ColumnProfile> base) {
    Map<String, ColumnProfile> byColumn = new LinkedHashMap<>();
    base.forEach(p -> byColumn.put(p.column(), p));
    List<Metric> out = new ArrayList<>();
    for (ColumnProfile cur : current) {
      ColumnProfile ref = byColumn.get(cur.column());
      if (ref == null) {
        continue;
      }
      if (cur.kind().equals(ColumnProfile.NUMERIC)) {
        NumericSummary b = ref.numericSummary();
        NumericSummary c = cur.numericSummary();
        if (b.nonNull() == 0 || c.nonNull() == 0) {
          continue;
        }
        KsResult ks = DriftStatistics.ks(b, c);
        double scale = b.stddev() > 0 ? b.stddev() : 1.0;
        out.add(metric(comparison, reference, cur, "psi", DriftStatistics.psi(b, c), null));
        out.add(metric(comparison, reference, cur, "ks", ks.statistic(), ks.errorBound()));
        out.add(metric(comparison, reference, cur, "js", DriftStatistics.jensenShannon(b, c), null));
        out.add(metric(comparison, reference, cur, "wasserstein", DriftStatistics.wasserstein(b, c) / scale, null));
      } else {
        if (ref.categoricalSummary().counts().isEmpty() || cur.categoricalSummary().counts().isEmpty()) {
          continue;
        }
        ChiSquareResult chi = DriftStatistics.chiSquare(ref.categoricalSummary(), cur.categoricalSummary());
        out.add(metric(comparison, reference, cur, CHI_SQUARE_P, chi.pValue(), null));
        out.add(metric(comparison, reference, cur, "psi",
            DriftStatistics.psi(ref.categoricalSummary(), cur.categoricalSummary()), null));
        out.add(metric(comparison, reference, cur, "js",
            DriftStatistics.jensenShannon(ref.categoricalSummary(), cur.categoricalSummary()), null));
      }
    }
    return out;
  }

  private Metric metric(
      String comparison, String reference, ColumnProfile cur, String name, double value, Double bound) {
    Double threshold = policy.thresholds().get(name);
    boolean drifted =
        threshold != null && !Double.isNaN(value)
            && (name.equals(CHI_SQUARE_P) ? value < threshold : value > threshold);
    boolean alerting = drifted && policy.alertOn() != null && Boolean.TRUE.equals(policy.alertOn().get(name));
    return new Metric(comparison, reference, cur.column(), cur.kind(), name, value, bound, threshold, drifted, alerting);
  }

  private List<ColumnProfile> requireProfiles(String dataset, String batch) {
    List<ColumnProfile> p = profiler.stored(dataset, batch);
    if (p.isEmpty()) {
      throw new EsteiraException(
          "dataset '" + dataset + "' batch '" + batch + "' has no stored profile; run profile first");
    }
    return p;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() || s.equals("none") ? null : s;
  }
}
