package dev.esteira.data;

import static org.apache.spark.sql.functions.xxhash64;

import dev.esteira.lake.Fingerprints;
import java.io.Serializable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * One pass over a batch that counts the rows breaking each contract rule and computes the content
 * fingerprint of the typed rows, with whatever {@link PassAlong} rides along it (the batch's profile).
 * The fingerprint is the one {@link Fingerprints#content} computes (row count and the exact sum of every
 * row's xxhash64), so a batch ingested before keeps its hash.
 */
final class CheckTally implements Serializable {
  private static final long serialVersionUID = 1L;

  private long rows;
  private final long[] violations;
  // The exact hash sum: a long until it would overflow, then folded into a BigInteger.
  private long hashSum;
  private BigInteger hashOverflow = BigInteger.ZERO;
  // What the work along the pass folded (null when none rides along).
  private byte[] along;

  private CheckTally(int rules) {
    this.violations = new long[rules];
  }

  /** The state the {@link PassAlong} folded over every row; null when none was given or the batch is empty. */
  byte[] along() {
    return along;
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
   * not broken) is true, fingerprints the rows {@code typed} (the contract's columns by name, in order)
   * gives, and folds them into {@code along} when it is not null.
   */
  static CheckTally of(Dataset<Row> raw, List<Column> rules, Map<String, Column> typed, PassAlong along) {
    List<Column> projection = new ArrayList<>(rules);
    projection.add(xxhash64(typed.values().toArray(new Column[0])));
    int n = rules.size();
    if (along != null) {
      projection.addAll(along.columns(typed));
    }
    JavaRDD<InternalRow> rdd = raw.select(projection.toArray(new Column[0])).queryExecution().toRdd().toJavaRDD();
    if (rdd.getNumPartitions() == 0) {
      return new CheckTally(n);
    }
    // What each task returns can be large (a profile of a thousand columns): one task per core reads
    // several splits (no shuffle), and a tree merge keeps what reaches the driver small.
    int cores = Math.max(1, raw.sparkSession().sparkContext().defaultParallelism());
    if (rdd.getNumPartitions() > cores) {
      rdd = rdd.coalesce(cores);
    }
    // Merged in partition order, not in the order tasks finish: the profile folded along is then the
    // same from run to run (see OrderedReduce).
    return OrderedReduce.reduce(rdd.mapPartitions(it -> {
          CheckTally t = new CheckTally(n);
          PassAlong.Folding folding = along == null ? null : along.start();
          while (it.hasNext()) {
            InternalRow r = it.next();
            t.add(r);
            if (folding != null) {
              folding.add(r, n + 1);
            }
          }
          t.along = folding == null ? null : folding.finish();
          return List.of(t).iterator();
        }), (a, b) -> merge(a, b, along));
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

  private static CheckTally merge(CheckTally a, CheckTally b, PassAlong along) {
    if (along != null) {
      a.along = along.merge(a.along, b.along);
    }
    a.rows += b.rows;
    for (int i = 0; i < a.violations.length; i++) {
      a.violations[i] += b.violations[i];
    }
    a.hashOverflow = a.hashOverflow.add(b.hashOverflow).add(BigInteger.valueOf(b.hashSum));
    return a;
  }
}
