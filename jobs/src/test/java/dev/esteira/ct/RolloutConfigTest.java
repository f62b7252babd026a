package dev.esteira.ct;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.config.ConfigException;
import dev.esteira.ml.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollout section of a policy as it loads: defaults, and each bad value refused in one line naming it. */
class RolloutConfigTest {
  @TempDir Path conf;

  Policy load(String rollout, Task task) throws IOException {
    Files.createDirectories(conf.resolve("policies"));
    Files.writeString(conf.resolve("policies/m.yaml"), "model: m\nlabels: m_labels\nrollout:\n" + rollout);
    return Policy.load(conf, "m", task, "d", List.of("x"), Set.of("accuracy", "auc_roc", "mse", "mae"));
  }

  String refused(String rollout, Task task) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(rollout, task));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  @Test
  void aCanaryWithDefaults() throws IOException {
    Rollout r = load("  strategy: canary\n", Task.CLASSIFICATION).rollout();
    assertEquals(List.of(5.0, 25.0, 50.0, 100.0), r.shares());
    assertEquals("accuracy", r.metric(Task.CLASSIFICATION));
    assertTrue(r.shadow());
    assertEquals(0.05, r.alpha());
    Rollout ab = load("  strategy: ab\n  share: 20\n  metric: mae\n  shadow: false\n", Task.REGRESSION).rollout();
    assertEquals(List.of(20.0), ab.shares());
    assertFalse(ab.shadow());
    assertNull(load("  null\n", Task.CLASSIFICATION).rollout(), "no rollout: shadow only, as before");
  }

  @Test
  void badValuesAreRefusedWithTheirKey() {
    String file = conf.resolve("policies/m.yaml").toString();
    assertEquals(file + ": rollout.strategy must be canary or ab, got 'blue'", refused("  strategy: blue\n", Task.CLASSIFICATION));
    assertEquals(file + ": rollout.steps must increase, but steps[2] = 20.0 follows 25.0",
        refused("  strategy: canary\n  steps: [5, 25, 20]\n", Task.CLASSIFICATION));
    assertEquals(file + ": rollout.steps[0] must be a percentage above 0 and at most 100, got 0.0",
        refused("  strategy: canary\n  steps: [0, 50]\n", Task.CLASSIFICATION));
    assertEquals(file + ": rollout.share is for strategy ab; a canary widens through rollout.steps",
        refused("  strategy: canary\n  share: 10\n", Task.CLASSIFICATION));
    assertEquals(file + ": rollout.share must be a percentage above 0 and below 100, got 100.0",
        refused("  strategy: ab\n  share: 100\n", Task.CLASSIFICATION));
    assertEquals(file + ": rollout.metric 'auc_roc' is not a mean over rows of a classification model (expected one of: accuracy)",
        refused("  strategy: canary\n  metric: auc_roc\n", Task.CLASSIFICATION));
    assertEquals(file + ": rollout.alpha must be above 0 and at most 0.5, got 0.0",
        refused("  strategy: canary\n  alpha: 0\n", Task.CLASSIFICATION));
    assertEquals(file + ": rollout.planned_labelled (100) must be at least min_labelled (200)",
        refused("  strategy: canary\n  planned_labelled: 100\n", Task.CLASSIFICATION));
    assertEquals(file + ": rollout.strategy: a clustering model has no labels to compare versions on",
        refused("  strategy: canary\n", Task.CLUSTERING));
    String unknown = refused("  strategy: canary\n  stepz: [5]\n", Task.CLASSIFICATION);
    assertTrue(unknown.startsWith(file) && unknown.contains("stepz"), unknown);
  }
  /**
   * The demo runs its nights with conf/demo/policies: the model's policy of conf/policies plus a rollout.
   * Everything but the rollout must stay equal, so the demo shows the loop the shared policy describes.
   */
  @Test
  void theDemosPolicyIsTheSharedOneWithACanary() {
    Path root = dev.esteira.testing.TestSpark.projectRoot().resolve("conf");
    List<String> features = List.of("income", "age", "loan_amount", "credit_score", "employment_years",
        "home_ownership", "purpose", "region");
    Set<String> metrics = Set.of("accuracy", "precision", "recall", "f1", "auc_roc");
    Policy shared = Policy.loadFrom(root.resolve("policies"), "loan_default", Task.CLASSIFICATION, "loans", features, metrics);
    Policy demo = Policy.loadFrom(root.resolve("demo/policies"), "loan_default", Task.CLASSIFICATION, "loans", features, metrics);
    assertNull(shared.rollout(), "the shared policy has no rollout: the tests that load it shadow only");
    assertNotNull(demo.rollout());
    assertTrue(demo.rollout().canary(), demo.rollout().toString());
    assertEquals(new Policy(shared.model(), shared.labels(), shared.decay(), shared.retrain(), shared.challenge(),
        demo.rollout()), demo);
  }
}
