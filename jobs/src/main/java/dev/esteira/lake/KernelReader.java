package dev.esteira.lake;

import io.delta.kernel.Scan;
import io.delta.kernel.ScanBuilder;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.And;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads Delta tables through Delta Kernel, the Delta project's JVM library, without a SparkSession: the
 * metadata plane. A few hundred rows of registry, runs or workflow log cost a listing of the table's log,
 * its checkpoint and its data files, read in this thread, not a Spark job.
 *
 * <p>Rows come back as Spark {@link Row}s with the table's schema, holding the same Java values a
 * {@code collectAsList()} of the same table gives ({@code Timestamp}, {@code Date}, Scala maps and
 * sequences, nested rows): every converter from row to record is the same code whichever reader fed it.
 */
final class KernelReader {
  private final Engine engine;

  KernelReader(Configuration hadoopConf) {
    this.engine = DefaultEngine.create(hadoopConf);
  }

  /** The table's latest snapshot, or empty when there is no Delta table at {@code path}. */
  Optional<Snapshot> latest(String path) {
    try {
      return Optional.of(Table.forPath(engine, path).getLatestSnapshot(engine));
    } catch (TableNotFoundException e) {
      return Optional.empty();
    }
  }

  /** The last number of {@code appId}'s sequence of writes (Delta's transaction identifiers) a snapshot holds; -1 when none. */
  long sequenceVersion(Snapshot snapshot, String appId) {
    return ((io.delta.kernel.internal.SnapshotImpl) snapshot).getLatestTransactionVersion(engine, appId).orElse(-1L);
  }

  Snapshot at(String path, long version) {
    return Table.forPath(engine, path).getSnapshotAsOfVersion(engine, version);
  }

  long version(Snapshot snapshot) {
    return snapshot.getVersion(engine);
  }

  /** The columns the table is partitioned by (none for an unpartitioned table). */
  List<String> partitionColumns(Snapshot snapshot) {
    return snapshot.getPartitionColumnNames(engine);
  }

  /** The snapshot's schema as Spark describes it (the Delta log stores one JSON form for both). */
  StructType schema(Snapshot snapshot) {
    return (StructType) DataType.fromJson(snapshot.getSchema(engine).toJson());
  }

  /**
   * The rows of {@code snapshot} where every column of {@code equalities} equals its value, with only
   * {@code columns} (all of them when empty). Partition columns prune files before they are read; every
   * equality is then checked on the rows themselves.
   */
  List<Row> rows(Snapshot snapshot, Map<String, Object> equalities, List<String> columns) {
    StructType tableSchema = schema(snapshot);
    List<String> wanted = new ArrayList<>(columns.isEmpty() ? List.of(tableSchema.fieldNames()) : columns);
    // Columns of a condition are read too, and left out of the rows returned.
    List<String> read = new ArrayList<>(wanted);
    equalities.keySet().stream().filter(c -> !read.contains(c)).forEach(read::add);
    io.delta.kernel.types.StructType kernelSchema = snapshot.getSchema(engine);
    io.delta.kernel.types.StructType readSchema = new io.delta.kernel.types.StructType();
    for (String c : read) {
      readSchema = readSchema.add(kernelSchema.get(c));
    }
    ScanBuilder builder = snapshot.getScanBuilder(engine).withReadSchema(engine, readSchema);
    Predicate partitionFilter = partitionFilter(snapshot.getPartitionColumnNames(engine), equalities);
    if (partitionFilter != null) {
      builder = builder.withFilter(engine, partitionFilter);
    }
    Scan scan = builder.build();
    StructType outSchema = new StructType(wanted.stream().map(tableSchema::apply).toArray(StructField[]::new));
    int[] conditionOrdinals = equalities.keySet().stream().mapToInt(read::indexOf).toArray();
    Object[] conditionValues = equalities.values().toArray();
    List<Row> out = new ArrayList<>();
    // What a kept file's rows depend on besides the file: the columns read and the types they convert to.
    String decodedAs = "|" + read + "|" + tableSchema.json();
    io.delta.kernel.data.Row scanState = scan.getScanState(engine);
    io.delta.kernel.types.StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(engine, scanState);
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<io.delta.kernel.data.Row> fileRows = files.next().getRows()) {
          while (fileRows.hasNext()) {
            io.delta.kernel.data.Row scanFile = fileRows.next();
            FileStatus file = InternalScanFileUtils.getAddFileStatus(scanFile);
            // A data file of a Delta table never changes once written (a new version writes new files),
            // so its decoded rows can be kept; not when a deletion vector hides some of them.
            String key = InternalScanFileUtils.getDeletionVectorDescriptorFromRow(scanFile) == null
                ? file.getPath() + "|" + file.getModificationTime() + decodedAs
                : null;
            List<Object[]> values = key == null ? null : DECODED.get(key);
            if (values == null) {
              values = decode(scanState, scanFile, file, physicalSchema, read, tableSchema);
              if (key != null) {
                DECODED.put(key, values);
              }
            }
            keep(values, outSchema, conditionOrdinals, conditionValues, out);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + scan, e);
    }
    return out;
  }

  /** Every row of one data file, the values of {@code read} columns as Spark's {@code collect} gives them. */
  private List<Object[]> decode(io.delta.kernel.data.Row scanState, io.delta.kernel.data.Row scanFile, FileStatus file,
      io.delta.kernel.types.StructType physicalSchema, List<String> read, StructType tableSchema) throws IOException {
    List<Object[]> rows = new ArrayList<>();
    CloseableIterator<ColumnarBatch> physical =
        engine.getParquetHandler().readParquetFiles(Utils.singletonCloseableIterator(file), physicalSchema, Optional.empty());
    try (CloseableIterator<FilteredColumnarBatch> data = Scan.transformPhysicalData(engine, scanState, scanFile, physical)) {
      while (data.hasNext()) {
        FilteredColumnarBatch filtered = data.next();
        ColumnarBatch batch = filtered.getData();
        Optional<ColumnVector> selection = filtered.getSelectionVector();
        int[] ordinals = new int[read.size()];
        for (int i = 0; i < ordinals.length; i++) {
          ordinals[i] = batch.getSchema().indexOf(read.get(i));
        }
        for (int r = 0; r < batch.getSize(); r++) {
          if (selection.isPresent() && (selection.get().isNullAt(r) || !selection.get().getBoolean(r))) {
            continue;
          }
          Object[] values = new Object[read.size()];
          for (int i = 0; i < values.length; i++) {
            values[i] = value(batch.getColumnVector(ordinals[i]), r, tableSchema.apply(read.get(i)).dataType());
          }
          rows.add(values);
        }
      }
    }
    return rows;
  }

  /** The rows that meet every condition, with the first {@code outSchema.size()} values of each. */
  private static void keep(
      List<Object[]> rows, StructType outSchema, int[] conditionOrdinals, Object[] conditionValues, List<Row> out) {
    rows:
    for (Object[] values : rows) {
      for (int k = 0; k < conditionOrdinals.length; k++) {
        if (!same(values[conditionOrdinals[k]], conditionValues[k])) {
          continue rows;
        }
      }
      Object[] kept = new Object[outSchema.size()];
      System.arraycopy(values, 0, kept, 0, kept.length);
      out.add(new GenericRowWithSchema(kept, outSchema));
    }
  }

  /**
   * Decoded data files, kept across reads in this JVM: a night's steps read the same profiles, runs and
   * registry files again and again, and a workflow of many nights in one process would otherwise decode
   * every live file of a table on each read. Bounded by an estimate of the memory the values hold; the
   * least recently read file goes first.
   */
  static final DecodedFiles DECODED = new DecodedFiles(64L << 20);

  static final class DecodedFiles {
    private record Kept(List<Object[]> rows, long weight) {}

    private final long budget;
    private long held;
    private final LinkedHashMap<String, Kept> files = new LinkedHashMap<>(64, 0.75f, true);

    DecodedFiles(long budget) {
      this.budget = budget;
    }

    synchronized List<Object[]> get(String key) {
      Kept kept = files.get(key);
      return kept == null ? null : kept.rows();
    }

    synchronized void put(String key, List<Object[]> rows) {
      long weight = weight(rows);
      if (weight > budget / 8 || files.containsKey(key)) {
        return;
      }
      files.put(key, new Kept(rows, weight));
      held += weight;
      var eldest = files.values().iterator();
      while (held > budget && eldest.hasNext()) {
        held -= eldest.next().weight();
        eldest.remove();
      }
    }

    synchronized int size() {
      return files.size();
    }

    /** A rough count of the bytes the values hold (object headers, text, binary, collections). */
    private static long weight(List<Object[]> rows) {
      long w = 0;
      for (Object[] row : rows) {
        w += 16 + 8L * row.length;
        for (Object v : row) {
          w += weightOf(v);
        }
      }
      return w;
    }

    private static long weightOf(Object v) {
      if (v == null) {
        return 0;
      } else if (v instanceof byte[] b) {
        return 16 + b.length;
      } else if (v instanceof String s) {
        return 40 + s.length();
      } else if (v instanceof scala.collection.Map<?, ?> m) {
        return 64 + 96L * m.size();
      } else if (v instanceof scala.collection.Iterable<?> seq) {
        long w = 32;
        var it = seq.iterator();
        while (it.hasNext()) {
          w += 8 + weightOf(it.next());
        }
        return w;
      } else if (v instanceof Row r) {
        long w = 16;
        for (int i = 0; i < r.size(); i++) {
          w += 8 + weightOf(r.get(i));
        }
        return w;
      }
      return 24;
    }
  }

  /** Equality as SQL's {@code =} on one column (an int literal equals a long cell of the same value). */
  private static boolean same(Object cell, Object value) {
    if (cell instanceof Number a && value instanceof Number b
        && !(a instanceof Double || a instanceof Float || b instanceof Double || b instanceof Float)) {
      return a.longValue() == b.longValue();
    }
    if (cell instanceof Number a && value instanceof Number b) {
      return a.doubleValue() == b.doubleValue();
    }
    return java.util.Objects.equals(cell, value);
  }

  /** The value Spark's {@code collect} gives for a cell of this type. */
  private static Object value(ColumnVector v, int r, DataType type) {
    if (v.isNullAt(r)) {
      return null;
    }
    if (type instanceof StructType struct) {
      Object[] fields = new Object[struct.size()];
      for (int i = 0; i < fields.length; i++) {
        fields[i] = value(v.getChild(i), r, struct.fields()[i].dataType());
      }
      return new GenericRowWithSchema(fields, struct);
    }
    if (type instanceof ArrayType array) {
      ArrayValue a = v.getArray(r);
      Object[] elements = new Object[a.getSize()];
      for (int i = 0; i < elements.length; i++) {
        elements[i] = value(a.getElements(), i, array.elementType());
      }
      return scala.collection.mutable.WrappedArray.make(elements);
    }
    if (type instanceof MapType map) {
      MapValue m = v.getMap(r);
      Map<Object, Object> entries = new LinkedHashMap<>();
      for (int i = 0; i < m.getSize(); i++) {
        entries.put(value(m.getKeys(), i, map.keyType()), value(m.getValues(), i, map.valueType()));
      }
      return scala.collection.immutable.Map$.MODULE$.apply(
          scala.collection.JavaConverters.mapAsScalaMapConverter(entries).asScala().toSeq());
    }
    switch (type.typeName()) {
      case "string": return v.getString(r);
      case "integer": return v.getInt(r);
      case "long": return v.getLong(r);
      case "double": return v.getDouble(r);
      case "float": return v.getFloat(r);
      case "boolean": return v.getBoolean(r);
      case "short": return v.getShort(r);
      case "byte": return v.getByte(r);
      case "binary": return v.getBinary(r);
      case "timestamp": return DateTimeUtils.toJavaTimestamp(v.getLong(r));
      case "date": return DateTimeUtils.toJavaDate(v.getInt(r));
      default:
        if (type.typeName().startsWith("decimal")) {
          return v.getDecimal(r);
        }
        throw new IllegalStateException("no reader for a column of type " + type.simpleString());
    }
  }

  /** Equalities on partition columns, as a Kernel predicate that prunes files; null when there are none. */
  private static Predicate partitionFilter(List<String> partitionColumns, Map<String, Object> equalities) {
    Predicate filter = null;
    for (Map.Entry<String, Object> e : equalities.entrySet()) {
      Literal literal = literal(e.getValue());
      if (!partitionColumns.contains(e.getKey()) || literal == null) {
        continue;
      }
      Predicate p = new Predicate("=", new Column(e.getKey()), literal);
      filter = filter == null ? p : new And(filter, p);
    }
    return filter;
  }

  /** A partition value as Kernel's literal: a string or an integer, what the lakehouse partitions by; else null. */
  static Literal literal(Object value) {
    if (value instanceof String s) {
      return Literal.ofString(s);
    }
    if (value instanceof Integer i) {
      return Literal.ofInt(i);
    }
    if (value instanceof Long l) {
      return Literal.ofLong(l);
    }
    return null;
  }
}
