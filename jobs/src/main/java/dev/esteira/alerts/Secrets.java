package dev.esteira.alerts;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The secrets channels use, read from the environment variables the configuration names, and the one
 * place that keeps them out of what is stored or printed: every response, error and message a channel
 * produces passes through {@link #scrub} before it reaches the deliveries table, a log or an exception.
 */
public final class Secrets {
  private final Function<String, String> env;
  private final List<String> seen = new ArrayList<>();

  /** {@code env}: the environment ({@code System::getenv} outside tests). */
  public Secrets(Function<String, String> env) {
    this.env = env;
  }

  /** The value of the variable {@code name}, or null when it is unset or empty. */
  String get(String name) {
    if (name == null) {
      return null;
    }
    String value = env.apply(name);
    if (value == null || value.isEmpty()) {
      return null;
    }
    synchronized (seen) {
      if (!seen.contains(value)) {
        seen.add(value);
      }
    }
    return value;
  }

  /** {@code text} with every secret read so far replaced by {@code ***}. */
  public String scrub(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    synchronized (seen) {
      for (String s : seen) {
        // A secret of one or two characters would blank out ordinary text; such a secret is no secret.
        if (s.length() >= 3) {
          out = out.replace(s, "***");
        }
      }
    }
    return out;
  }
}
