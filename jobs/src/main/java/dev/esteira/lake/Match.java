package dev.esteira.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.StructType;

/**
 * Which rows of a table an operation reads or replaces: column = value for some of its columns, all of
 * them true at once. Column names are checked against the table's schema when the match is built, and
 * values are typed literals, so no caller ever builds a SQL condition from text. The replaceWhere
 * condition Delta's writer needs as a string is produced here, in {@code lake}, and nowhere else.
 *
 * <pre>{@code lake.replace(PREDICTIONS, rows, Match.on(PREDICTIONS).eq("model", m).eq("batch", b))}</pre>
 */
public final class Match {
  private final MetaTable table;
  private final Map<String, Object> equalities;

  private Match(MetaTable table, Map<String, Object> equalities) {
    this.table = table;
    this.equalities = Collections.unmodifiableMap(equalities);
  }

  /** Every row of the table (no condition yet). */
  public static Match on(MetaTable table) {
    return new Match(table, new LinkedHashMap<>());
  }

  /** This match and {@code column = value} ({@code IS NULL} for null). */
  public Match eq(String column, Object value) {
    StructType schema = table.schema();
    if (!List.of(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException("table " + table.name() + " has no column '" + column + "'");
    }
    if (equalities.containsKey(column)) {
      throw new IllegalArgumentException("column '" + column + "' is matched twice");
    }
    SqlLiterals.of(value); // refuses a value that has no typed literal, here rather than at the write
    Map<String, Object> next = new LinkedHashMap<>(equalities);
    next.put(column, value);
    return new Match(table, next);
  }

  public MetaTable table() {
    return table;
  }

  /** The columns matched and their values, in the order they were given. */
  public Map<String, Object> equalities() {
    return equalities;
  }

  /** The condition as a Spark column, for reads. */
  public Column column() {
    Column c = lit(true);
    for (Map.Entry<String, Object> e : equalities.entrySet()) {
      c = c.and(e.getValue() == null ? col(e.getKey()).isNull() : col(e.getKey()).equalTo(lit(e.getValue())));
    }
    return c;
  }

  /** The condition as SQL text, for Delta's replaceWhere: quoted names, escaped literals. */
  String sql() {
    if (equalities.isEmpty()) {
      return "true";
    }
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Object> e : equalities.entrySet()) {
      parts.add(quoted(e.getKey()) + (e.getValue() == null ? " IS NULL" : " = " + SqlLiterals.of(e.getValue())));
    }
    return String.join(" AND ", parts);
  }

  /** Any of several matches of one table, as SQL text for one replaceWhere. */
  static String anyOf(List<Match> matches) {
    return matches.stream().map(m -> "(" + m.sql() + ")").distinct().collect(Collectors.joining(" OR "));
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  @Override
  public String toString() {
    return table.name() + " where " + sql();
  }
}
