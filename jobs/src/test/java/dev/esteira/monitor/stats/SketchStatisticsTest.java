package dev.esteira.monitor.stats;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/**
 * Every statistic computed from sketches against an independent computation on the raw samples
 * (commons-math3 or brute force), on heavy tails, ties, constants, NaN/infinities and many categories;
 * estimates from full sketches are checked against their documented bounds.
 */
class SketchStatisticsTest {
  static final int K = NumericProfile.DEFAULT_K;

  static double[] lognormal(Random r, int n, double mu, double sigma) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = Math.exp(mu + sigma * r.nextGaussian());
    }
    return v;
  }

  /** Pareto with tail index 1.5: infinite variance, the kind of delays that broke the histogram. */
  static double[] pareto(Random r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = Math.pow(1 - r.nextDouble(), -1 / 1.5);
    }
    return v;
  }

  static double[] ties(Random r, int n, double shift) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = Math.round(3 * r.nextGaussian() + shift);
    }
    return v;
  }

  /** KS by definition: the largest |F_a(x) - F_b(x)| over every sample value, counted by scanning. */
  static double bruteKs(double[] a, double[] b) {
    double[] sa = a.clone();
    double[] sb = b.clone();
    Arrays.sort(sa);
    Arrays.sort(sb);
    double d = 0;
    for (double[] side : new double[][] {sa, sb}) {
      for (double x : side) {
        d = Math.max(d, Math.abs(countLeq(sa, x) / (double) sa.length - countLeq(sb, x) / (double) sb.length));
      }
    }
    return d;
  }

  static long countLeq(double[] sorted, double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Test
  void exactSketchesGiveTheExactKsAndWassersteinOnHeavyTailsAndTies() {
    Random r = new Random(1);
    for (int trial = 0; trial < 6; trial++) {
      double[] a = trial % 2 == 0 ? pareto(r, 1500) : ties(r, 1500, 0);
      double[] b = trial % 2 == 0 ? pareto(r, 1500) : ties(r, 1500, trial * 0.3);
      NumericProfile pa = NumericProfile.of(K, a);
      NumericProfile pb = NumericProfile.of(K, b);
      assertTrue(pa.exact() && pb.exact());
      SketchStatistics.Estimate ks = SketchStatistics.ks(pa, pb);
      assertEquals(0.0, ks.bound());
      assertEquals(bruteKs(a, b), ks.value(), 1e-12, "trial " + trial);
      assertEquals(new KolmogorovSmirnovTest().kolmogorovSmirnovStatistic(a, b), ks.value(), 1e-12);
      SketchStatistics.Estimate w = SketchStatistics.wasserstein(pa, pb);
      assertEquals(0.0, w.bound());
      double expected = dev.esteira.testing.Oracles.wasserstein1(a, b);
      assertEquals(expected, w.value(), 1e-9 * Math.max(1, expected), "trial " + trial);
    }
  }

  @Test
  void fullSketchesStayWithinTheirStatedBounds() {
    Random r = new Random(2);
    for (int trial = 0; trial < 4; trial++) {
      double[] a = lognormal(r, 200_000, 0, 1);
      double[] b = lognormal(r, 200_000, 0.05 * trial, 1 + 0.05 * trial);
      NumericProfile pa = NumericProfile.of(K, a);
      NumericProfile pb = NumericProfile.of(K, b);
      assertFalse(pa.exact());
      SketchStatistics.Estimate ks = SketchStatistics.ks(pa, pb);
      double exact = bruteKs(a, b);
      assertTrue(Math.abs(ks.value() - exact) <= ks.bound(), ks + " vs " + exact);
      assertTrue(ks.bound() < 0.005, "bound " + ks.bound());
      SketchStatistics.Estimate w = SketchStatistics.wasserstein(pa, pb);
      double we = dev.esteira.testing.Oracles.wasserstein1(a, b);
      assertTrue(Math.abs(w.value() - we) <= w.bound(), w + " vs " + we);
      // Quantiles: the rank of the reported median is within the rank error.
      double[] sorted = a.clone();
      Arrays.sort(sorted);
      double rank = countLeq(sorted, pa.quantile(0.5)) / (double) a.length;
      assertEquals(0.5, rank, pa.rankError() + 1e-9);
    }
  }

  /** W1 for any sizes: ∫|F_a − F_b|dx, the CDFs constant between consecutive values of the merged samples. */
  static double integralWasserstein(double[] a, double[] b) {
    double[] sa = a.clone();
    double[] sb = b.clone();
    Arrays.sort(sa);
    Arrays.sort(sb);
    double[] all = new double[sa.length + sb.length];
    System.arraycopy(sa, 0, all, 0, sa.length);
    System.arraycopy(sb, 0, all, sa.length, sb.length);
    Arrays.sort(all);
    double sum = 0;
    for (int k = 0; k + 1 < all.length; k++) {
      double fa = countLeq(sa, all[k]) / (double) sa.length;
      double fb = countLeq(sb, all[k]) / (double) sb.length;
      sum += Math.abs(fa - fb) * (all[k + 1] - all[k]);
    }
    return sum;
  }

  @Test
  void theWassersteinBoundStaysTrueAndIsTighterThanTheWholeRangeOnHeavyTails() {
    Random r = new Random(3);
    double worst = 0;
    for (int trial = 0; trial < 6; trial++) {
      // Log-normal and Pareto(1.5) at 200,000 values, against the same or a shifted law; the last two
      // trials compare a small exact batch (5,000) with a large reference.
      boolean small = trial >= 4;
      double[] a = trial % 2 == 0 ? lognormal(r, 200_000, 0, 1) : pareto(r, 200_000);
      double[] b = trial % 2 == 0 ? lognormal(r, small ? 5_000 : 200_000, 0.1 * trial, 1)
          : pareto(r, small ? 5_000 : 200_000);
      NumericProfile pa = NumericProfile.of(K, a);
      NumericProfile pb = NumericProfile.of(K, b);
      assertEquals(small, pb.exact());
      SketchStatistics.Estimate w = SketchStatistics.wasserstein(pa, pb);
      double exact = integralWasserstein(a, b);
      double error = Math.abs(w.value() - exact);
      assertTrue(error <= w.bound(), "trial " + trial + ": " + w + " vs " + exact);
      // The former bound: both rank errors times the range of both samples.
      double former = (pa.rankError() + pb.rankError())
          * (Math.max(pa.max(), pb.max()) - Math.min(pa.min(), pb.min()));
      assertTrue(w.bound() <= former + 1e-12, "trial " + trial);
      // Each side pays its own rank error times its own range: an exact side nothing.
      double own = pa.rankError() * (pa.max() - pa.min()) + (small ? 0 : pb.rankError() * (pb.max() - pb.min()));
      assertEquals(own, w.bound(), 1e-12 * own, "trial " + trial);
      worst = Math.max(worst, error / w.bound());
      System.out.printf("W1 trial %d: error %.3g, bound %.3g (former %.3g), error/bound %.3f%n",
          trial, error, w.bound(), former, error / w.bound());
    }
    assertTrue(worst < 1);
  }

  @Test
  void mergedPartitionsGiveTheMomentsOfTheWholeSample() {
    Random r = new Random(3);
    double[] all = pareto(r, 10_000);
    NumericProfile merged = new NumericProfile(K);
    for (int part = 0; part < 7; part++) {
      NumericProfile p = new NumericProfile(K);
      for (int i = part; i < all.length; i += 7) {
        p.add(all[i]);
      }
      merged.merge(NumericProfile.fromBytes(p.toBytes()));
    }
    DescriptiveStatistics ref = new DescriptiveStatistics(all);
    assertEquals(all.length, merged.finite());
    assertEquals(ref.getMean(), merged.mean(), 1e-12 * Math.abs(ref.getMean()));
    assertEquals(ref.getStandardDeviation(), merged.stddev(), 1e-9 * ref.getStandardDeviation());
    assertEquals(ref.getMin(), merged.min());
    assertEquals(ref.getMax(), merged.max());
    assertEquals(ref.getPercentile(50), merged.quantile(0.5), 0.05 * ref.getPercentile(50));
  }

  @Test
  void nanAndInfinitiesAreCountedApartAndNeverEnterTheDistribution() {
    NumericProfile p = NumericProfile.of(K, 1, 2, Double.NaN, Double.POSITIVE_INFINITY, 3, Double.NEGATIVE_INFINITY);
    p.addNull();
    assertEquals(7, p.rows());
    assertEquals(1, p.nulls());
    assertEquals(1, p.nans());
    assertEquals(1, p.posInf());
    assertEquals(1, p.negInf());
    assertEquals(3, p.finite());
    assertEquals(2.0, p.mean());
    assertEquals(1.0, p.stddev(), 1e-15);
    assertEquals(3.0, p.max());
    NumericProfile back = NumericProfile.fromBytes(p.toBytes());
    assertEquals(p.nans(), back.nans());
    assertEquals(p.m2(), back.m2());
    assertEquals(3, back.sample().total());
  }

  @Test
  void psiAndJensenShannonMatchTheirFormulas() {
    long[] p = {50, 30, 0, 20};
    long[] q = {40, 30, 10, 20};
    double psi = 0;
    for (int i = 0; i < 4; i++) {
      double a = p[i] == 0 ? 0.5 / 100 : p[i] / 100.0;
      double b = q[i] == 0 ? 0.5 / 100 : q[i] / 100.0;
      psi += (b - a) * Math.log(b / a);
    }
    assertEquals(psi, SketchStatistics.psi(p, q), 1e-15);
    // JS divergence as the mean KL to the midpoint, in bits, by its definition.
    double kl1 = 0;
    double kl2 = 0;
    for (int i = 0; i < 4; i++) {
      double a = p[i] / 100.0;
      double b = q[i] / 100.0;
      double m = (a + b) / 2;
      kl1 += a == 0 ? 0 : a * (Math.log(a / m) / Math.log(2));
      kl2 += b == 0 ? 0 : b * (Math.log(b / m) / Math.log(2));
    }
    assertEquals(Math.sqrt((kl1 + kl2) / 2), SketchStatistics.jensenShannon(p, q), 1e-12);
    assertEquals(0.0, SketchStatistics.jensenShannon(p, p), 1e-12);
    assertEquals(1.0, SketchStatistics.jensenShannon(new long[] {1, 0}, new long[] {0, 1}), 1e-12);
  }

  @Test
  void aConstantMovingEitherWayIsSeenByPsiAndJensenShannon() {
    NumericProfile three = NumericProfile.of(K, fill(500, 3.0));
    for (double moved : new double[] {1.0, 5.0}) {
      List<ColumnDrift.Metric> m = ColumnDrift.numeric(three, NumericProfile.of(K, fill(500, moved)), POLICY);
      // Every value changed bin: PSI by its formula with an empty bin taken as 0.5/n on each side is
      // 2·(1 − 0.001)·ln(1/0.001), JS is 1 bit.
      double expectedPsi = 2 * (1 - 0.5 / 500) * Math.log(1 / (0.5 / 500));
      for (ColumnDrift.Metric x : m) {
        switch (x.metric()) {
          case "psi" -> assertEquals(expectedPsi, x.value(), 1e-9, "psi, 3 -> " + moved);
          case "js" -> assertEquals(1.0, x.value(), 1e-12, "js, 3 -> " + moved);
          case "ks" -> assertEquals(1.0, x.value(), "ks, 3 -> " + moved);
          default -> { }
        }
      }
      assertTrue(alerts(m), "3 -> " + moved);
    }
  }

  @Test
  void binEdgesAreTheInverseOfTheStepCdfOfTheReference() {
    // Type 1 quantiles, Q(p) = min{x : F(x) >= p} = the ceil(p·n)-th smallest value, on an exact sketch of
    // 997 values (no p·n is a whole number, so no convention at a tie of ranks is involved).
    double[] v = lognormal(new Random(6), 997, 0, 1);
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    double[] edges = SketchStatistics.referenceEdges(NumericProfile.of(K, v), 10);
    assertEquals(10, edges.length);
    assertEquals(Math.nextDown(sorted[0]), edges[0]);
    for (int k = 1; k < 10; k++) {
      assertEquals(sorted[(int) Math.ceil(k * 997 / 10.0) - 1], edges[k], "decile " + k);
    }
    // And the counts: the reference has nothing below its minimum, about a tenth in each decile bin.
    long[] counts = SketchStatistics.binCounts(WeightedSample.ofValues(v), edges);
    assertEquals(0, counts[0]);
    for (int b = 1; b <= 10; b++) {
      assertTrue(Math.abs(counts[b] - 99.7) <= 1, "bin " + b + ": " + counts[b]);
    }
  }

  @Test
  void chiSquareMatchesCommonsMathWithRareCategoriesGrouped() {
    Random r = new Random(4);
    String[] a = zipf(r, 3000, 185, 0);
    String[] b = zipf(r, 2000, 185, 0);
    CategoricalProfile pa = CategoricalProfile.of(CategoricalProfile.DEFAULT_CAP, a);
    CategoricalProfile pb = CategoricalProfile.of(CategoricalProfile.DEFAULT_CAP, b);
    SketchStatistics.Aligned al = SketchStatistics.align(pa, pb);
    double small = 2000;
    double n = 5000;
    for (int i = 0; i < al.categories().size(); i++) {
      assertTrue(small * (al.reference()[i] + al.current()[i]) / n >= 5, al.categories().get(i));
    }
    assertEquals(3000, Arrays.stream(al.reference()).sum());
    SketchStatistics.ChiSquare chi = SketchStatistics.chiSquare(al.reference(), al.current());
    ChiSquareTest cm = new ChiSquareTest();
    assertEquals(cm.chiSquareDataSetsComparison(al.reference(), al.current()), chi.statistic(), 1e-9);
    assertEquals(cm.chiSquareTestDataSetsComparison(al.reference(), al.current()), chi.pValue(), 1e-9);
    assertEquals(Math.sqrt(chi.statistic() / n), chi.cramersV(), 1e-15);
  }

  @Test
  void beyondTheCapCategoryCountsComeFromAFrequentItemsSketchWithinItsError() {
    Random r = new Random(5);
    String[] v = zipf(r, 100_000, 20_000, 0);
    CategoricalProfile p = CategoricalProfile.of(1000, v);
    assertFalse(p.exact());
    java.util.Map<String, Long> truth = new java.util.HashMap<>();
    for (String s : v) {
      truth.merge(s, 1L, Long::sum);
    }
    CategoricalProfile back = CategoricalProfile.fromBytes(p.toBytes());
    for (var e : back.counts().entrySet()) {
      long t = truth.get(e.getKey());
      assertTrue(e.getValue() >= t && e.getValue() - t <= back.maxError(), e.getKey());
    }
    assertEquals(100_000, back.rows());
  }

  @Test
  void proportionTestMatchesTheNormalTail() {
    double p1 = 30 / 500.0;
    double p2 = 55 / 600.0;
    double pooled = 85 / 1100.0;
    double z = (p2 - p1) / Math.sqrt(pooled * (1 - pooled) * (1 / 500.0 + 1 / 600.0));
    double expected = 2 * new NormalDistribution().cumulativeProbability(-Math.abs(z));
    assertEquals(expected, SketchStatistics.proportionPValue(30, 500, 55, 600), 1e-9);
  }

  @Test
  void ksPValueAgreesWithCommonsMathExactForModerateSamples() {
    Random r = new Random(6);
    KolmogorovSmirnovTest cm = new KolmogorovSmirnovTest();
    for (int trial = 0; trial < 5; trial++) {
      double[] a = lognormal(r, 120, 0, 1);
      double[] b = lognormal(r, 100, 0.15 * trial, 1);
      double d = bruteKs(a, b);
      double exact = cm.exactP(d, a.length, b.length, true);
      double ours = SketchStatistics.ksPValue(d, a.length, b.length);
      // Stephens' approximation: within 15 % relative (or 0.005 absolute) of the exact p-value.
      assertEquals(exact, ours, Math.max(0.005, 0.15 * exact), "trial " + trial + " D=" + d);
    }
  }

  // ---- policy: special cases, false alarms and detection -----------------------------------------

  static final DriftPolicy POLICY = DriftPolicy.defaults();

  static boolean alerts(List<ColumnDrift.Metric> metrics) {
    return metrics.stream().anyMatch(ColumnDrift.Metric::alerting);
  }

  @Test
  void specialCasesGiveDefinedResults() {
    NumericProfile ones = NumericProfile.of(K, fill(500, 1.0));
    NumericProfile fives = NumericProfile.of(K, fill(500, 5.0));
    assertTrue(alerts(ColumnDrift.numeric(ones, fives, POLICY)), "a constant that moves alerts");
    assertFalse(alerts(ColumnDrift.numeric(ones, NumericProfile.of(K, fill(500, 1.0)), POLICY)));
    NumericProfile onesLarge = NumericProfile.of(K, fill(5000, 1.0));
    assertTrue(alerts(ColumnDrift.numeric(onesLarge, NumericProfile.of(K, fill(5000, 5.0)), POLICY)));

    NumericProfile allNull = new NumericProfile(K);
    for (int i = 0; i < 500; i++) {
      allNull.addNull();
    }
    List<ColumnDrift.Metric> m = ColumnDrift.numeric(ones, allNull, POLICY);
    assertTrue(alerts(m), "a column that becomes all null alerts on its null rate");
    assertTrue(m.stream().anyMatch(x -> x.status() == ColumnDrift.Status.INSUFFICIENT_DATA));

    NumericProfile empty = new NumericProfile(K);
    assertEquals(List.of(ColumnDrift.Status.INSUFFICIENT_DATA),
        ColumnDrift.numeric(ones, empty, POLICY).stream().map(ColumnDrift.Metric::status).toList());
    NumericProfile one = NumericProfile.of(K, 100.0);
    assertFalse(alerts(ColumnDrift.numeric(ones, one, POLICY)), "one row: insufficient data, no alert");

    double[] withOdd = new Random(7).doubles(500).toArray();
    withOdd[3] = Double.NaN;
    withOdd[4] = Double.POSITIVE_INFINITY;
    NumericProfile odd = NumericProfile.of(K, withOdd);
    NumericProfile clean = NumericProfile.of(K, new Random(8).doubles(500).toArray());
    assertFalse(alerts(ColumnDrift.numeric(clean, odd, POLICY)), "two odd values are no drift");
    double[] manyNan = new Random(9).doubles(500).toArray();
    for (int i = 0; i < 100; i++) {
      manyNan[i] = Double.NaN;
    }
    assertTrue(alerts(ColumnDrift.numeric(clean, NumericProfile.of(K, manyNan), POLICY)), "a NaN share of 20 %");

    CategoricalProfile c1 = CategoricalProfile.of(10, fillS(500, "a"));
    CategoricalProfile c2 = CategoricalProfile.of(10, fillS(500, "b"));
    assertTrue(alerts(ColumnDrift.categorical(c1, c2, POLICY)), "a constant category that changes alerts");
    assertFalse(alerts(ColumnDrift.categorical(c1, c1, POLICY)));
  }

  @Test
  void aDecisionInsideTheErrorBoundIsInconclusiveAndDoesNotAlert() {
    Random r = new Random(12);
    // A coarse sketch (k = 16) on 5,000 values: its rank error dwarfs a small shift.
    NumericProfile a = new NumericProfile(16);
    NumericProfile b = new NumericProfile(16);
    for (int i = 0; i < 5000; i++) {
      a.add(r.nextGaussian());
      b.add(r.nextGaussian() + 0.12);
    }
    assertFalse(a.exact());
    List<ColumnDrift.Metric> m = ColumnDrift.numeric(a, b, POLICY);
    ColumnDrift.Metric w = m.stream().filter(x -> x.metric().equals("wasserstein")).findFirst().orElseThrow();
    assertEquals(ColumnDrift.Status.INCONCLUSIVE, w.status(), w.toString());
    assertFalse(alerts(m));
  }

  /** One generator, many columns of hard kinds: heavy tail, ties, 185 categories, 5 % nulls. */
  record Batch(NumericProfile heavy, NumericProfile tied, NumericProfile nullable, CategoricalProfile many) {
    List<List<ColumnDrift.Metric>> against(Batch ref) {
      return List.of(
          ColumnDrift.numeric(ref.heavy, heavy, POLICY), ColumnDrift.numeric(ref.tied, tied, POLICY),
          ColumnDrift.numeric(ref.nullable, nullable, POLICY), ColumnDrift.categorical(ref.many, many, POLICY));
    }
  }

  enum Shift { NONE, LOCATION, SCALE, MIX, NULLS }

  static Batch batch(Random r, int n, Shift shift) {
    NumericProfile heavy = new NumericProfile(K);
    NumericProfile tied = new NumericProfile(K);
    NumericProfile nullable = new NumericProfile(K);
    CategoricalProfile many = new CategoricalProfile(CategoricalProfile.DEFAULT_CAP);
    double shiftBy = shift == Shift.LOCATION ? 0.5 : 0;
    double scaleBy = shift == Shift.SCALE ? 1.6 : 1;
    for (int i = 0; i < n; i++) {
      heavy.add(Math.exp(shiftBy + scaleBy * r.nextGaussian()));
      tied.add(Math.round(3 * r.nextGaussian()));
      if (r.nextDouble() < (shift == Shift.NULLS ? 0.15 : 0.05)) {
        nullable.addNull();
      } else {
        nullable.add(r.nextGaussian());
      }
      many.add(zipfOne(r, 185, shift == Shift.MIX ? 0.6 : 0));
    }
    return new Batch(heavy, tied, nullable, many);
  }

  @Test
  void homogeneousBatchesRaiseAtMostFivePercentFalseAlarms() {
    for (int n : new int[] {500, 5000}) {
      Random r = new Random(10 + n);
      Batch baseline = batch(r, n, Shift.NONE);
      Batch previous = null;
      int comparisons = 0;
      int alarms = 0;
      int batchesAlerting = 0;
      for (int day = 0; day < 40; day++) {
        Batch b = batch(r, n, Shift.NONE);
        List<List<ColumnDrift.Metric>> all = new ArrayList<>(b.against(baseline));
        if (previous != null) {
          all.addAll(b.against(previous));
        }
        boolean any = false;
        for (List<ColumnDrift.Metric> column : all) {
          comparisons++;
          if (alerts(column)) {
            alarms++;
            any = true;
          }
        }
        batchesAlerting += any ? 1 : 0;
        previous = b;
      }
      double rate = (double) alarms / comparisons;
      assertTrue(rate <= 0.05, n + " rows: " + alarms + " of " + comparisons + " column comparisons alerted");
      System.out.printf("false alarms at %d rows: %d of %d column comparisons (%.1f %%), %d of 40 batches%n",
          n, alarms, comparisons, 100 * rate, batchesAlerting);
    }
  }

  @Test
  void knownShiftsAlertOnTheFirstDriftedBatch() {
    for (int n : new int[] {500, 5000}) {
      Random r = new Random(20 + n);
      Batch baseline = batch(r, n, Shift.NONE);
      assertTrue(alerts(batch(r, n, Shift.LOCATION).against(baseline).get(0)), "location at " + n);
      assertTrue(alerts(batch(r, n, Shift.SCALE).against(baseline).get(0)), "scale at " + n);
      assertTrue(alerts(batch(r, n, Shift.MIX).against(baseline).get(3)), "category mix at " + n);
      assertTrue(alerts(batch(r, n, Shift.NULLS).against(baseline).get(2)), "null rate at " + n);
    }
  }

  static String[] zipf(Random r, int n, int k, double tilt) {
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = zipfOne(r, k, tilt);
    }
    return out;
  }

  /** A Zipf(1)-like category among k; {@code tilt} moves that share of the mass to category 0..4. */
  static String zipfOne(Random r, int k, double tilt) {
    if (r.nextDouble() < tilt) {
      return "c" + r.nextInt(5);
    }
    double h = Math.log(k) + 0.5772;
    double u = r.nextDouble() * h;
    int c = Math.min(k - 1, (int) Math.floor(Math.exp(u - 0.5772)));
    return "c" + c;
  }

  static double[] fill(int n, double v) {
    double[] out = new double[n];
    Arrays.fill(out, v);
    return out;
  }

  static String[] fillS(int n, String v) {
    String[] out = new String[n];
    Arrays.fill(out, v);
    return out;
  }
}
