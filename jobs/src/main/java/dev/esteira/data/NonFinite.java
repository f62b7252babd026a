package dev.esteira.data;

import static org.apache.spark.sql.functions.*;

import java.util.List;
import java.util.function.LongFunction;
import org.apache.spark.sql.Column;

/**
 * NaN and ±Infinity in a {@code double} contract column. Spark parses "NaN", "Infinity" and literals
 * beyond the double range (1e400) into them, and they slip through {@code min}/{@code max} (NaN compares
 * false to everything), so a column refuses them unless its contract allows them.
 */
final class NonFinite {
  private NonFinite() {}

  /** Adds one rule per refused kind (a boolean column, true where broken) to the contract's single pass. */
  static void addChecks(DatasetSpec.Column c, Column cast, List<Column> checks, List<LongFunction<String>> labels) {
    if (!c.allowNan()) {
      checks.add(isnan(cast));
      labels.add(n -> c.name() + ": " + n + " NaN values (allow_nan: true in the contract accepts them)");
    }
    if (!c.allowInfinity()) {
      checks.add(cast.equalTo(Double.POSITIVE_INFINITY).or(cast.equalTo(Double.NEGATIVE_INFINITY)));
      labels.add(n -> c.name() + ": " + n + " infinite values (allow_infinity: true in the contract accepts them)");
    }
  }
}
