package dev.esteira.monitor.stats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The mergeable profile of one numeric column (timestamps and dates as epoch numbers): row, null, NaN
 * and infinity counts, exact min and max, mean and M2 of the finite values (Welford per value, Chan et
 * al. when merging), and a KLL sketch of the finite values for quantiles, KS and Wasserstein.
 *
 * <p>The KLL sketch keeps every value until its first level fills ({@code n <= k}): below that every
 * statistic computed from it is exact ({@link #exact()}). Above, its normalized rank error is
 * {@link #rankError()} for all quantiles at once, with 99 % confidence (DataSketches' bound).
 */
public final class NumericProfile {
  /** Default KLL accuracy: exact up to 8,192 values, rank error about 0.05 % above. */
  public static final int DEFAULT_K = 8192;

  private long rows;
  private long nulls;
  private long nans;
  private long posInf;
  private long negInf;
  private long finite;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private double mean;
  private double m2;
  private final KllDoublesSketch sketch;

  public NumericProfile(int k) {
    this.sketch = KllDoublesSketch.newHeapInstance(k);
  }

  private NumericProfile(KllDoublesSketch sketch) {
    this.sketch = sketch;
  }

  public static NumericProfile of(int k, double... values) {
    NumericProfile p = new NumericProfile(k);
    for (double v : values) {
      p.add(v);
    }
    return p;
  }

  /** One value: NaN and infinities are counted apart and never enter the moments or the sketch. */
  public void add(double v) {
    rows++;
    if (Double.isNaN(v)) {
      nans++;
    } else if (v == Double.POSITIVE_INFINITY) {
      posInf++;
    } else if (v == Double.NEGATIVE_INFINITY) {
      negInf++;
    } else {
      finite++;
      if (v < min) {
        min = v;
      }
      if (v > max) {
        max = v;
      }
      double delta = v - mean;
      mean += delta / finite;
      m2 += delta * (v - mean);
      sketch.update(v);
    }
  }

  public void addNull() {
    rows++;
    nulls++;
  }

  /** Adds another profile of the same column (Chan et al.'s parallel update of mean and M2). */
  public void merge(NumericProfile o) {
    if (o.finite > 0) {
      long n = finite + o.finite;
      double delta = o.mean - mean;
      mean += delta * o.finite / n;
      m2 += o.m2 + delta * delta * ((double) finite * o.finite / n);
      finite = n;
      min = Math.min(min, o.min);
      max = Math.max(max, o.max);
      sketch.merge(o.sketch);
    }
    rows += o.rows;
    nulls += o.nulls;
    nans += o.nans;
    posInf += o.posInf;
    negInf += o.negInf;
  }

  public long rows() {
    return rows;
  }

  public long nulls() {
    return nulls;
  }

  public long nans() {
    return nans;
  }

  public long posInf() {
    return posInf;
  }

  public long negInf() {
    return negInf;
  }

  /** Values that are neither null, NaN nor infinite: the ones the distribution statistics use. */
  public long finite() {
    return finite;
  }

  public double min() {
    return finite == 0 ? Double.NaN : min;
  }

  public double max() {
    return finite == 0 ? Double.NaN : max;
  }

  public double mean() {
    return finite == 0 ? Double.NaN : mean;
  }

  public double m2() {
    return m2;
  }

  /** Sample standard deviation of the finite values; NaN below two values. */
  public double stddev() {
    return finite < 2 ? Double.NaN : Math.sqrt(Math.max(m2, 0) / (finite - 1));
  }

  public KllDoublesSketch sketch() {
    return sketch;
  }

  /** True while the sketch holds every finite value: quantiles, KS and Wasserstein are then exact. */
  public boolean exact() {
    return !sketch.isEstimationMode();
  }

  /** Normalized rank error of every quantile at once (0 when exact). */
  public double rankError() {
    return exact() ? 0 : sketch.getNormalizedRankError(true);
  }

  /** The q-quantile of the finite values (NaN if none). */
  public double quantile(double q) {
    return finite == 0 ? Double.NaN : sketch.getQuantile(q);
  }

  /** Several quantiles at once (one sorted view of the sketch; NaN if no finite value). */
  public double[] quantiles(double... q) {
    if (finite == 0) {
      double[] nan = new double[q.length];
      java.util.Arrays.fill(nan, Double.NaN);
      return nan;
    }
    return sketch.getQuantiles(q);
  }

  /** The retained values and their weights, ascending: the sketch's step CDF. */
  public WeightedSample sample() {
    return WeightedSample.of(sketch);
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
    out.writeByte(1); // format version
    out.writeLong(rows);
    out.writeLong(nulls);
    out.writeLong(nans);
    out.writeLong(posInf);
    out.writeLong(negInf);
    out.writeLong(finite);
    out.writeDouble(min);
    out.writeDouble(max);
    out.writeDouble(mean);
    out.writeDouble(m2);
    byte[] s = sketch.toByteArray();
    out.writeInt(s.length);
    out.write(s);
  }

  public static NumericProfile fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static NumericProfile read(DataInputStream in) throws IOException {
    int format = in.readByte();
    if (format != 1) {
      throw new IOException("unknown numeric profile format " + format);
    }
    long rows = in.readLong();
    long nulls = in.readLong();
    long nans = in.readLong();
    long posInf = in.readLong();
    long negInf = in.readLong();
    long finite = in.readLong();
    double min = in.readDouble();
    double max = in.readDouble();
    double mean = in.readDouble();
    double m2 = in.readDouble();
    byte[] s = new byte[in.readInt()];
    in.readFully(s);
    // heapify copies into an updatable heap sketch, so a stored profile can be merged into a window.
    NumericProfile p = new NumericProfile(KllDoublesSketch.heapify(Memory.wrap(s)));
    p.rows = rows;
    p.nulls = nulls;
    p.nans = nans;
    p.posInf = posInf;
    p.negInf = negInf;
    p.finite = finite;
    p.min = min;
    p.max = max;
    p.mean = mean;
    p.m2 = m2;
    return p;
  }
}
