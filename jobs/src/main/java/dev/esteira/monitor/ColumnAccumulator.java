package dev.esteira.monitor;

import dev.esteira.monitor.stats.CategoricalProfile;
import dev.esteira.monitor.stats.NumericProfile;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.sql.Timestamp;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The running profile of one column while a batch streams past: it reads its own field of each row,
 * merges with the same column's accumulator from another partition, and serializes itself. One per
 * column, updated row by row, so a batch of any width is profiled in one pass.
 */
interface ColumnAccumulator {
  /** Reads this column's value (at {@code ordinal}) from a row of the profiling projection. */
  void update(InternalRow row, int ordinal);

  void merge(ColumnAccumulator other);

  void write(DataOutputStream out) throws IOException;

  ColumnProfile toProfile(ColumnProfile.Origin origin, String column, String dataType, Timestamp now);

  /** How to build and read back an accumulator of one kind; serializable, so it travels to tasks. */
  enum Kind implements Serializable {
    NUMERIC {
      @Override
      ColumnAccumulator create(int sketchK, int categoryCap) {
        return new Numeric(new NumericProfile(sketchK));
      }

      @Override
      ColumnAccumulator read(DataInputStream in) throws IOException {
        return new Numeric(NumericProfile.read(in));
      }
    },
    CATEGORICAL {
      @Override
      ColumnAccumulator create(int sketchK, int categoryCap) {
        return new Categorical(new CategoricalProfile(categoryCap));
      }

      @Override
      ColumnAccumulator read(DataInputStream in) throws IOException {
        return new Categorical(CategoricalProfile.read(in));
      }
    };

    abstract ColumnAccumulator create(int sketchK, int categoryCap);

    abstract ColumnAccumulator read(DataInputStream in) throws IOException;
  }

  /** Numbers, timestamps and dates: the projection hands them over as doubles. */
  record Numeric(NumericProfile profile) implements ColumnAccumulator {
    @Override
    public void update(InternalRow row, int ordinal) {
      if (row.isNullAt(ordinal)) {
        profile.addNull();
      } else {
        profile.add(row.getDouble(ordinal));
      }
    }

    @Override
    public void merge(ColumnAccumulator other) {
      profile.merge(((Numeric) other).profile);
    }

    @Override
    public void write(DataOutputStream out) throws IOException {
      profile.write(out);
    }

    @Override
    public ColumnProfile toProfile(ColumnProfile.Origin o, String column, String dataType, Timestamp now) {
      return ColumnProfile.numeric(o, column, dataType, profile, now);
    }
  }

  /**
   * Strings and booleans: the projection hands them over as strings. Values are counted by their UTF-8
   * bytes first and turned into Java strings once per distinct value, not once per row (decoding and
   * hashing a new String per row was half of the profile of a wide batch).
   */
  final class Categorical implements ColumnAccumulator {
    /** Distinct values counted before the pending counts are handed to the profile (bounds memory). */
    private static final int PENDING_LIMIT = 4096;
    private final CategoricalProfile profile;
    private final java.util.HashMap<UTF8String, long[]> pending = new java.util.HashMap<>();

    Categorical(CategoricalProfile profile) {
      this.profile = profile;
    }

    @Override
    public void update(InternalRow row, int ordinal) {
      if (row.isNullAt(ordinal)) {
        profile.addNull();
        return;
      }
      UTF8String v = row.getUTF8String(ordinal);
      long[] n = pending.get(v);
      if (n != null) {
        n[0]++;
        return;
      }
      if (pending.size() >= PENDING_LIMIT) {
        flush();
      }
      // The row's bytes may be reused for the next row: the key is a copy.
      pending.put(v.copy(), new long[] {1});
    }

    /** The profile with every pending count added. */
    CategoricalProfile profile() {
      flush();
      return profile;
    }

    private void flush() {
      pending.forEach((v, n) -> profile.add(v.toString(), n[0]));
      pending.clear();
    }

    @Override
    public void merge(ColumnAccumulator other) {
      profile().merge(((Categorical) other).profile());
    }

    @Override
    public void write(DataOutputStream out) throws IOException {
      profile().write(out);
    }

    @Override
    public ColumnProfile toProfile(ColumnProfile.Origin o, String column, String dataType, Timestamp now) {
      return ColumnProfile.categorical(o, column, dataType, profile(), now);
    }
  }
}
