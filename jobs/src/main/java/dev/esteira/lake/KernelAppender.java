package dev.esteira.lake;

import dev.esteira.EsteiraException;
import io.delta.kernel.Operation;
import io.delta.kernel.Table;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;

/**
 * Appends rows to an existing Delta table (a partitioned one a partition at a time) through Delta Kernel:
 * one Parquet file and one blind-append commit, written in this thread, where a Spark write is a planned
 * job. Kernel retries the commit when another writer committed first (appends never conflict with appends), writes the
 * checkpoint when the table's interval says so, and leaves every table feature it does not support to
 * fail loudly (Kernel 3.3 writes tables of writer version 2 without invariants, which is what the
 * lakehouse creates).
 *
 * <p>Kernel does not enforce the schema's NOT NULL columns; {@link #append} does, before anything is
 * written. Values are the Java types a Spark row holds (String, Integer, Long, Double, Boolean,
 * Timestamp, Date, byte[]), arrays (a list or a Scala sequence), maps (Java or Scala) and structs (rows)
 * of them: the quality results of {@code dataset_versions} are an array of structs, a profile's quantiles
 * a map, its sketch binary.
 */
final class KernelAppender {
  private static final String ENGINE_INFO = "Esteira (Delta Kernel 3.3)";
  /**
   * One lock per table for the commit itself. Kernel writes a commit file through a new HDFSLogStore
   * each time, whose "write unless it exists" is a check then a rename; on a local file system two threads
   * of one JVM can both pass the check and the second rename replaces the first commit (found by a test
   * of four writers: a checksum error reading the log). Spark's Delta shares one log store per JVM, whose
   * lock prevents this; this lock does the same for Kernel's commits. (Across processes the local file
   * system has the same window for Spark's commits as for these; HDFS renames atomically.)
   */
  private static final java.util.concurrent.ConcurrentHashMap<String, Object> COMMIT_LOCKS =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Engine engine;

  KernelAppender(Configuration hadoopConf) {
    this.engine = DefaultEngine.create(hadoopConf);
  }

  /**
   * Appends {@code rows} (with {@code sparkSchema}'s columns, by name) to the table at {@code path}. All
   * rows are of the one group {@code partition} names (column to value, none for a table written by key):
   * a table partitioned by those columns gets them as the file's partition values; an unpartitioned one
   * (a table created before the lakehouse partitioned it) holds them in the rows alone.
   */
  long append(String path, org.apache.spark.sql.types.StructType sparkSchema, List<Row> rows, Map<String, Object> partition) {
    return append(path, sparkSchema, rows, partition, null);
  }

  /**
   * A number in a sequence of writes: the commit carries Delta's transaction identifier ({@code appId},
   * {@code version}) and is refused, with {@link SequenceTaken}, when the table already holds that
   * version or a later one of {@code appId}, or a writer that committed first carried {@code appId} too.
   */
  record Sequence(String appId, long version) {}

  /** A sequenced append lost to another writer of the same sequence: read again, decide again. */
  static final class SequenceTaken extends RuntimeException {
    SequenceTaken(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The same, the commit numbered in {@code sequence} when not null. */
  long append(String path, org.apache.spark.sql.types.StructType sparkSchema, List<Row> rows, Map<String, Object> partition,
      Sequence sequence) {
    Table table = Table.forPath(engine, path);
    var builder = table.createTransactionBuilder(engine, ENGINE_INFO, Operation.WRITE);
    if (sequence != null) {
      builder = builder.withTransactionId(engine, sequence.appId(), sequence.version());
    }
    Transaction txn;
    try {
      // Kernel refuses here a number the table already holds, and at the commit one a winner carried.
      txn = builder.build(engine);
    } catch (io.delta.kernel.exceptions.ConcurrentTransactionException e) {
      throw taken(path, e);
    }
    StructType schema = txn.getSchema(engine);
    List<String> partitionColumns = txn.getPartitionColumns(engine);
    if (!partitionColumns.isEmpty() && !new java.util.HashSet<>(partitionColumns).equals(partition.keySet())) {
      throw new IllegalArgumentException(path + ": partitioned by " + partitionColumns
          + ", an append names the partition " + partition.keySet());
    }
    Map<String, Literal> partitionValues = new java.util.HashMap<>();
    if (!partitionColumns.isEmpty()) {
      partition.forEach((column, value) -> partitionValues.put(column, literal(path, column, value)));
    }
    ColumnarBatch batch = batchOf(path, schema, sparkSchema, rows);
    io.delta.kernel.data.Row state = txn.getTransactionState(engine);
    try (CloseableIterator<FilteredColumnarBatch> logical =
             Utils.toCloseableIterator(List.of(new FilteredColumnarBatch(batch, java.util.Optional.empty())).iterator());
         CloseableIterator<FilteredColumnarBatch> physical =
             Transaction.transformLogicalData(engine, state, logical, partitionValues)) {
      var context = Transaction.getWriteContext(engine, state, partitionValues);
      CloseableIterator<DataFileStatus> files =
          engine.getParquetHandler().writeParquetFiles(context.getTargetDirectory(), physical, context.getStatisticsColumns());
      List<io.delta.kernel.data.Row> actions = new ArrayList<>();
      try (CloseableIterator<io.delta.kernel.data.Row> it = Transaction.generateAppendActions(engine, state, files, context)) {
        it.forEachRemaining(actions::add);
      }
      TransactionCommitResult result;
      synchronized (COMMIT_LOCKS.computeIfAbsent(path, p -> new Object())) {
        result = txn.commit(engine, CloseableIterable.inMemoryIterable(Utils.toCloseableIterator(actions.iterator())));
      }
      if (result.isReadyForCheckpoint()) {
        checkpoint(table, result.getVersion());
      }
      return result.getVersion();
    } catch (io.delta.kernel.exceptions.ConcurrentTransactionException e) {
      throw taken(path, e);
    } catch (ConcurrentWriteException e) {
      throw new EsteiraException(path + ": append gave up after repeated concurrent commits: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SequenceTaken taken(String path, io.delta.kernel.exceptions.ConcurrentTransactionException e) {
    return new SequenceTaken(path + ": " + e.getMessage(), e);
  }

  /** A partition value as Kernel's literal, as the reader prunes by it (the lakehouse partitions by strings and integers). */
  private static Literal literal(String path, String column, Object value) {
    Literal literal = KernelReader.literal(value);
    if (literal == null) {
      throw new IllegalArgumentException(path + ": partition column " + column + " = " + value + " is not a string or an integer");
    }
    return literal;
  }

  private void checkpoint(Table table, long version) {
    try {
      table.checkpoint(engine, version);
    } catch (io.delta.kernel.exceptions.CheckpointAlreadyExistsException e) {
      // Another writer checkpointed the same version: that is the checkpoint this one would write.
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rows as one Kernel batch in the table's column order, refusing a null in a NOT NULL column. */
  private static ColumnarBatch batchOf(
      String path, StructType schema, org.apache.spark.sql.types.StructType sparkSchema, List<Row> rows) {
    List<ColumnVector> vectors = new ArrayList<>();
    for (StructField field : schema.fields()) {
      int source = sparkSchema.fieldIndex(field.getName());
      Object[] values = new Object[rows.size()];
      for (int r = 0; r < values.length; r++) {
        Object v = rows.get(r).get(source);
        if (v == null && !field.isNullable()) {
          throw new IllegalArgumentException(path + ": column " + field.getName() + " is NOT NULL but a row has none");
        }
        values[r] = v;
      }
      vectors.add(new Values(field.getDataType(), values));
    }
    return new Batch(schema, vectors, rows.size());
  }

  private record Batch(StructType schema, List<ColumnVector> vectors, int size) implements ColumnarBatch {
    @Override
    public StructType getSchema() {
      return schema;
    }

    @Override
    public ColumnVector getColumnVector(int ordinal) {
      return vectors.get(ordinal);
    }

    @Override
    public int getSize() {
      return size;
    }

    /** Kernel drops a partitioned table's partition columns from the data it writes (they are in the path). */
    @Override
    public ColumnarBatch withDeletedColumnAt(int ordinal) {
      List<ColumnVector> rest = new ArrayList<>(vectors);
      rest.remove(ordinal);
      List<StructField> fields = new ArrayList<>(schema.fields());
      fields.remove(ordinal);
      return new Batch(new StructType(fields), rest, size);
    }
  }

  /**
   * One column of Spark row values, read the way Kernel's Parquet writer asks for them: flat values, and
   * arrays (a Java list or a Scala sequence of elements) and structs (Spark rows) of them, each nested
   * level a vector of its own over the values below it.
   */
  private record Values(DataType type, Object[] values) implements ColumnVector {
    Values {
      if (!(type instanceof StringType || type instanceof IntegerType || type instanceof LongType
          || type instanceof DoubleType || type instanceof BooleanType || type instanceof TimestampType
          || type instanceof DateType || type instanceof BinaryType || type instanceof ArrayType
          || type instanceof MapType || type instanceof StructType)) {
        throw new IllegalArgumentException("appends without Spark do not write " + type + " columns");
      }
    }

    @Override
    public DataType getDataType() {
      return type;
    }

    @Override
    public int getSize() {
      return values.length;
    }

    @Override
    public void close() {}

    @Override
    public boolean isNullAt(int rowId) {
      return values[rowId] == null;
    }

    @Override
    public boolean getBoolean(int rowId) {
      return (Boolean) values[rowId];
    }

    @Override
    public int getInt(int rowId) {
      Object v = values[rowId];
      return v instanceof Date d ? DateTimeUtils.fromJavaDate(d) : ((Number) v).intValue();
    }

    @Override
    public long getLong(int rowId) {
      Object v = values[rowId];
      return v instanceof Timestamp t ? DateTimeUtils.fromJavaTimestamp(t) : ((Number) v).longValue();
    }

    @Override
    public double getDouble(int rowId) {
      return ((Number) values[rowId]).doubleValue();
    }

    @Override
    public String getString(int rowId) {
      return (String) values[rowId];
    }

    @Override
    public byte[] getBinary(int rowId) {
      return (byte[]) values[rowId];
    }

    /** A map (Java or Scala) as its keys and its values, in one iteration order. */
    @Override
    public MapValue getMap(int rowId) {
      Object v = values[rowId];
      Map<?, ?> map = v instanceof Map<?, ?> m ? m : scala.collection.JavaConverters.mapAsJavaMap((scala.collection.Map<?, ?>) v);
      Object[] keys = new Object[map.size()];
      Object[] vals = new Object[map.size()];
      int i = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        keys[i] = e.getKey();
        vals[i++] = e.getValue();
      }
      MapType mapType = (MapType) type;
      Values keyVector = new Values(mapType.getKeyType(), keys);
      Values valueVector = new Values(mapType.getValueType(), vals);
      return new MapValue() {
        @Override
        public int getSize() {
          return keys.length;
        }

        @Override
        public ColumnVector getKeys() {
          return keyVector;
        }

        @Override
        public ColumnVector getValues() {
          return valueVector;
        }
      };
    }

    @Override
    public ArrayValue getArray(int rowId) {
      Object v = values[rowId];
      Object[] elements = v instanceof List<?> list ? list.toArray()
          : scala.collection.JavaConverters.seqAsJavaList((scala.collection.Seq<?>) v).toArray();
      Values vector = new Values(((ArrayType) type).getElementType(), elements);
      return new ArrayValue() {
        @Override
        public int getSize() {
          return elements.length;
        }

        @Override
        public ColumnVector getElements() {
          return vector;
        }
      };
    }

    /** A struct's field across the rows: null where the struct itself is null. */
    @Override
    public ColumnVector getChild(int ordinal) {
      Object[] field = new Object[values.length];
      for (int i = 0; i < field.length; i++) {
        field[i] = values[i] == null ? null : ((Row) values[i]).get(ordinal);
      }
      return new Values(((StructType) type).at(ordinal).getDataType(), field);
    }
  }
}
