package dev.esteira.ml;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A gate's thresholds read as values: which metric, which slice column, which way, what is measured. */
class GateThresholdTest {
  @Test
  void aGateReadsAsTypedThresholdsInAStableOrder() {
    ModelSpec.Gate gate = new ModelSpec.Gate(
        Map.of("r2", 0.5), Map.of("mae", 9.0), Map.of("rmse", 40.0, "r2", 0.8), null, null,
        Map.of("region@eu", Map.of("mae", 3.0)));
    List<GateThreshold> t = gate.thresholds(Task.REGRESSION, "gates.production");
    assertEquals(List.of("min r2", "max mae", "min r2", "max rmse", "max gap of mae across region@eu"),
        t.stream().map(GateThreshold::check).toList());
    GateThreshold gap = t.get(4);
    // A column with an '@' in its name is just a column: nothing re-parses "metric@column" text.
    assertEquals("region@eu", gap.column());
    assertEquals("mae", gap.metric().name());
    assertFalse(gap.floor());
    assertEquals(0.0, gap.ideal());
    assertTrue(t.get(2).floor(), "a limit on r2 is a floor");
    assertFalse(t.get(3).floor(), "a limit on rmse is a ceiling");

    Map<String, Map<String, Double>> slices = Map.of(
        "region@eu=north", Map.of("mae", 2.0), "region@eu=south", Map.of("mae", 5.5), "other=x", Map.of("mae", 100.0));
    assertEquals(3.5, gap.measure(Map.of("mae", 1.0), slices), 1e-12);
    assertEquals(1.0, t.get(1).measure(Map.of("mae", 1.0), slices));
    assertNull(t.get(3).measure(Map.of("mae", 1.0), slices), "rmse was not measured");
  }

  @Test
  void anUnknownMetricNamesItsDottedKey() {
    ModelSpec.Gate gate = new ModelSpec.Gate(null, null, null, null, null, Map.of("region", Map.of("wcss", 1.0)));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> gate.thresholds(Task.REGRESSION, "gates.staging"));
    assertTrue(e.getMessage().startsWith("gates.staging.max_gap.region.wcss: unknown metric 'wcss'"), e.getMessage());
  }
}
