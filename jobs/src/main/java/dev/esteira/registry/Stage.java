package dev.esteira.registry;

import dev.esteira.EsteiraException;
import java.util.Arrays;
import java.util.Locale;

/** The lifecycle of a model version: none, staging, production, archived. */
public enum Stage {
  NONE(0),
  STAGING(1),
  PRODUCTION(2),
  ARCHIVED(-1);

  private final int rank;

  Stage(int rank) {
    this.rank = rank;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True when a version in this stage has already reached {@code target} along the normal path. */
  boolean reached(Stage target) {
    return this != ARCHIVED && target != ARCHIVED && rank >= target.rank;
  }

  public static Stage parse(String text) {
    return Arrays.stream(values())
        .filter(s -> s.label().equals(text == null ? "" : text.toLowerCase(Locale.ROOT)))
        .findFirst()
        .orElseThrow(
            () ->
                new EsteiraException(
                    "unknown stage '" + text + "' (expected none, staging, production or archived)"));
  }
}
