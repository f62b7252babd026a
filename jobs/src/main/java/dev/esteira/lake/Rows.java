package dev.esteira.lake;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Rows built by column name, so that a converter next to a table's schema never depends on the order
 * of its columns: a name that is not a column of the schema is a bug caught at the first write.
 */
public final class Rows {
  private Rows() {}

  public static Row of(StructType schema, Map<String, ?> values) {
    Set<String> unknown = new HashSet<>(values.keySet());
    unknown.removeAll(List.of(schema.fieldNames()));
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("no columns " + unknown + " in " + schema.simpleString());
    }
    Object[] cells = new Object[schema.size()];
    for (int i = 0; i < cells.length; i++) {
      cells[i] = values.get(schema.fields()[i].name());
    }
    return RowFactory.create(cells);
  }
}
