package dev.esteira.lake;

import java.sql.Timestamp;

/** Values written into SQL predicates (replaceWhere conditions), quoted and escaped. */
public final class SqlLiterals {
  private SqlLiterals() {}

  public static String of(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof String s) {
      return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return value.toString();
    }
    if (value instanceof Boolean b) {
      return b ? "TRUE" : "FALSE";
    }
    if (value instanceof Double || value instanceof Float) {
      return "CAST('" + value + "' AS DOUBLE)";
    }
    if (value instanceof Timestamp t) {
      return "TIMESTAMP '" + t + "'";
    }
    throw new IllegalArgumentException("no SQL literal for " + value.getClass().getName());
  }
}
