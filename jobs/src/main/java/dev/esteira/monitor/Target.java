package dev.esteira.monitor;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What is monitored: the columns of a dataset ({@code dataset:NAME}), or the outputs of one model version
 * ({@code model:NAME:vN}). The text form is how {@code profiles} and {@code drift_metrics} store it, so it
 * never changes; it is written by {@link #format()} and read back by {@link #parse(String)} only, and every
 * other package works with the value.
 */
public sealed interface Target permits Target.DatasetTarget, Target.ModelOutputTarget {

  /** The stored text form. */
  String format();

  /** The columns of a dataset, with or without a model. */
  record DatasetTarget(String dataset) implements Target {
    public DatasetTarget {
      requireName("dataset", dataset);
    }

    @Override
    public String format() {
      return "dataset:" + dataset;
    }

    @Override
    public String toString() {
      return format();
    }
  }

  /** The outputs (prediction, probability) of one version of a model: prediction drift. */
  record ModelOutputTarget(String model, int version) implements Target {
    public ModelOutputTarget {
      requireName("model", model);
      if (version < 1) {
        throw new IllegalArgumentException("model version must be at least 1, got " + version);
      }
    }

    @Override
    public String format() {
      return "model:" + model + ":v" + version;
    }

    @Override
    public String toString() {
      return format();
    }
  }

  static Target dataset(String dataset) {
    return new DatasetTarget(dataset);
  }

  static Target modelOutputs(String model, int version) {
    return new ModelOutputTarget(model, version);
  }

  // A model name cannot hold a colon (the version would be ambiguous); a dataset name may not either,
  // so that both forms read back to what wrote them.
  Pattern DATASET = Pattern.compile("dataset:([^:]+)");
  Pattern MODEL = Pattern.compile("model:([^:]+):v([1-9][0-9]{0,8})");

  /** The target a stored text names; anything else is refused with the text in the message. */
  static Target parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("no monitoring target (null)");
    }
    Matcher d = DATASET.matcher(text);
    if (d.matches()) {
      return new DatasetTarget(d.group(1));
    }
    Matcher m = MODEL.matcher(text);
    if (m.matches()) {
      return new ModelOutputTarget(m.group(1), Integer.parseInt(m.group(2)));
    }
    throw new IllegalArgumentException(
        "not a monitoring target: '" + text + "' (expected dataset:NAME or model:NAME:vN)");
  }

  private static void requireName(String what, String name) {
    if (name == null || name.isBlank() || name.contains(":")) {
      throw new IllegalArgumentException(what + " name of a monitoring target must be non-blank and hold no ':', got '"
          + name + "'");
    }
  }
}
