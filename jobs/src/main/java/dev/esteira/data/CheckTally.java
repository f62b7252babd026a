package dev.esteira.data;

import static org.apache.spark.sql.functions.xxhash64;

import dev.esteira.lake.Fingerprints;
import java.io.Serializable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * One pass over a batch that counts the rows breaking each contract rule and computes the content
 * fingerprint of the typed rows. The fingerprint is the one {@link Fingerprints#content} computes
 * (row count and the exact sum of every row's xxhash64), so a batch ingested before keeps its hash.
 */
final class CheckTally implements Serializable {
  private static final long serialVersionUID = 1L;

  private long rows;
  private final long[] violations;
  // The exact hash sum: a long until it would overflow, then folded into a BigInteger.
  private long hashSum;
  private BigInteger hashOverflow = BigInteger.ZERO;

  private CheckTally(int rules) {
    this.violations = new long[rules];
  }

  long[] violations() {
    return violations;
  }

  Fingerprints.ContentFingerprint fingerprint() {
    String sum = hashOverflow.add(BigInteger.valueOf(hashSum)).toString();
    return new Fingerprints.ContentFingerprint(rows, Fingerprints.sha256(rows + ":" + sum));
  }

  /**
   * Counts, over {@code raw}, the rows where each of {@code rules} (boolean columns; null counts as
   * not broken) is true, and fingerprints the rows {@code typed} (the contract's columns) gives.
   */
  static CheckTally of(Dataset<Row> raw, List<Column> rules, List<Column> typed) {
    List<Column> projection = new ArrayList<>(rules);
    projection.add(xxhash64(typed.toArray(new Column[0])));
    int n = rules.size();
    JavaRDD<InternalRow> rdd = raw.select(projection.toArray(new Column[0])).queryExecution().toRdd().toJavaRDD();
    if (rdd.getNumPartitions() == 0) {
      return new CheckTally(n);
    }
    return rdd.mapPartitions(it -> {
          CheckTally t = new CheckTally(n);
          while (it.hasNext()) {
            t.add(it.next());
          }
          return List.of(t).iterator();
        })
        .reduce(CheckTally::merge);
  }

  private void add(InternalRow r) {
    rows++;
    int n = violations.length;
    for (int i = 0; i < n; i++) {
      if (!r.isNullAt(i) && r.getBoolean(i)) {
        violations[i]++;
      }
    }
    long h = r.getLong(n);
    long s = hashSum + h;
    // Overflow iff both operands have the sign opposite to the result's (Hacker's Delight 2-13).
    if (((hashSum ^ s) & (h ^ s)) < 0) {
      hashOverflow = hashOverflow.add(BigInteger.valueOf(hashSum));
      s = h;
    }
    hashSum = s;
  }

  private static CheckTally merge(CheckTally a, CheckTally b) {
    a.rows += b.rows;
    for (int i = 0; i < a.violations.length; i++) {
      a.violations[i] += b.violations[i];
    }
    a.hashOverflow = a.hashOverflow.add(b.hashOverflow).add(BigInteger.valueOf(b.hashSum));
    return a;
  }
}
