package dev.esteira.data;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Work that rides along the contract's pass over a batch, so that a batch is read once: the ingest's
 * own pass counts rule violations and fingerprints the typed rows, and a {@code PassAlong} (the
 * profiler's, in {@code monitor}) folds the same typed rows into its own state. It runs in Spark tasks,
 * hence serializable; its state travels between tasks and the driver as bytes.
 */
public interface PassAlong extends Serializable {
  /** The columns it reads, given the contract's typed columns by name; appended to the pass's projection. */
  List<Column> columns(Map<String, Column> typed);

  /** The state of one task before any row. */
  Folding start();

  /** Two states' bytes merged into one (tasks' results meet in a tree, then at the driver). */
  byte[] merge(byte[] a, byte[] b);

  /** One task's running state. */
  interface Folding {
    /** Folds a row whose columns of {@link #columns} start at {@code offset}. */
    void add(InternalRow row, int offset);

    byte[] finish();
  }
}
