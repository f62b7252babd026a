package dev.esteira.monitor;

import static org.apache.spark.sql.functions.*;

import dev.esteira.EsteiraException;
import dev.esteira.data.DatasetSpec;
import dev.esteira.data.Datasets.VersionedFrame;
import dev.esteira.lake.Lakehouse;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Profiles the feature columns of a batch and stores the profiles. Numeric columns get counts, moments,
 * quantiles (Spark's percentile sketch, relative rank error 1/{@value #ACCURACY}) and a histogram on the
 * baseline's bin edges; categorical columns get their category counts. When a batch is its own baseline,
 * its edges are its own quantiles at 1/bins, 2/bins, ... (duplicates from ties merged).
 */
public final class Profiler {
  static final int ACCURACY = 10_000;
  static final double[] QUANTILES = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};

  private final Lakehouse lake;

  public Profiler(Lakehouse lake) {
    this.lake = lake;
  }

  public List<ColumnProfile> profile(
      DatasetSpec spec, VersionedFrame data, String baselineBatch, int bins) {
    String batch = data.version().batch();
    boolean selfBaseline = baselineBatch == null || baselineBatch.equals(batch);
    String baseline = selfBaseline ? batch : baselineBatch;
    Map<String, double[]> edges = new HashMap<>();
    if (!selfBaseline) {
      for (ColumnProfile p : stored(spec.name(), baseline)) {
        if (p.binEdges() != null) {
          edges.put(p.column(), p.binEdges());
        }
      }
      if (edges.isEmpty() && spec.features().stream().anyMatch(DatasetSpec.Column::numeric)) {
        throw new EsteiraException(
            "dataset '" + spec.name() + "': baseline batch '" + baseline + "' has no stored profile; "
                + "profile it first (profile --dataset " + spec.name() + " --batch " + baseline + ")");
      }
    }
    Dataset<Row> frame = data.frame().cache();
    Timestamp now = Timestamp.from(Instant.now());
    List<ColumnProfile> out = new ArrayList<>();
    List<DatasetSpec.Column> numeric = spec.features().stream().filter(DatasetSpec.Column::numeric).toList();
    List<DatasetSpec.Column> categorical =
        spec.features().stream().filter(c -> !c.numeric()).toList();

    if (!numeric.isEmpty()) {
      double[] probs = probabilities(bins);
      List<Column> aggs = new ArrayList<>();
      aggs.add(count(lit(1)));
      for (DatasetSpec.Column c : numeric) {
        Column d = col(c.name()).cast("double");
        aggs.add(count(d));
        aggs.add(avg(d));
        aggs.add(stddev_samp(d));
        aggs.add(min(d));
        aggs.add(max(d));
        aggs.add(percentile_approx(d, lit(probs), lit(ACCURACY)));
        if (!selfBaseline) {
          double[] e = edges.get(c.name());
          if (e == null) {
            throw new EsteiraException(
                "column '" + c.name() + "' has no histogram edges in the profile of baseline '" + baseline + "'");
          }
          aggs.addAll(histogram(d, e));
        }
      }
      Row r = frame.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
      long rows = r.getLong(0);
      int i = 1;
      List<double[]> ownEdges = new ArrayList<>();
      List<Object[]> partial = new ArrayList<>();
      for (DatasetSpec.Column c : numeric) {
        long nonNull = r.getLong(i);
        Double mean = r.isNullAt(i + 1) ? null : r.getDouble(i + 1);
        Double sd = r.isNullAt(i + 2) ? null : r.getDouble(i + 2);
        Double mn = r.isNullAt(i + 3) ? null : r.getDouble(i + 3);
        Double mx = r.isNullAt(i + 4) ? null : r.getDouble(i + 4);
        List<Double> qs = r.isNullAt(i + 5) ? null : r.getList(i + 5);
        i += 6;
        Map<String, Double> quantiles = new LinkedHashMap<>();
        if (qs != null) {
          for (int k = 0; k < QUANTILES.length; k++) {
            quantiles.put(String.format(Locale.ROOT, "p%02d", Math.round(QUANTILES[k] * 100)), qs.get(k));
          }
        }
        double[] e;
        long[] counts = null;
        if (selfBaseline) {
          if (qs == null) {
            throw new EsteiraException(
                "column '" + c.name() + "' of batch '" + batch + "' has no values: cannot be a baseline");
          }
          e = edgesFrom(qs.subList(QUANTILES.length, qs.size()), mn);
          ownEdges.add(e);
        } else {
          e = edges.get(c.name());
          counts = new long[e.length + 1];
          for (int b = 0; b < counts.length; b++) {
            counts[b] = r.getLong(i + b);
          }
          i += counts.length;
        }
        partial.add(new Object[] {c, nonNull, mean, sd, mn, mx, quantiles, e, counts});
      }
      if (selfBaseline) {
        // Second pass: the histogram needs the edges the first pass found.
        List<Column> hist = new ArrayList<>();
        for (int k = 0; k < numeric.size(); k++) {
          hist.addAll(histogram(col(numeric.get(k).name()).cast("double"), ownEdges.get(k)));
        }
        Row h = frame.agg(hist.get(0), hist.subList(1, hist.size()).toArray(new Column[0])).first();
        int j = 0;
        for (Object[] p : partial) {
          long[] counts = new long[((double[]) p[7]).length + 1];
          for (int b = 0; b < counts.length; b++) {
            counts[b] = h.getLong(j++);
          }
          p[8] = counts;
        }
      }
      for (Object[] p : partial) {
        DatasetSpec.Column c = (DatasetSpec.Column) p[0];
        long nonNull = (Long) p[1];
        @SuppressWarnings("unchecked")
        Map<String, Double> quantiles = (Map<String, Double>) p[6];
        out.add(
            new ColumnProfile(
                spec.name(), batch, data.version().version(), c.name(), ColumnProfile.NUMERIC, baseline,
                rows, rows - nonNull, (Double) p[2], (Double) p[3], (Double) p[4], (Double) p[5],
                quantiles, (double[]) p[7], (long[]) p[8], null, now));
      }
    }

    if (!categorical.isEmpty()) {
      Column[] pairs =
          categorical.stream()
              .map(c -> struct(lit(c.name()).as("c"), col(c.name()).cast("string").as("v")))
              .toArray(Column[]::new);
      List<Row> counts =
          frame.select(explode(array(pairs)).as("p"))
              .groupBy(col("p.c"), col("p.v"))
              .count()
              .collectAsList();
      long rows = frame.count();
      for (DatasetSpec.Column c : categorical) {
        Map<String, Long> cats = new LinkedHashMap<>();
        long nulls = 0;
        for (Row r : counts) {
          if (r.getString(0).equals(c.name())) {
            if (r.isNullAt(1)) {
              nulls += r.getLong(2);
            } else {
              cats.put(r.getString(1), r.getLong(2));
            }
          }
        }
        out.add(
            new ColumnProfile(
                spec.name(), batch, data.version().version(), c.name(), ColumnProfile.CATEGORICAL, baseline,
                rows, nulls, null, null, null, null, null, null, null, sortByKey(cats), now));
      }
    }
    frame.unpersist();
    List<Row> rowsOut = out.stream().map(ColumnProfile::toRow).toList();
    lake.replace(
        MonitorTables.PROFILES,
        lake.frame(MonitorTables.PROFILES, rowsOut),
        "dataset = '" + spec.name() + "' AND batch = '" + batch + "'");
    return out;
  }

  /** The stored profiles of a batch, by column. */
  public List<ColumnProfile> stored(String dataset, String batch) {
    List<ColumnProfile> out = new ArrayList<>();
    for (Row r :
        lake.read(MonitorTables.PROFILES)
            .where(col("dataset").equalTo(dataset).and(col("batch").equalTo(batch)))
            .collectAsList()) {
      out.add(ColumnProfile.of(r));
    }
    return out;
  }

  /** The reported quantiles, then the bin-edge quantiles 1/bins .. (bins-1)/bins. */
  private static double[] probabilities(int bins) {
    double[] p = new double[QUANTILES.length + bins - 1];
    System.arraycopy(QUANTILES, 0, p, 0, QUANTILES.length);
    for (int k = 1; k < bins; k++) {
      p[QUANTILES.length + k - 1] = (double) k / bins;
    }
    return p;
  }

  /** Strictly increasing edges; a constant column still gets one edge, so it has two bins. */
  static double[] edgesFrom(List<Double> quantiles, Double min) {
    TreeSet<Double> distinct = new TreeSet<>(quantiles);
    // An edge at the minimum would leave the first bin empty by construction.
    if (distinct.size() > 1 && min != null) {
      distinct.remove(min);
    }
    return distinct.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Counts per bin: (-inf, e0), [e0, e1), ..., [e_last, +inf); nulls fall in none. */
  static List<Column> histogram(Column d, double[] edges) {
    List<Column> out = new ArrayList<>();
    for (int b = 0; b <= edges.length; b++) {
      Column in;
      if (b == 0) {
        in = d.lt(edges[0]);
      } else if (b == edges.length) {
        in = d.geq(edges[edges.length - 1]);
      } else {
        in = d.geq(edges[b - 1]).and(d.lt(edges[b]));
      }
      out.add(count(when(in, 1)));
    }
    return out;
  }

  private static Map<String, Long> sortByKey(Map<String, Long> m) {
    Map<String, Long> sorted = new LinkedHashMap<>();
    m.keySet().stream().sorted().forEach(k -> sorted.put(k, m.get(k)));
    return sorted;
  }
}
