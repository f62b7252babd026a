package dev.esteira.registry;

import dev.esteira.lake.Lakehouse;
import java.util.Arrays;

/** For tests of other packages: versions registered by hand (no training), as {@code models} rows. */
public final class RegistryFixtures {
  private RegistryFixtures() {}

  public static void register(Lakehouse lake, ModelVersion... versions) {
    lake.append(RegistryTables.MODELS, Arrays.stream(versions).map(v -> RegistryTables.registrationRow(v, lake.root())).toList());
  }
}
