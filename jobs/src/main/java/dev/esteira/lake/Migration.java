package dev.esteira.lake;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * One step of a metadata table's schema history: from the schema {@code from} to the next version. The
 * transform gets the table's rows in the old schema and returns them in the new one; {@code esteira
 * lakehouse migrate} writes the result back in one Delta commit that also replaces the schema. It may read
 * other tables of the lakehouse as they are before the migration (tables migrate in a fixed order, see
 * {@link Lakehouse#migrate}).
 */
public record Migration(StructType from, String description, Transform transform) {

  /** The step that adds {@code column} of {@code type} at the end of the schema, null in every earlier row. */
  public static Migration addingNull(StructType from, String column, org.apache.spark.sql.types.DataType type,
      String description) {
    return new Migration(from, description,
        (lake, rows) -> rows.withColumn(column, org.apache.spark.sql.functions.lit(null).cast(type)));
  }

  @FunctionalInterface
  public interface Transform {
    Dataset<Row> apply(Lakehouse lake, Dataset<Row> oldRows);
  }
}
