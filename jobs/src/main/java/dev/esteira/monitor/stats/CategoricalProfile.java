package dev.esteira.monitor.stats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.datasketches.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The mergeable profile of one categorical column: rows, nulls and the exact count of every category
 * while there are at most {@code cap} distinct ones. Beyond the cap the counts move into a DataSketches
 * frequent-items sketch: each reported count is then an estimate within {@link #maxError()} of the
 * truth (never above it, the sketch's lower bound is at most that much below), and categories rarer
 * than that error may be missing, their rows counted in {@link #other()}.
 */
public final class CategoricalProfile {
  /** Default cap on exactly counted distinct categories per column. */
  public static final int DEFAULT_CAP = 10_000;
  /** Map size of the frequent-items sketch used beyond the cap (its error is about 3.5/size of n). */
  static final int SKETCH_MAP_SIZE = 4096;
  private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

  private final int cap;
  private long rows;
  private long nulls;
  private Map<String, Long> exact = new HashMap<>();
  private ItemsSketch<String> sketch;

  public CategoricalProfile(int cap) {
    this.cap = cap;
  }

  public static CategoricalProfile of(int cap, String... values) {
    CategoricalProfile p = new CategoricalProfile(cap);
    for (String v : values) {
      if (v == null) {
        p.addNull();
      } else {
        p.add(v);
      }
    }
    return p;
  }

  public void add(String v) {
    add(v, 1);
  }

  /** Counts {@code n} rows holding the value {@code v}. */
  public void add(String v, long n) {
    rows += n;
    count(v, n);
  }

  private void count(String v, long n) {
    if (sketch != null) {
      sketch.update(v, n);
      return;
    }
    exact.merge(v, n, Long::sum);
    if (exact.size() > cap) {
      overflow();
    }
  }

  public void addNull() {
    rows++;
    nulls++;
  }

  private void overflow() {
    sketch = new ItemsSketch<>(SKETCH_MAP_SIZE);
    exact.forEach(sketch::update);
    exact = null;
  }

  public void merge(CategoricalProfile o) {
    rows += o.rows;
    nulls += o.nulls;
    if (o.sketch != null) {
      if (sketch == null) {
        overflow();
      }
      sketch.merge(o.sketch);
    } else {
      o.exact.forEach(this::count);
    }
  }

  public long rows() {
    return rows;
  }

  public long nulls() {
    return nulls;
  }

  public long nonNull() {
    return rows - nulls;
  }

  /** True while every category is counted exactly. */
  public boolean exact() {
    return sketch == null;
  }

  /** Largest error of a reported count (0 when exact). */
  public long maxError() {
    return sketch == null ? 0 : sketch.getMaximumError();
  }

  /**
   * Category counts, sorted by name: exact, or beyond the cap the sketch's estimates of the categories
   * it can report (at most the map size); the rest of the rows are in {@link #other()}.
   */
  public Map<String, Long> counts() {
    Map<String, Long> out = new TreeMap<>();
    if (sketch == null) {
      out.putAll(exact);
    } else {
      for (ItemsSketch.Row<String> r : sketch.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)) {
        out.put(r.getItem(), r.getEstimate());
      }
    }
    return out;
  }

  /** Non-null rows not in {@link #counts()} (0 when exact). */
  public long other() {
    if (sketch == null) {
      return 0;
    }
    long listed = counts().values().stream().mapToLong(Long::longValue).sum();
    return Math.max(0, nonNull() - listed);
  }

  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public void write(DataOutputStream out) throws IOException {
    out.writeByte(1);
    out.writeInt(cap);
    out.writeLong(rows);
    out.writeLong(nulls);
    out.writeBoolean(sketch == null);
    if (sketch == null) {
      out.writeInt(exact.size());
      for (Map.Entry<String, Long> e : exact.entrySet()) {
        byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
        out.writeInt(k.length);
        out.write(k);
        out.writeLong(e.getValue());
      }
    } else {
      byte[] s = sketch.toByteArray(SERDE);
      out.writeInt(s.length);
      out.write(s);
    }
  }

  public static CategoricalProfile fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static CategoricalProfile read(DataInputStream in) throws IOException {
    int format = in.readByte();
    if (format != 1) {
      throw new IOException("unknown categorical profile format " + format);
    }
    CategoricalProfile p = new CategoricalProfile(in.readInt());
    p.rows = in.readLong();
    p.nulls = in.readLong();
    if (in.readBoolean()) {
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        byte[] k = new byte[in.readInt()];
        in.readFully(k);
        p.exact.put(new String(k, StandardCharsets.UTF_8), in.readLong());
      }
    } else {
      byte[] s = new byte[in.readInt()];
      in.readFully(s);
      p.sketch = ItemsSketch.getInstance(Memory.wrap(s), SERDE);
      p.exact = null;
    }
    return p;
  }
}
