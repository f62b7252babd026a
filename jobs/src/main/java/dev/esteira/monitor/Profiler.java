package dev.esteira.monitor;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.unix_date;

import dev.esteira.EsteiraException;
import dev.esteira.data.DatasetSpec;
import dev.esteira.data.DatasetVersion;
import dev.esteira.data.Datasets;
import dev.esteira.data.Datasets.VersionedFrame;
import dev.esteira.data.PassAlong;
import dev.esteira.lake.Lakehouse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Profiles the columns of a batch in one pass, whatever its width: a projection turns every column into
 * a double (numbers; timestamps as epoch seconds, dates as epoch days) or a string (categories), each
 * partition updates one {@link ColumnAccumulator} per column row by row and serializes them, and the
 * partitions' accumulators are merged as they arrive (one Spark job, no per-column aggregate
 * expressions). The profiles, serialized sketches included, replace the batch's rows of the target.
 */
public final class Profiler {
  private final Lakehouse lake;
  private final int sketchK;
  private final int categoryCap;

  public Profiler(Lakehouse lake, int sketchK, int categoryCap) {
    this.lake = lake;
    this.sketchK = sketchK;
    this.categoryCap = categoryCap;
  }

  /** A column to profile: its name, how it is profiled, and its declared type (stored with it). */
  public record Monitored(String name, ColumnAccumulator.Kind kind, String dataType) {
    Column projection() {
      return projection(col(name));
    }

    /** The column {@code c}, holding this column's values, as the accumulator reads it. */
    Column projection(Column c) {
      return switch (dataType) {
        case "timestamp" -> c.cast("double");
        case "date" -> unix_date(c).cast("double");
        case "string", "boolean" -> c.cast("string");
        default -> c.cast("double");
      };
    }

    /** A number: moments and a quantile sketch. */
    public static Monitored numeric(String name, String dataType) {
      return new Monitored(name, ColumnAccumulator.Kind.NUMERIC, dataType);
    }

    /** A category: counts per value, or frequent items past the cap. */
    public static Monitored categorical(String name, String dataType) {
      return new Monitored(name, ColumnAccumulator.Kind.CATEGORICAL, dataType);
    }

    public static Monitored of(DatasetSpec.Column c) {
      boolean categorical = c.type().equals("string") || c.type().equals("boolean");
      return new Monitored(
          c.name(), categorical ? ColumnAccumulator.Kind.CATEGORICAL : ColumnAccumulator.Kind.NUMERIC, c.type());
    }
  }

  /** The stored form of {@link Target#dataset}. */
  public static String datasetTarget(String dataset) {
    return Target.dataset(dataset).format();
  }

  /** The stored form of {@link Target#modelOutputs}. */
  public static String modelTarget(String model, int version) {
    return Target.modelOutputs(model, version).format();
  }

  /** Profiles the feature columns of a dataset batch under the target {@code dataset:NAME}. */
  public List<ColumnProfile> profile(DatasetSpec spec, VersionedFrame data) {
    return profile(origin(spec, data.version()), data.frame(), features(spec));
  }

  /** Profiles the given columns of a frame in one pass and stores the profiles. */
  public List<ColumnProfile> profile(ColumnProfile.Origin origin, Dataset<Row> frame, List<Monitored> columns) {
    return store(origin, compute(origin, frame, columns));
  }

  /**
   * Ingests a batch (see {@link Datasets#ingest}) and profiles its feature columns in the contract's
   * pass over it, storing the profiles for the version written: the check and the profile share one read
   * of the batch, where an ingest then a profile step read it once each. An unchanged batch stores nothing (its profile, if any, is
   * already that of its version); a dataset with no feature columns is only ingested.
   */
  public Datasets.IngestResult ingestProfiled(
      Datasets datasets, DatasetSpec spec, String path, String format, String batch) {
    List<Monitored> columns = features(spec);
    if (columns.isEmpty()) {
      return datasets.ingest(spec, path, format, batch);
    }
    Datasets.IngestResult r = datasets.ingest(spec, path, format, batch, new ProfileFold(columns, sketchK, categoryCap));
    if (!r.unchanged() && r.along() != null) {
      ColumnProfile.Origin origin = origin(spec, r.version());
      store(origin, profiles(origin, columns, read(kinds(columns), r.along())));
    }
    return r;
  }

  /**
   * The stored profiles of a dataset batch when they are those of this very version and of the spec's
   * feature columns as declared now (as an ingest stores them), else empty: then profile the batch.
   */
  public Optional<List<ColumnProfile>> storedFor(DatasetSpec spec, DatasetVersion version) {
    List<ColumnProfile> stored = stored(datasetTarget(spec.name()), version.batch());
    Map<String, String> declared = new LinkedHashMap<>();
    features(spec).forEach(m -> declared.put(m.name(), m.dataType()));
    Map<String, String> found = new LinkedHashMap<>();
    for (ColumnProfile p : stored) {
      if (p.datasetVersion() != version.version()) {
        return Optional.empty();
      }
      found.put(p.column(), p.dataType());
    }
    return !stored.isEmpty() && found.equals(declared) ? Optional.of(stored) : Optional.empty();
  }

  private static List<Monitored> features(DatasetSpec spec) {
    return spec.features().stream().map(Monitored::of).toList();
  }

  private static ColumnProfile.Origin origin(DatasetSpec spec, DatasetVersion v) {
    return new ColumnProfile.Origin(datasetTarget(spec.name()), spec.name(), v.batch(), v.version(), v.createdAt());
  }

  /** Replaces the stored profiles of the origin's batch of its target by {@code profiles}. */
  private List<ColumnProfile> store(ColumnProfile.Origin origin, List<ColumnProfile> profiles) {
    new ProfileStore(lake).replace(Target.parse(origin.target()), origin.batch(), profiles);
    return profiles;
  }

  /**
   * The profiler's accumulators as a fold over rows, one per column: the profiler's own pass runs it
   * over its projection, and it rides along an ingest's contract pass over the typed feature columns.
   */
  private static final class ProfileFold implements PassAlong {
    private static final long serialVersionUID = 1L;
    private final String[] names;
    private final String[] types;
    private final ColumnAccumulator.Kind[] kinds;
    private final int sketchK;
    private final int categoryCap;

    ProfileFold(List<Monitored> columns, int sketchK, int categoryCap) {
      this.names = columns.stream().map(Monitored::name).toArray(String[]::new);
      this.types = columns.stream().map(Monitored::dataType).toArray(String[]::new);
      this.kinds = kinds(columns);
      this.sketchK = sketchK;
      this.categoryCap = categoryCap;
    }

    @Override
    public List<Column> columns(Map<String, Column> typed) {
      List<Column> out = new ArrayList<>();
      for (int i = 0; i < names.length; i++) {
        out.add(new Monitored(names[i], kinds[i], types[i]).projection(typed.get(names[i])));
      }
      return out;
    }

    @Override
    public Folding start() {
      ColumnAccumulator[] acc = create(kinds, sketchK, categoryCap);
      return new Folding() {
        @Override
        public void add(InternalRow row, int offset) {
          for (int i = 0; i < acc.length; i++) {
            acc[i].update(row, offset + i);
          }
        }

        @Override
        public byte[] finish() {
          return write(acc);
        }
      };
    }

    @Override
    public byte[] merge(byte[] a, byte[] b) {
      return Profiler.merge(kinds, a, b);
    }
  }

  /** The profiles of a frame, computed in one Spark job and not stored. */
  public List<ColumnProfile> compute(ColumnProfile.Origin origin, Dataset<Row> frame, List<Monitored> columns) {
    if (columns.isEmpty()) {
      throw new EsteiraException("nothing to profile in " + origin.target() + " batch '" + origin.batch() + "'");
    }
    ProfileFold fold = new ProfileFold(columns, sketchK, categoryCap);
    JavaRDD<InternalRow> rows =
        frame.select(columns.stream().map(Monitored::projection).toArray(Column[]::new))
            .queryExecution()
            .toRdd()
            .toJavaRDD();
    if (rows.getNumPartitions() == 0) {
      rows = rows.repartition(1);
    }
    // Each task sends its sketches to the driver: at 1,000 columns × 1M rows, 64 file splits sent about
    // 1 GB and hit spark.driver.maxResultSize. One task per core (no shuffle) reads several splits into
    // one set of sketches, and a tree merge keeps what reaches the driver small on a big cluster too.
    int cores = Math.max(1, frame.sparkSession().sparkContext().defaultParallelism());
    if (rows.getNumPartitions() > cores) {
      rows = rows.coalesce(cores);
    }
    // Partials merged in partition order, not in the order their tasks finish (see OrderedReduce): the
    // same partitions give the same moments and the same merge of sketches from run to run.
    byte[] merged = dev.esteira.data.OrderedReduce.reduce(
        rows.mapPartitions(
            it -> {
              PassAlong.Folding folding = fold.start();
              while (it.hasNext()) {
                folding.add(it.next(), 0);
              }
              return List.of(folding.finish()).iterator();
            }),
        fold::merge);
    return profiles(origin, columns, read(kinds(columns), merged));
  }

  private static ColumnAccumulator.Kind[] kinds(List<Monitored> columns) {
    return columns.stream().map(Monitored::kind).toArray(ColumnAccumulator.Kind[]::new);
  }

  private static List<ColumnProfile> profiles(
      ColumnProfile.Origin origin, List<Monitored> columns, ColumnAccumulator[] acc) {
    Timestamp now = Timestamp.from(Instant.now());
    List<ColumnProfile> out = new ArrayList<>();
    for (int i = 0; i < acc.length; i++) {
      Monitored m = columns.get(i);
      out.add(acc[i].toProfile(origin, m.name(), m.dataType(), now));
    }
    return out;
  }

  private static ColumnAccumulator[] create(ColumnAccumulator.Kind[] kinds, int k, int cap) {
    ColumnAccumulator[] acc = new ColumnAccumulator[kinds.length];
    for (int i = 0; i < kinds.length; i++) {
      acc[i] = kinds[i].create(k, cap);
    }
    return acc;
  }

  private static byte[] merge(ColumnAccumulator.Kind[] kinds, byte[] a, byte[] b) {
    ColumnAccumulator[] left = read(kinds, a);
    ColumnAccumulator[] right = read(kinds, b);
    for (int i = 0; i < left.length; i++) {
      left[i].merge(right[i]);
    }
    return write(left);
  }

  private static byte[] write(ColumnAccumulator[] acc) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      for (ColumnAccumulator a : acc) {
        a.write(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static ColumnAccumulator[] read(ColumnAccumulator.Kind[] kinds, byte[] bytes) {
    ColumnAccumulator[] acc = new ColumnAccumulator[kinds.length];
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      for (int i = 0; i < kinds.length; i++) {
        acc[i] = kinds[i].read(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return acc;
  }

  /** The stored profiles of a batch of a target. */
  public List<ColumnProfile> stored(String target, String batch) {
    return stored(target, List.of(batch)).getOrDefault(batch, List.of());
  }

  /** The stored profiles of several batches of a target, by batch, in one read. */
  public Map<String, List<ColumnProfile>> stored(String target, Collection<String> batches) {
    return new ProfileStore(lake).profiles(Target.parse(target), batches);
  }

  /** A profiled batch and when it arrived: the dataset version that ingested it, then its ingest time. */
  public record Arrival(String batch, long datasetVersion, Timestamp ingestedAt) {}

  /** The profiled batches of a target in arrival order, oldest first (one small read). */
  public List<Arrival> arrivals(String target) {
    List<Arrival> out = new ArrayList<>(new ProfileStore(lake).arrivals(Target.parse(target)));
    out.sort(Comparator.comparingLong(Arrival::datasetVersion).thenComparing(Arrival::ingestedAt));
    return out;
  }

  /**
   * The profiled batches of a target that arrived before the given one, latest first: arrival is the
   * dataset version that ingested the batch (then its ingest time), never the batch's name.
   */
  public List<String> arrivedBefore(String target, String batch, int limit) {
    return before(arrivals(target), batch, limit);
  }

  static List<String> before(List<Arrival> arrivals, String batch, int limit) {
    Arrival self = arrivals.stream().filter(a -> a.batch().equals(batch)).findFirst().orElse(null);
    if (self == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = arrivals.size() - 1; i >= 0 && out.size() < limit; i--) {
      Arrival a = arrivals.get(i);
      boolean earlier =
          a.datasetVersion() < self.datasetVersion()
              || (a.datasetVersion() == self.datasetVersion() && a.ingestedAt().before(self.ingestedAt()));
      if (earlier && !a.batch().equals(batch)) {
        out.add(a.batch());
      }
    }
    return out;
  }
}
