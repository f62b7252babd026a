package dev.esteira.monitor;

import dev.esteira.EsteiraException;
import dev.esteira.lake.Lakehouse;
import dev.esteira.monitor.stats.CategoricalProfile;
import dev.esteira.monitor.stats.ColumnDrift;
import dev.esteira.monitor.stats.DatasetDrift;
import dev.esteira.monitor.stats.HistoryAnomalies;
import dev.esteira.monitor.stats.DriftPolicy;
import dev.esteira.monitor.stats.NumericProfile;
import dev.esteira.monitor.stats.WeightedSample;
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
 * {@code drift_metrics}, with each comparison's dataset verdict across columns ({@link DatasetDrift}) and
 * the batch's history anomalies ({@link HistoryAnomalies}). Drift comes from the stored sketches; data is
 * read only for the columns whose sketch decision was inconclusive (see {@link #compare}).
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

  /**
   * What a comparison found. {@code unresolved}: one line per column and comparison whose decision is
   * still inconclusive after the exact pass, saying why (its rows are gone); empty when every question
   * was answered.
   */
  public record DriftResult(String target, String batch, List<Metric> metrics, List<String> alertingColumns,
      String previous, List<String> unresolved, List<DatasetVerdict> datasetVerdicts) {}

  /** The dataset verdict of one comparison (see {@link DatasetDrift}). */
  public record DatasetVerdict(String comparison, String reference, DatasetDrift.Verdict verdict) {}

  /** The {@code column} of the dataset verdict's rows in {@code drift_metrics}. */
  public static final String DATASET_COLUMN = "(dataset)";

  /** The {@code kind} of the dataset verdict's rows. */
  public static final String DATASET_KIND = "dataset";

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
   * read). Reads the target's arrival order once and every reference profile in one query. A numeric
   * decision that flips inside a sketch's error bound is resolved exactly: KS and Wasserstein of those
   * columns only are recomputed from the batches' rows, read as of the versions that were profiled, in
   * one Spark job for all of them ({@link BatchRows}); where the rows are gone the column stays
   * inconclusive and the result says why.
   */
  public DriftResult compare(
      String target, String batch, String baseline, String previous, int window, List<ColumnProfile> current) {
    boolean auto = "auto".equals(previous);
    List<Profiler.Arrival> arrivals =
        auto || window > 0 || policy.historyWindow() > 0 ? profiler.arrivals(target) : List.of();
    List<String> earlier = auto || window > 0 ? Profiler.before(arrivals, batch, Math.max(1, window)) : List.of();
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
    List<Group> groups = new ArrayList<>();
    if (baseline != null && !baseline.equals(batch)) {
      groups.addAll(compareTo("baseline", baseline, cur, require(stored, target, baseline),
          List.of(slice(baseline, require(stored, target, baseline)))));
    }
    if (prev != null && !prev.equals(batch)) {
      groups.addAll(compareTo("previous", prev, cur, require(stored, target, prev),
          List.of(slice(prev, require(stored, target, prev)))));
    }
    if (!windowBatches.isEmpty()) {
      List<BatchRows.Slice> slices = windowBatches.stream().map(b -> slice(b, require(stored, target, b))).toList();
      groups.addAll(compareTo("window", String.join(",", windowBatches), cur, merged(stored, target, windowBatches),
          slices));
    }
    List<String> unresolved = resolve(Target.parse(target), cur.get(0).dataset(), slice(batch, cur), groups);
    List<Metric> metrics = new ArrayList<>();
    Map<List<String>, List<DatasetDrift.ColumnTest>> tests = new LinkedHashMap<>();
    for (Group g : groups) {
      for (ColumnDrift.Metric m : g.metrics()) {
        metrics.add(new Metric(g.comparison(), g.reference(), g.column(), g.kind(), m));
      }
      List<DatasetDrift.ColumnTest> t = tests.computeIfAbsent(List.of(g.comparison(), g.reference()), k -> new ArrayList<>());
      DatasetDrift.ColumnTest test = DatasetDrift.test(g.column(), g.metrics());
      if (test != null) {
        t.add(test);
      }
    }
    TreeSet<String> alerting = new TreeSet<>();
    metrics.stream().filter(m -> m.metric().alerting()).forEach(m -> alerting.add(m.column()));
    List<DatasetVerdict> verdicts = new ArrayList<>();
    tests.forEach((key, t) -> {
      DatasetDrift.Verdict v = DatasetDrift.verdict(t, policy.datasetLevel());
      verdicts.add(new DatasetVerdict(key.get(0), key.get(1), v));
      ColumnDrift.Status status = v.tested() == 0 ? ColumnDrift.Status.INSUFFICIENT_DATA
          : v.drift() ? ColumnDrift.Status.DRIFT : ColumnDrift.Status.OK;
      metrics.add(new Metric(key.get(0), key.get(1), DATASET_COLUMN, DATASET_KIND, new ColumnDrift.Metric(
          "dataset_drift", v.drifted().size(), null, policy.datasetLevel(), status, v.drift())));
      metrics.add(new Metric(key.get(0), key.get(1), DATASET_COLUMN, DATASET_KIND, new ColumnDrift.Metric(
          "simes_p", v.tested() == 0 ? Double.NaN : v.simesP(), null, policy.datasetLevel(), ColumnDrift.Status.INFO,
          false)));
    });
    metrics.addAll(history(target, batch, cur, arrivals));
    write(target, cur.get(0).dataset(), batch, metrics);
    return new DriftResult(target, batch, metrics, List.copyOf(alerting), prev, unresolved, List.copyOf(verdicts));
  }

  /** The {@code comparison} and {@code kind} of the history anomaly rows. */
  public static final String HISTORY = "history";

  /**
   * The batch's facts against the batches that arrived before it ({@link HistoryAnomalies}), read from
   * their stored summaries (no sketch): one row per fact, its robust z-score as the value.
   */
  private List<Metric> history(String target, String batch, List<ColumnProfile> cur, List<Profiler.Arrival> arrivals) {
    if (policy.historyWindow() == 0) {
      return List.of();
    }
    List<String> before = new ArrayList<>(Profiler.before(arrivals, batch, policy.historyWindow()));
    java.util.Collections.reverse(before);
    Map<String, List<ColumnProfile>> stored = new ProfileStore(lake).summaries(Target.parse(target), before);
    List<HistoryAnomalies.Facts> window = new ArrayList<>();
    for (String b : before) {
      if (stored.containsKey(b)) {
        window.add(facts(b, stored.get(b)));
      }
    }
    String reference = window.stream().map(HistoryAnomalies.Facts::batch).collect(java.util.stream.Collectors.joining(","));
    List<Metric> out = new ArrayList<>();
    for (HistoryAnomalies.Check c : HistoryAnomalies.check(window, facts(batch, cur), policy.historyMinBatches(),
        policy.historyZ())) {
      out.add(new Metric(HISTORY, reference, c.column(), HISTORY, new ColumnDrift.Metric(c.metric() + "_z", c.z(), null,
          c.threshold(), c.status(), c.alerting())));
    }
    return out;
  }

  /** A batch's facts from its profiles: rows, arrival (ingest time), rates, exact distinct counts. */
  private static HistoryAnomalies.Facts facts(String batch, List<ColumnProfile> profiles) {
    long rows = profiles.stream().mapToLong(ColumnProfile::rows).max().orElse(0);
    Map<String, Double> nulls = new java.util.TreeMap<>();
    Map<String, Double> nans = new java.util.TreeMap<>();
    Map<String, Double> distinct = new java.util.TreeMap<>();
    for (ColumnProfile p : profiles) {
      if (p.rows() == 0) {
        continue;
      }
      nulls.put(p.column(), (double) p.nulls() / p.rows());
      if (p.kind().equals(ColumnProfile.NUMERIC)) {
        nans.put(p.column(), (double) (p.nans() + p.posInf() + p.negInf()) / p.rows());
      } else if (p.categoryCounts() != null && (p.categoryOther() == null || p.categoryOther() == 0)) {
        // Past the category cap the counts are a frequent-items estimate: no exact distinct count.
        distinct.put(p.column(), (double) p.categoryCounts().size());
      }
    }
    java.sql.Timestamp at = profiles.isEmpty() ? null : profiles.get(0).ingestedAt();
    return new HistoryAnomalies.Facts(batch, rows, at == null ? Double.NaN : at.getTime() / 1000.0, nulls, nans,
        distinct);
  }

  /** One column compared with one reference: the profiles, where the reference's rows are, the metrics. */
  private record Group(String comparison, String reference, String column, String kind, ColumnProfile refProfile,
      ColumnProfile curProfile, List<BatchRows.Slice> refSlices, List<ColumnDrift.Metric> metrics) {}

  private static BatchRows.Slice slice(String batch, List<ColumnProfile> profiles) {
    return new BatchRows.Slice(batch, profiles.get(0).datasetVersion());
  }

  /**
   * Replaces the metrics of every inconclusive group by their exact values from the rows; returns one
   * line per group left inconclusive, saying why.
   */
  private List<String> resolve(Target target, String dataset, BatchRows.Slice current, List<Group> groups) {
    List<Integer> open = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      if (groups.get(i).kind().equals(ColumnProfile.NUMERIC) && ColumnDrift.inconclusive(groups.get(i).metrics())) {
        open.add(i);
      }
    }
    if (open.isEmpty()) {
      return List.of();
    }
    String why = null;
    Map<BatchRows.Slice, Map<String, double[]>> rows = null;
    if (!(target instanceof Target.DatasetTarget)) {
      why = "a model's outputs are profiled as they are scored and not kept as a dataset, so their rows cannot be re-read";
    } else {
      Set<BatchRows.Slice> slices = new LinkedHashSet<>();
      slices.add(current);
      Map<String, Profiler.Monitored> columns = new LinkedHashMap<>();
      for (int i : open) {
        Group g = groups.get(i);
        slices.addAll(g.refSlices());
        columns.put(g.column(), Profiler.Monitored.numeric(g.column(), g.curProfile().dataType()));
      }
      try {
        rows = BatchRows.read(lake, dataset, List.copyOf(slices), List.copyOf(columns.values()));
      } catch (Exception e) {
        // Spark raises a missing table or vacuumed version as a checked exception it does not declare.
        String m = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        why = "the batches' rows are gone (" + e.getClass().getSimpleName() + ": "
            + (m.length() > 160 ? m.substring(0, 160) + "…" : m) + ")";
      }
    }
    List<String> unresolved = new ArrayList<>();
    for (int i : open) {
      Group g = groups.get(i);
      String label = g.column() + " (" + g.comparison() + " " + g.reference() + ")";
      if (rows == null) {
        unresolved.add(label + ": " + why);
        continue;
      }
      NumericProfile refProfile = g.refProfile().numericProfile();
      NumericProfile curProfile = g.curProfile().numericProfile();
      double[] cur = rows.get(current).get(g.column());
      List<double[]> parts = new ArrayList<>();
      for (BatchRows.Slice s : g.refSlices()) {
        parts.add(rows.get(s).get(g.column()));
      }
      double[] ref = parts.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
      WeightedSample r = WeightedSample.ofValues(ref);
      WeightedSample c = WeightedSample.ofValues(cur);
      if (r.total() != refProfile.finite() || c.total() != curProfile.finite()) {
        // The rows read are not those profiled (a batch rewritten in place at the same version cannot
        // happen in Delta, but a profile of other rows can be stored under the batch): no exact answer.
        unresolved.add(label + ": the rows at the profiled versions hold " + r.total() + " and " + c.total()
            + " finite values, the profiles " + refProfile.finite() + " and " + curProfile.finite());
        continue;
      }
      Map<String, ColumnDrift.Metric> exact = new LinkedHashMap<>();
      ColumnDrift.resolveNumeric(refProfile, r, c, policy).forEach(m -> exact.put(m.metric(), m));
      List<ColumnDrift.Metric> replaced = new ArrayList<>();
      for (ColumnDrift.Metric m : g.metrics()) {
        replaced.add(exact.getOrDefault(m.metric(), m));
      }
      groups.set(i, new Group(g.comparison(), g.reference(), g.column(), g.kind(), g.refProfile(), g.curProfile(),
          g.refSlices(), replaced));
    }
    return unresolved;
  }

  private void write(String target, String dataset, String batch, List<Metric> metrics) {
    Timestamp now = Timestamp.from(Instant.now());
    Target t = Target.parse(target);
    List<DriftStore.DriftMetric> rows = new ArrayList<>();
    for (Metric m : metrics) {
      ColumnDrift.Metric x = m.metric();
      rows.add(new DriftStore.DriftMetric(t, dataset, batch, m.comparison(), m.referenceBatch(), m.column(), m.kind(),
          x.metric(), Double.isNaN(x.value()) ? null : x.value(), x.errorBound(), x.threshold(), x.status().label,
          x.status() == ColumnDrift.Status.DRIFT, x.alerting(), x.exact(), now));
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

  private List<Group> compareTo(String comparison, String reference, List<ColumnProfile> current,
      List<ColumnProfile> base, List<BatchRows.Slice> refSlices) {
    Map<String, ColumnProfile> byColumn = new LinkedHashMap<>();
    base.forEach(p -> byColumn.put(p.column(), p));
    List<Group> out = new ArrayList<>();
    for (ColumnProfile cur : current) {
      ColumnProfile ref = byColumn.get(cur.column());
      if (ref == null || !ref.kind().equals(cur.kind())) {
        continue;
      }
      List<ColumnDrift.Metric> ms =
          cur.kind().equals(ColumnProfile.NUMERIC)
              ? ColumnDrift.numeric(ref.numericProfile(), cur.numericProfile(), policy)
              : ColumnDrift.categorical(ref.categoricalProfile(), cur.categoricalProfile(), policy);
      out.add(new Group(comparison, reference, cur.column(), cur.kind(), ref, cur, refSlices, ms));
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
