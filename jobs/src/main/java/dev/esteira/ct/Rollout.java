package dev.esteira.ct;

import dev.esteira.config.ConfigException;
import dev.esteira.ml.Task;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How a challenger meets production while it serves part of the rows ({@code rollout:} in the model's
 * policy). A {@code canary} starts the challenger on the first of {@code steps} (percent of the rows) and
 * widens it one step per look while the evidence says it is not worse by more than {@code max_loss}; at
 * the last step, evidence that it is better by {@code min_delta} promotes it. An {@code ab} test keeps
 * the split at {@code share} percent and only promotes or rolls back. Either rolls the challenger back
 * (archived, alias released) as soon as the evidence says it is worse. The evidence is a confidence
 * sequence at level {@code alpha} ({@link ConfidenceSequence}) on a metric that is a mean over rows
 * ({@code accuracy} for a classifier, {@code mse} or {@code mae} for a regression), narrowest at
 * {@code planned_labelled} labelled rows; no decision before {@code min_labelled}. With {@code shadow}
 * (the default) each version also scores the rows the other serves, so the comparison is paired on
 * every labelled row.
 */
public record Rollout(String strategy, List<Double> steps, Double share, Boolean shadow, String metric,
    Double alpha, Double minDelta, Double maxLoss, Long minLabelled, Long plannedLabelled) {
  public static final String CANARY = "canary";
  public static final String AB = "ab";

  public Rollout {
    shadow = shadow == null || shadow;
    alpha = alpha == null ? 0.05 : alpha;
    minDelta = minDelta == null ? 0.0 : minDelta;
    maxLoss = maxLoss == null ? 0.01 : maxLoss;
    minLabelled = minLabelled == null ? 200L : minLabelled;
    plannedLabelled = plannedLabelled == null ? 2000L : plannedLabelled;
  }

  public boolean canary() {
    return CANARY.equals(strategy);
  }

  /** The challenger's shares in order: a canary's steps, or the one share of an A/B test. */
  public List<Double> shares() {
    return canary() ? (steps == null ? List.of(5.0, 25.0, 50.0, 100.0) : List.copyOf(steps))
        : List.of(share == null ? 50.0 : share);
  }

  /** The metric compared: the policy's, else the task's mean over rows. */
  public String metric(Task task) {
    return metric != null ? metric : task == Task.REGRESSION ? "mse" : "accuracy";
  }

  /** The metrics that are a mean over rows, which a row-by-row comparison can test. */
  public static List<String> perRowMetrics(Task task) {
    return switch (task) {
      case CLASSIFICATION -> List.of("accuracy");
      case REGRESSION -> List.of("mse", "mae");
      default -> List.of();
    };
  }

  /** Checks the section as it loads: every error names the file and the key. */
  Rollout checked(Path file, Task task) {
    String where = file + ": rollout.";
    if (!CANARY.equals(strategy) && !AB.equals(strategy)) {
      throw new ConfigException(where + "strategy must be canary or ab, got " + (strategy == null ? "nothing" : "'" + strategy + "'"));
    }
    if (perRowMetrics(task).isEmpty()) {
      throw new ConfigException(where + "strategy: a " + task.label() + " model has no labels to compare versions on");
    }
    if (canary()) {
      if (share != null) {
        throw new ConfigException(where + "share is for strategy ab; a canary widens through rollout.steps");
      }
      List<Double> s = shares();
      if (s.isEmpty()) {
        throw new ConfigException(where + "steps must name at least one share");
      }
      for (int i = 0; i < s.size(); i++) {
        Double x = s.get(i);
        if (x == null || !(x > 0 && x <= 100)) {
          throw new ConfigException(where + "steps[" + i + "] must be a percentage above 0 and at most 100, got " + x);
        }
        if (i > 0 && !(x > s.get(i - 1))) {
          throw new ConfigException(where + "steps must increase, but steps[" + i + "] = " + x + " follows " + s.get(i - 1));
        }
      }
    } else {
      if (steps != null) {
        throw new ConfigException(where + "steps are for strategy canary; an A/B test keeps rollout.share");
      }
      if (share != null && !(share > 0 && share < 100)) {
        throw new ConfigException(where + "share must be a percentage above 0 and below 100, got " + share);
      }
    }
    if (!perRowMetrics(task).contains(metric(task))) {
      throw new ConfigException(where + "metric '" + metric + "' is not a mean over rows of a " + task.label()
          + " model (expected one of: " + String.join(", ", perRowMetrics(task)) + ")");
    }
    if (!(alpha > 0 && alpha <= 0.5)) {
      throw new ConfigException(where + "alpha must be above 0 and at most 0.5, got " + alpha);
    }
    if (!(minDelta >= 0)) {
      throw new ConfigException(where + "min_delta must be a number >= 0, got " + minDelta);
    }
    if (!(maxLoss >= 0)) {
      throw new ConfigException(where + "max_loss must be a number >= 0, got " + maxLoss);
    }
    if (minLabelled < 2) {
      throw new ConfigException(where + "min_labelled must be at least 2, got " + minLabelled);
    }
    if (plannedLabelled < minLabelled) {
      throw new ConfigException(where + "planned_labelled (" + plannedLabelled + ") must be at least min_labelled ("
          + minLabelled + ")");
    }
    return this;
  }

  static String percent(double share) {
    return share == Math.rint(share) ? String.valueOf((long) share) : String.format(Locale.ROOT, "%.2f", share);
  }
}
