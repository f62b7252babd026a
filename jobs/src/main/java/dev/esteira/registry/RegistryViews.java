package dev.esteira.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * SQL views over the registry's tables, defined once. The SQL lives in resource files next to this class
 * so that the notebooks, which run without the jar, read the very same text from the repository.
 */
public final class RegistryViews {
  private RegistryViews() {}

  /** The name of the view of every version with its current state. */
  public static final String MODEL_VERSIONS = "model_versions";

  /**
   * The query behind {@code model_versions}: every registered version with its current stage, aliases,
   * tags and description, replayed from {@code model_transitions} by the rules of {@link RegistryState}.
   * It reads the views {@code models} and {@code model_transitions}.
   */
  public static final String MODEL_VERSIONS_SQL = resource("model_versions.sql");

  private static String resource(String name) {
    try (InputStream in = RegistryViews.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " missing next to " + RegistryViews.class.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
