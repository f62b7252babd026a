package dev.esteira.data;

import static org.apache.spark.sql.functions.*;

import dev.esteira.EsteiraException;
import dev.esteira.lake.Fingerprints;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;

/**
 * Checks a raw batch against a dataset contract and returns it with the contract's column types. Every
 * broken rule is counted, so the report lists all of them, not the first, in the same single pass over
 * the batch that computes its content fingerprint.
 *
 * <p>The rules are boolean columns of one projection, counted row by row in Java ({@link CheckTally}),
 * not a Spark aggregate: an aggregate with one {@code count(when(...))} per rule generates code that
 * grows with the width of the batch and took minutes at a thousand columns, while a projection of
 * booleans stays cheap at any width.
 */
final class ContractCheck {
  private ContractCheck() {}

  /**
   * A batch that passed: cast to the contract, the fingerprint of that typed content, and what the work
   * along the pass folded (null when none).
   */
  record Checked(Dataset<Row> typed, Fingerprints.ContentFingerprint content, byte[] along) {}

  /** The batch cast to the contract with its fingerprint, or an exception listing everything that broke. */
  static Checked apply(DatasetSpec spec, Dataset<Row> raw, String batch) {
    return apply(spec, raw, batch, null);
  }

  /** As above, with {@code along} (may be null) folding the typed rows in the same pass. */
  static Checked apply(DatasetSpec spec, Dataset<Row> raw, String batch, PassAlong along) {
    Set<String> present = new LinkedHashSet<>(List.of(raw.columns()));
    List<String> problems = new ArrayList<>();
    for (DatasetSpec.Column c : spec.columns()) {
      if (!present.contains(c.name()) && c.required()) {
        problems.add("missing column '" + c.name() + "'");
      }
    }
    for (String name : present) {
      if (spec.column(name).isEmpty() && !spec.dropExtraColumns()) {
        problems.add("unexpected column '" + name + "'");
      }
    }
    for (DatasetSpec.Column c : spec.columns()) {
      if (present.contains(c.name())) {
        DataType actual = raw.schema().apply(c.name()).dataType();
        if (!castable(actual, sparkType(c.type()))) {
          problems.add(
              "column '" + c.name() + "' has type " + actual.simpleString() + ", contract says " + c.type());
        }
      }
    }
    refuseIf(spec, batch, problems);

    Map<String, Column> typed = new LinkedHashMap<>();
    List<Column> checks = new ArrayList<>();
    // One message per rule, built from its count: a function, not a format string, because the
    // column names and allowed values in it are user text and may contain '%'.
    List<LongFunction<String>> labels = new ArrayList<>();
    for (DatasetSpec.Column c : spec.columns()) {
      DataType type = sparkType(c.type());
      if (!present.contains(c.name())) {
        typed.put(c.name(), lit(null).cast(type).as(c.name()));
        if (!c.nullable()) {
          problems.add("missing column '" + c.name() + "' is not nullable");
        }
        continue;
      }
      Column rawCol = col(c.name());
      DataType actual = raw.schema().apply(c.name()).dataType();
      Column cast = castColumn(rawCol, actual, type);
      typed.put(c.name(), cast.as(c.name()));
      // A column already of the contract's type cannot fail its cast: no rule, one expression fewer
      // per column in the pass (a thousand fewer on a wide parquet batch).
      if (!actual.equals(type)) {
        checks.add(rawCol.isNotNull().and(cast.isNull()));
        labels.add(n -> c.name() + ": " + n + " values not of type " + c.type());
      }
      if (!c.nullable()) {
        checks.add(rawCol.isNull());
        labels.add(n -> c.name() + ": " + n + " nulls in a non-nullable column");
      }
      if (c.type().equals("double")) {
        NonFinite.addChecks(c, cast, checks, labels);
      }
      if (c.min() != null) {
        checks.add(cast.cast("double").lt(c.min()));
        labels.add(n -> c.name() + ": " + n + " values below min " + c.min());
      }
      if (c.max() != null) {
        checks.add(cast.cast("double").gt(c.max()));
        labels.add(n -> c.name() + ": " + n + " values above max " + c.max());
      }
      if (c.allowed() != null && !c.allowed().isEmpty()) {
        checks.add(cast.cast("string").isin(c.allowed().toArray()).equalTo(false));
        labels.add(n -> c.name() + ": " + n + " values not in " + c.allowed());
      }
    }
    refuseIf(spec, batch, problems);
    CheckTally tally = CheckTally.of(raw, checks, typed, along);
    for (int i = 0; i < labels.size(); i++) {
      long n = tally.violations()[i];
      if (n > 0) {
        problems.add(labels.get(i).apply(n));
      }
    }
    refuseIf(spec, batch, problems);
    return new Checked(raw.select(typed.values().toArray(new Column[0])), tally.fingerprint(), tally.along());
  }

  private static void refuseIf(DatasetSpec spec, String batch, List<String> problems) {
    if (!problems.isEmpty()) {
      throw new ContractViolation(spec.name(), batch, problems);
    }
  }

  static DataType sparkType(String type) {
    return switch (type) {
      case "string" -> DataTypes.StringType;
      case "integer" -> DataTypes.IntegerType;
      case "long" -> DataTypes.LongType;
      case "double" -> DataTypes.DoubleType;
      case "boolean" -> DataTypes.BooleanType;
      case "date" -> DataTypes.DateType;
      case "timestamp" -> DataTypes.TimestampType;
      default -> throw new EsteiraException("unknown column type " + type);
    };
  }

  /** Text can be parsed into anything (failures are counted); numbers widen; nothing else converts. */
  private static boolean castable(DataType from, DataType to) {
    if (from.equals(to) || from instanceof StringType) {
      return true;
    }
    if (from instanceof NumericType && to instanceof NumericType) {
      return true;
    }
    return false;
  }

  private static Column castColumn(Column raw, DataType from, DataType to) {
    boolean toWhole = to.equals(DataTypes.IntegerType) || to.equals(DataTypes.LongType);
    if (from instanceof StringType) {
      Column trimmed = trim(raw);
      // "3.5" must not silently become 3: only whole numbers count as integers.
      return toWhole ? when(trimmed.rlike("^[+-]?[0-9]+$"), trimmed.cast(to)) : trimmed.cast(to);
    }
    boolean fromFraction =
        from.equals(DataTypes.DoubleType) || from.equals(DataTypes.FloatType) || from instanceof DecimalType;
    if (toWhole && fromFraction) {
      return when(raw.equalTo(floor(raw)), raw.cast(to));
    }
    return raw.cast(to);
  }
}
