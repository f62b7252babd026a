package dev.esteira.config;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.data.DatasetSpec;
import dev.esteira.ml.ModelSpec;
import dev.esteira.workflow.WorkflowSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  static final Path CONF = Paths.get(System.getProperty("esteira.project.root", "..")).resolve("conf");

  @TempDir Path dir;

  private Path confWith(String base, String env, String overlay) throws IOException {
    Files.createDirectories(dir.resolve("env"));
    Files.writeString(dir.resolve("esteira.yaml"), base);
    if (env != null) {
      Files.writeString(dir.resolve("env").resolve(env + ".yaml"), overlay);
    }
    return dir;
  }

  private static String base() throws IOException {
    return Files.readString(CONF.resolve("esteira.yaml"));
  }

  @Test
  void overlaysMergeOverTheDefaults() {
    EsteiraConfig dev = ConfigLoader.load(CONF, "dev");
    EsteiraConfig prod = ConfigLoader.load(CONF, "prod");
    assertEquals(0, dev.workflow().retries());
    assertEquals(2, prod.workflow().retries());
    assertEquals(64, prod.spark().shufflePartitions());
    // Keys the overlay does not mention keep their default.
    assertEquals(dev.drift().bins(), prod.drift().bins());
    assertEquals(0.2, prod.drift().thresholds().get("psi"));
    for (String env : new String[] {"dev", "staging", "prod"}) {
      assertNotNull(ConfigLoader.load(CONF, env).lakehouse().root());
    }
  }

  @Test
  void anUnknownKeyInAnOverlayNamesTheOverlayAndTheKeyPath() throws IOException {
    Path conf = confWith(base(), "dev", "spark:\n  mastr: local[1]\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf, "dev"));
    assertTrue(e.getMessage().contains("env/dev.yaml"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown key 'spark.mastr'"), e.getMessage());
  }

  @Test
  void anUnknownKeyInTheBaseNamesTheBaseFile() throws IOException {
    Path conf = confWith(base().replace("  bins: 10", "  binz: 10"), null, null);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf, null));
    assertTrue(e.getMessage().contains("esteira.yaml: unknown key 'drift.binz'"), e.getMessage());
  }

  @Test
  void aNegativeOrUnknownDriftThresholdIsRefusedWithItsKey() throws IOException {
    Path conf = confWith(base().replace("    js: 0.1", "    js: -0.1"), null, null);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf, null));
    assertTrue(e.getMessage().contains("esteira.yaml: drift.thresholds.js must be a number >= 0"), e.getMessage());
    Path conf2 = confWith(base().replace("    js: 0.1", "    jss: 0.1"), null, null);
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf2, null));
    assertTrue(e.getMessage().contains("esteira.yaml: unknown key 'drift.thresholds.jss'"), e.getMessage());
    Path conf3 = confWith(base().replace("  p_value: 0.01", "  p_value: 1.5"), null, null);
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf3, null));
    assertTrue(e.getMessage().contains("drift.p_value must be in (0, 1)"), e.getMessage());
    Path conf4 = confWith(base().replace("  dataset_level: 0.01", "  dataset_level: 0"), null, null);
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf4, null));
    assertTrue(e.getMessage().contains("esteira.yaml: drift.dataset_level must be in (0, 1), got 0.0"), e.getMessage());
    assertEquals(0.01, ConfigLoader.load(confWith(base(), null, null), null).drift().datasetLevel());
  }

  @Test
  void aMistypedValueNamesItsKey() throws IOException {
    Path conf = confWith(base().replace("shuffle_partitions: 4", "shuffle_partitions: many"), null, null);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf, null));
    assertTrue(e.getMessage().contains("bad value at 'spark.shuffle_partitions'"), e.getMessage());
  }

  @Test
  void aMissingRequiredKeyAndAnUnknownEnvironmentAreErrors() throws IOException {
    Path conf = confWith("spark:\n  master: local[1]\n", null, null);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf, null));
    assertTrue(e.getMessage().contains("missing required key"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(CONF, "qa"));
    assertTrue(e.getMessage().contains("unknown environment 'qa'"), e.getMessage());
  }

  @Test
  void specsAreCheckedKeyByKey() throws IOException {
    Path models = Files.createDirectories(dir.resolve("models"));
    String spec = Files.readString(CONF.resolve("models/loan_default.yaml"));
    Files.writeString(models.resolve("loan_default.yaml"), spec.replace("  params:\n    max_iter", "  parms:\n    max_iter"));
    ConfigException e = assertThrows(ConfigException.class, () -> ModelSpec.load(models, "loan_default"));
    assertTrue(e.getMessage().contains("unknown key 'estimator.parms'"), e.getMessage());

    Files.writeString(models.resolve("loan_default.yaml"), spec.replace("logistic_regression", "deep_forest"));
    e = assertThrows(ConfigException.class, () -> ModelSpec.load(models, "loan_default"));
    assertTrue(e.getMessage().contains("unknown estimator type 'deep_forest'"), e.getMessage());

    e = assertThrows(ConfigException.class, () -> ModelSpec.load(CONF.resolve("models"), "nope"));
    assertTrue(e.getMessage().contains("unknown model 'nope'"), e.getMessage());

    Path datasets = Files.createDirectories(dir.resolve("datasets"));
    String loans = Files.readString(CONF.resolve("datasets/loans.yaml"));
    Files.writeString(datasets.resolve("loans.yaml"), loans.replace("name: income, type: double", "name: income, type: float"));
    e = assertThrows(ConfigException.class, () -> DatasetSpec.load(datasets, "loans"));
    assertTrue(e.getMessage().contains("unknown type 'float'"), e.getMessage());
    assertTrue(e.getMessage().contains("loans.yaml"), e.getMessage());
  }

  @Test
  void theShippedSpecsAndWorkflowsLoad() {
    assertEquals("loan_default", ModelSpec.load(CONF.resolve("models"), "loan_default").name());
    assertEquals("loans", DatasetSpec.load(CONF.resolve("datasets"), "loans").name());
    Path workflows = CONF.getParent().resolve("workflows");
    assertEquals(7, WorkflowSpec.load(workflows.resolve("training.yaml")).steps().size());
    assertEquals(11, WorkflowSpec.load(workflows.resolve("nightly.yaml")).steps().size());
  }
}
