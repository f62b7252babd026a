package dev.esteira.monitor;

import dev.esteira.EsteiraException;
import dev.esteira.lake.Lakehouse;
import dev.esteira.monitor.stats.CategoricalProfile;
import dev.esteira.monitor.stats.ColumnDrift;
import dev.esteira.monitor.stats.DriftPolicy;
import dev.esteira.monitor.stats.NumericProfile;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compares stored profiles of a target — a batch against its baseline, the batch that arrived before
 * it, or a window of earlier batches merged from their sketches — and records every metric in
 * {@code drift_metrics}. Nothing is rescanned: drift comes from the stored sketches alone.
 */
public final class DriftDetector {
  private final Lakehouse lake;
  private final Profiler profiler;
  private final DriftPolicy policy;

  public DriftDetector(Lakehouse lake, Profiler profiler, DriftPolicy policy) {
    this.lake = lake;
    this.profiler = profiler;
    this.policy = policy;
  }

  /** One stored metric. */
  public record Metric(
      String comparison, String referenceBatch, String column, String kind, ColumnDrift.Metric metric) {}

  public record DriftResult(
      String target, String batch, List<Metric> metrics, List<String> alertingColumns, String previous) {}

  /**
   * @param baseline a batch of the same target, or null for none
   * @param previous "auto" (the batch that arrived just before), "none" or a batch name
   * @param window   0 for none, else compare with the merge of this many batches that arrived before
   */
  public DriftResult compare(String target, String batch, String baseline, String previous, int window) {
    return compare(target, batch, baseline, previous, window, null);
  }

  /**
   * As above; {@code current} is the batch's profiles when the caller has just computed them (saves a
   * read). Reads the target's arrival order once and every reference profile in one query.
   */
  public DriftResult compare(
      String target, String batch, String baseline, String previous, int window, List<ColumnProfile> current) {
    boolean auto = "auto".equals(previous);
    List<String> earlier =
        auto || window > 0 ? Profiler.before(profiler.arrivals(target), batch, Math.max(1, window)) : List.of();
    String prev = auto ? earlier.stream().findFirst().orElse(null) : blankToNull(previous);
    List<String> windowBatches = window > 0 ? earlier.subList(0, Math.min(window, earlier.size())) : List.of();
    Set<String> needed = new LinkedHashSet<>();
    if (current == null) {
      needed.add(batch);
    }
    if (baseline != null && !baseline.equals(batch)) {
      needed.add(baseline);
    }
    if (prev != null && !prev.equals(batch)) {
      needed.add(prev);
    }
    needed.addAll(windowBatches);
    Map<String, List<ColumnProfile>> stored = profiler.stored(target, needed);
    List<ColumnProfile> cur = current != null ? current : require(stored, target, batch);
    List<Metric> metrics = new ArrayList<>();
    if (baseline != null && !baseline.equals(batch)) {
      metrics.addAll(compareTo("baseline", baseline, cur, require(stored, target, baseline)));
    }
    if (prev != null && !prev.equals(batch)) {
      metrics.addAll(compareTo("previous", prev, cur, require(stored, target, prev)));
    }
    if (!windowBatches.isEmpty()) {
      metrics.addAll(compareTo("window", String.join(",", windowBatches), cur, merged(stored, target, windowBatches)));
    }
    write(target, cur.get(0).dataset(), batch, metrics);
    TreeSet<String> alerting = new TreeSet<>();
    metrics.stream().filter(m -> m.metric().alerting()).forEach(m -> alerting.add(m.column()));
    return new DriftResult(target, batch, metrics, List.copyOf(alerting), prev);
  }

  private void write(String target, String dataset, String batch, List<Metric> metrics) {
    Timestamp now = Timestamp.from(Instant.now());
    Target t = Target.parse(target);
    List<DriftStore.DriftMetric> rows = new ArrayList<>();
    for (Metric m : metrics) {
      ColumnDrift.Metric x = m.metric();
      rows.add(new DriftStore.DriftMetric(t, dataset, batch, m.comparison(), m.referenceBatch(), m.column(), m.kind(),
          x.metric(), Double.isNaN(x.value()) ? null : x.value(), x.errorBound(), x.threshold(), x.status().label,
          x.status() == ColumnDrift.Status.DRIFT, x.alerting(), now));
    }
    new DriftStore(lake).replace(t, batch, rows);
  }

  /** The profiles of several batches merged column by column: a window, from the sketches alone. */
  private List<ColumnProfile> merged(Map<String, List<ColumnProfile>> stored, String target, List<String> batches) {
    Map<String, NumericProfile> numeric = new LinkedHashMap<>();
    Map<String, CategoricalProfile> categorical = new LinkedHashMap<>();
    Map<String, ColumnProfile> first = new LinkedHashMap<>();
    for (String b : batches) {
      for (ColumnProfile p : require(stored, target, b)) {
        first.putIfAbsent(p.column(), p);
        if (p.kind().equals(ColumnProfile.NUMERIC)) {
          numeric.merge(p.column(), p.numericProfile(), (x, y) -> { x.merge(y); return x; });
        } else {
          categorical.merge(p.column(), p.categoricalProfile(), (x, y) -> { x.merge(y); return x; });
        }
      }
    }
    List<ColumnProfile> out = new ArrayList<>();
    for (ColumnProfile p : first.values()) {
      ColumnProfile.Origin o =
          new ColumnProfile.Origin(target, p.dataset(), "window", p.datasetVersion(), p.ingestedAt());
      out.add(
          p.kind().equals(ColumnProfile.NUMERIC)
              ? ColumnProfile.numeric(o, p.column(), p.dataType(), numeric.get(p.column()), p.profiledAt())
              : ColumnProfile.categorical(o, p.column(), p.dataType(), categorical.get(p.column()), p.profiledAt()));
    }
    return out;
  }

  private List<Metric> compareTo(
      String comparison, String reference, List<ColumnProfile> current, List<ColumnProfile> base) {
    Map<String, ColumnProfile> byColumn = new LinkedHashMap<>();
    base.forEach(p -> byColumn.put(p.column(), p));
    List<Metric> out = new ArrayList<>();
    for (ColumnProfile cur : current) {
      ColumnProfile ref = byColumn.get(cur.column());
      if (ref == null || !ref.kind().equals(cur.kind())) {
        continue;
      }
      List<ColumnDrift.Metric> ms =
          cur.kind().equals(ColumnProfile.NUMERIC)
              ? ColumnDrift.numeric(ref.numericProfile(), cur.numericProfile(), policy)
              : ColumnDrift.categorical(ref.categoricalProfile(), cur.categoricalProfile(), policy);
      for (ColumnDrift.Metric m : ms) {
        out.add(new Metric(comparison, reference, cur.column(), cur.kind(), m));
      }
    }
    return out;
  }

  private static List<ColumnProfile> require(Map<String, List<ColumnProfile>> stored, String target, String batch) {
    List<ColumnProfile> p = stored.get(batch);
    if (p == null || p.isEmpty()) {
      throw new EsteiraException(target + " batch '" + batch + "' has no stored profile; run profile first");
    }
    return p;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() || s.equals("none") ? null : s;
  }
}
