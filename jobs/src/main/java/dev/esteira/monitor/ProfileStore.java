package dev.esteira.monitor;


import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.Match;
import dev.esteira.lake.Rows;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.spark.sql.Row;

/**
 * The one store of {@code profiles}: the one mapping between a {@link ColumnProfile} and its row (by
 * column name), the keyed replace of a target's batch, and the queries other packages ask of it.
 */
public final class ProfileStore {
  private static final org.apache.spark.sql.types.StructType SCHEMA = MonitorTables.PROFILES.schema();

  private final Lakehouse lake;

  public ProfileStore(Lakehouse lake) {
    this.lake = lake;
  }

  static Row toRow(ColumnProfile p) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("target", p.target());
    r.put("dataset", p.dataset());
    r.put("batch", p.batch());
    r.put("dataset_version", p.datasetVersion());
    r.put("ingested_at", p.ingestedAt());
    r.put("column", p.column());
    r.put("kind", p.kind());
    r.put("data_type", p.dataType());
    r.put("rows", p.rows());
    r.put("nulls", p.nulls());
    r.put("nans", p.nans());
    r.put("pos_inf", p.posInf());
    r.put("neg_inf", p.negInf());
    r.put("min", p.min());
    r.put("max", p.max());
    r.put("mean", p.mean());
    r.put("stddev", p.stddev());
    r.put("quantiles", p.quantiles());
    r.put("category_counts", p.categoryCounts());
    r.put("category_other", p.categoryOther());
    r.put("exact", p.exact());
    r.put("rank_error", p.rankError());
    r.put("sketch", p.sketch());
    r.put("profiled_at", p.profiledAt());
    return Rows.of(SCHEMA, r);
  }

  static ColumnProfile of(Row r) {
    return new ColumnProfile(
        r.getAs("target"), r.getAs("dataset"), r.getAs("batch"), r.<Long>getAs("dataset_version"),
        r.getAs("ingested_at"), r.getAs("column"), r.getAs("kind"), r.getAs("data_type"),
        r.<Long>getAs("rows"), r.<Long>getAs("nulls"), r.<Long>getAs("nans"), r.<Long>getAs("pos_inf"),
        r.<Long>getAs("neg_inf"), r.getAs("min"), r.getAs("max"), r.getAs("mean"), r.getAs("stddev"),
        r.isNullAt(r.fieldIndex("quantiles")) ? null : r.getJavaMap(r.fieldIndex("quantiles")),
        r.isNullAt(r.fieldIndex("category_counts")) ? null : r.getJavaMap(r.fieldIndex("category_counts")),
        r.getAs("category_other"), r.<Boolean>getAs("exact"), r.<Double>getAs("rank_error"),
        // Summaries read no sketch column (see summaries).
        List.of(r.schema().fieldNames()).contains("sketch") ? r.getAs("sketch") : null, r.getAs("profiled_at"));
  }

  private static Match of(Target target) {
    return Match.on(MonitorTables.PROFILES).eq("target", target.format());
  }

  /** Replaces the stored profiles of a target's batch by {@code profiles}, in one commit. */
  public void replace(Target target, String batch, List<ColumnProfile> profiles) {
    lake.replace(of(target).eq("batch", batch), profiles.stream().map(ProfileStore::toRow).toList());
  }

  /** The stored profiles of a target's batch. */
  public List<ColumnProfile> profiles(Target target, String batch) {
    return profiles(target, List.of(batch)).getOrDefault(batch, List.of());
  }

  /** The stored profiles of several batches of a target, by batch, in one read. */
  public Map<String, List<ColumnProfile>> profiles(Target target, Collection<String> batches) {
    Map<String, List<ColumnProfile>> out = new LinkedHashMap<>();
    for (Row r : lake.rowsOfAny(batches.stream().distinct().map(b -> of(target).eq("batch", b)).toList())) {
      ColumnProfile p = of(r);
      out.computeIfAbsent(p.batch(), b -> new ArrayList<>()).add(p);
    }
    return out;
  }

  /** The stored profiles of several batches of a target, sketches left out (null), by batch, in one read. */
  public Map<String, List<ColumnProfile>> summaries(Target target, Collection<String> batches) {
    String[] withoutSketch = java.util.Arrays.stream(SCHEMA.fieldNames()).filter(c -> !c.equals("sketch"))
        .toArray(String[]::new);
    Map<String, List<ColumnProfile>> out = new LinkedHashMap<>();
    if (batches.isEmpty()) {
      return out;
    }
    for (Row r : lake.rowsOfAny(batches.stream().distinct().map(b -> of(target).eq("batch", b)).toList(), withoutSketch)) {
      ColumnProfile p = of(r);
      out.computeIfAbsent(p.batch(), b -> new ArrayList<>()).add(p);
    }
    return out;
  }

  /**
   * Every stored profile of a target, sketches left out (null), in arrival order (dataset version, ingest
   * time), then batch and column: what a report draws.
   */
  public List<ColumnProfile> summaries(Target target) {
    String[] withoutSketch = java.util.Arrays.stream(SCHEMA.fieldNames()).filter(c -> !c.equals("sketch"))
        .toArray(String[]::new);
    return lake.rows(of(target), withoutSketch).stream().map(ProfileStore::of)
        .sorted(java.util.Comparator.comparingLong(ColumnProfile::datasetVersion)
            .thenComparing(ColumnProfile::ingestedAt, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
            .thenComparing(ColumnProfile::batch).thenComparing(ColumnProfile::column))
        .toList();
  }

  /** The batches of a target with their dataset version and ingest time (one small read). */
  List<Profiler.Arrival> arrivals(Target target) {
    List<Profiler.Arrival> out = new ArrayList<>();
    for (Row r : lake.rows(of(target), "batch", "dataset_version", "ingested_at")) {
      out.add(new Profiler.Arrival(r.getAs("batch"), r.<Long>getAs("dataset_version"), r.getAs("ingested_at")));
    }
    return out.stream().distinct().collect(java.util.stream.Collectors.toCollection(ArrayList::new));
  }

  /** Every dataset with stored profiles of its own columns (a monitored dataset), sorted. */
  public SortedSet<String> monitoredDatasets() {
    SortedSet<String> out = new TreeSet<>();
    for (Row r : lake.rows(MonitorTables.PROFILES, "target")) {
      if (Target.parse(r.getAs("target")) instanceof Target.DatasetTarget d) {
        out.add(d.dataset());
      }
    }
    return out;
  }
}
