package dev.esteira.monitor;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.monitor.stats.NumericProfile;
import dev.esteira.testing.TestSpark;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Profiling the same batch again: what is reproducible to the bit (counts, min, max, moments, category
 * counts, and a KLL sketch that still holds every value), and, for a KLL sketch past its first
 * compaction, the run-to-run difference within the bound the README states (DataSketches 3.3.0 draws
 * its compaction coin flips from one unseeded generator shared by the whole JVM).
 */
class ProfileReproducibilityTest {
  static final int ROWS = 40_000;
  /** Small on purpose: tens of compactions, so the coin flips matter. */
  static final int K = 256;

  @Test
  void theSameBatchProfiledAgainGivesTheSameProfileOrOneWithinTheSketchBound() {
    Random r = new Random(20261206L);
    double[] x = new double[ROWS];
    List<Double> small = new ArrayList<>();
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      x[i] = Math.exp(r.nextGaussian()) * 100;
      // y has K / 2 values in all: its sketch never compacts.
      Double y = i % (2 * ROWS / K) == 0 ? r.nextGaussian() : null;
      if (y != null) {
        small.add(y);
      }
      data.add(RowFactory.create(x[i], y, "c" + (int) Math.floor(Math.abs(r.nextGaussian()) * 4)));
    }
    StructType schema = new StructType().add("x", DataTypes.DoubleType, false).add("y", DataTypes.DoubleType, true)
        .add("c", DataTypes.StringType, false);
    JavaSparkContext jsc = new JavaSparkContext(TestSpark.spark().sparkContext());
    Dataset<Row> twoSplits = TestSpark.spark().createDataFrame(jsc.parallelize(data, 2), schema);
    Dataset<Row> fiveSplits = TestSpark.spark().createDataFrame(jsc.parallelize(data, 5), schema);
    List<Profiler.Monitored> columns = List.of(Profiler.Monitored.numeric("x", "double"),
        Profiler.Monitored.numeric("y", "double"), Profiler.Monitored.categorical("c", "string"));
    Profiler profiler = new Profiler(TestSpark.freshLakehouse("reproducible"), K, 100);
    ColumnProfile.Origin origin = new ColumnProfile.Origin("dataset:repro", "repro", "b1", 0, new Timestamp(0));
    List<ColumnProfile> first = profiler.compute(origin, twoSplits, columns);
    List<ColumnProfile> again = profiler.compute(origin, twoSplits, columns);
    List<ColumnProfile> repartitioned = profiler.compute(origin, fiveSplits, columns);

    // The same partitions merge in the same order: moments to the bit, exact sketches byte for byte.
    NumericProfile x1 = first.get(0).numericProfile();
    NumericProfile x2 = again.get(0).numericProfile();
    assertEquals(Double.doubleToLongBits(x1.mean()), Double.doubleToLongBits(x2.mean()));
    assertEquals(Double.doubleToLongBits(x1.m2()), Double.doubleToLongBits(x2.m2()));
    assertArrayEquals(first.get(1).sketch(), again.get(1).sketch(), "y: a sketch holding every value");
    assertArrayEquals(first.get(2).sketch(), again.get(2).sketch(), "c: category counts");
    // Against the data (independent): counts, extremes and mean whatever the partitioning.
    double mean = Arrays.stream(x).sum() / ROWS;
    double min = Arrays.stream(x).min().orElseThrow();
    double max = Arrays.stream(x).max().orElseThrow();
    for (List<ColumnProfile> run : List.of(first, again, repartitioned)) {
      assertEquals(ROWS, run.get(0).rows());
      assertEquals(min, run.get(0).min());
      assertEquals(max, run.get(0).max());
      assertEquals(mean, run.get(0).mean(), 1e-12 * Math.abs(mean));
      assertTrue(run.get(1).exact());
      assertEquals(small.size(), run.get(1).numericProfile().finite());
      assertEquals(first.get(2).categoryCounts(), run.get(2).categoryCounts());
      assertFalse(run.get(0).exact(), "x must be past its first compaction for this test to mean anything");
    }

    // Past compaction: each run within the sketch's rank error of the exact distribution, so any two
    // runs within twice that of each other, in CDF (KS) and in Wasserstein-1 (at most 2ε × range).
    double[] sorted = x.clone();
    Arrays.sort(sorted);
    double eps = x1.rankError();
    assertTrue(eps > 0 && eps < 0.05, "rank error " + eps);
    List<KllDoublesSketch> sketches = List.of(x1.sketch(), x2.sketch(), repartitioned.get(0).numericProfile().sketch());
    double[][] cdf = new double[sketches.size()][sorted.length];
    for (int s = 0; s < sketches.size(); s++) {
      double worst = 0;
      int firstOfValue = 0;
      for (int i = 0; i < sorted.length; i++) {
        // DataSketches 3.3.0's rank: the share of values strictly below (exact: index of the value's first copy).
        cdf[s][i] = sketches.get(s).getRank(sorted[i]);
        if (i > 0 && sorted[i] != sorted[i - 1]) {
          firstOfValue = i;
        }
        worst = Math.max(worst, Math.abs(cdf[s][i] - (double) firstOfValue / sorted.length));
      }
      assertTrue(worst <= eps, "run " + s + ": rank error " + worst + " > " + eps);
    }
    for (int a = 0; a < sketches.size(); a++) {
      for (int b = a + 1; b < sketches.size(); b++) {
        double ks = 0;
        double w1 = 0;
        for (int i = 0; i < sorted.length; i++) {
          double d = Math.abs(cdf[a][i] - cdf[b][i]);
          ks = Math.max(ks, d);
          if (i + 1 < sorted.length) {
            w1 += d * (sorted[i + 1] - sorted[i]);
          }
        }
        assertTrue(ks <= 2 * eps, "KS between runs " + a + " and " + b + ": " + ks + " > 2 × " + eps);
        assertTrue(w1 <= 2 * eps * (max - min), "W1 between runs " + a + " and " + b + ": " + w1);
        System.out.printf("profile reproducibility: runs %d/%d: KS %.5f, W1 %.4f (bound %.5f, %.4f)%n",
            a, b, ks, w1, 2 * eps, 2 * eps * (max - min));
      }
    }
  }

  /**
   * The ordered reduce on many partitions (the grouped level of the tree as well): an order-sensitive
   * merge, string concatenation, gives the values in partition order every time.
   */
  @Test
  void theOrderedReduceMergesInPartitionOrderAtEveryLevel() {
    JavaSparkContext jsc = new JavaSparkContext(TestSpark.spark().sparkContext());
    List<String> values = new ArrayList<>();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      values.add(i + ",");
      expected.append(i).append(',');
    }
    for (int partitions : List.of(1, 2, 30)) {
      assertEquals(expected.toString(),
          dev.esteira.data.OrderedReduce.reduce(jsc.parallelize(values, partitions), (a, b) -> a + b), partitions + " partitions");
    }
  }
}
