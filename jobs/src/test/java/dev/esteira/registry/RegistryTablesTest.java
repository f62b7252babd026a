package dev.esteira.registry;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.lake.Lakehouse;
import dev.esteira.testing.TestSpark;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one conversion between each registry record and its row, through a real Delta table and back. */
class RegistryTablesTest {
  @Test
  void recordsComeBackFromTheirTablesAsTheyWereWritten() {
    Lakehouse lake = TestSpark.freshLakehouse("registry-tables");
    ModelVersion registered = ModelVersionsViewTest.registration("credit", 1);
    Timestamp at = Timestamp.from(Instant.parse("2026-05-01T08:30:00.123456Z"));
    List<Transition> written = List.of(
        Transition.stageChange(registered, Stage.STAGING, Stage.PRODUCTION, false, "ana", "gates",
            List.of(new GateResult("min_auc_roc", 0.71, 0.75, false), new GateResult("no_nulls", null, null, true)), at)
            .numbered(1, 0),
        Transition.aliasSet(registered, "champion", 3, "ana", "moved", at).numbered(2, 0),
        Transition.tagRemoved(registered, "team", "ana", at).numbered(2, 1),
        Transition.description(registered, "why", "ana", at).numbered(2, 2));
    lake.append(RegistryTables.MODELS, List.of(RegistryTables.registrationRow(registered, lake.root())));
    lake.append(RegistryTables.TRANSITIONS, written.stream().map(RegistryTables::transitionRow).toList());

    Registry registry = new Registry(lake);
    assertEquals(written, registry.transitions("credit"));
    // The registration comes back as written, with the state the log gives it (the refused move changes nothing).
    ModelVersion read = registry.version("credit", 1);
    assertEquals(registered.withState(Stage.NONE, List.of("champion"), java.util.Map.of(), "why"), read);
  }
}
