package dev.esteira.scoring;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

/** Canary and A/B routing in plain Java: shares within the binomial bound, stable, monotone, salted. */
class RoutingTest {
  static final int ROWS = 10_000;

  static List<String> ids() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      ids.add(String.valueOf(100_000 + i));
    }
    return ids;
  }

  /** Two-sided 99.9 % bounds of Binomial(ROWS, share), from commons-math3. */
  static int[] bounds(double share) {
    BinomialDistribution b = new BinomialDistribution(ROWS, share);
    return new int[] {b.inverseCumulativeProbability(0.0005), b.inverseCumulativeProbability(0.9995)};
  }

  @Test
  void eachShareIsServedWithinTheBinomialBound() {
    for (double share : new double[] {5, 25, 50, 75}) {
      Routing r = new Routing("loan_default-v2", 1, 2, share, true);
      long toChallenger = ids().stream().filter(r::toChallenger).count();
      int[] b = bounds(share / 100);
      assertTrue(toChallenger >= b[0] && toChallenger <= b[1], share + "%: " + toChallenger + " not in " + b[0] + ".." + b[1]);
      // Each row is served by exactly one of the two.
      assertEquals(ROWS, ids().stream().filter(id -> r.servedBy(id) == 2).count()
          + ids().stream().filter(id -> r.servedBy(id) == 1).count());
    }
    Routing none = new Routing("e", 1, 2, 0, true);
    Routing all = new Routing("e", 1, 2, 100, true);
    assertTrue(ids().stream().noneMatch(none::toChallenger));
    assertTrue(ids().stream().allMatch(all::toChallenger));
  }

  @Test
  void theSameRowOfTheSameExperimentAlwaysLandsInTheSamePlace() {
    Routing first = new Routing("loan_default-v2", 1, 2, 25, true);
    Routing rerun = new Routing("loan_default-v2", 1, 2, 25, false);
    for (String id : ids()) {
      assertEquals(first.servedBy(id), rerun.servedBy(id), id);
    }
    // The place is SHA-256 of "experiment NUL row id": values computed independently with Python's hashlib,
    // int.from_bytes(sha256(b"loan_default-v2\0" b"1001").digest()[:8], "big") >> 11, over 2^53.
    assertEquals(0.9546106148122462, Routing.place("loan_default-v2", "1001"), 0.0);
    assertEquals(0.07672009099641952, Routing.place("exp", "row-42"), 0.0);
  }

  @Test
  void raisingTheShareMovesOnlyTheRowsItMust() {
    double[] steps = {5, 25, 50, 100};
    for (int i = 1; i < steps.length; i++) {
      Routing before = new Routing("loan_default-v2", 1, 2, steps[i - 1], true);
      Routing after = before.withShare(steps[i]);
      long moved = 0;
      for (String id : ids()) {
        assertFalse(before.toChallenger(id) && !after.toChallenger(id), "row " + id + " went back to the champion");
        if (!before.toChallenger(id) && after.toChallenger(id)) {
          moved++;
        }
      }
      int[] b = bounds((steps[i] - steps[i - 1]) / 100);
      assertTrue(moved >= b[0] && moved <= b[1], steps[i - 1] + "% -> " + steps[i] + "%: moved " + moved);
    }
  }

  @Test
  void anotherExperimentDrawsItsSplitAnew() {
    Routing a = new Routing("loan_default-v2", 1, 2, 50, true);
    Routing b = new Routing("loan_default-v3", 1, 3, 50, true);
    long both = ids().stream().filter(id -> a.toChallenger(id) && b.toChallenger(id)).count();
    int[] bound = bounds(0.25);
    assertTrue(both >= bound[0] && both <= bound[1], "independent halves overlap on a quarter, got " + both);
  }

  @Test
  void aBadRoutingIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Routing("e", 1, 2, 101, true));
    assertThrows(IllegalArgumentException.class, () -> new Routing(" ", 1, 2, 5, true));
    assertThrows(IllegalArgumentException.class, () -> new Routing("e", 2, 2, 5, true));
  }
}
