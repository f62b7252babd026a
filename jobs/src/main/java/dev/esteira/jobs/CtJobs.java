package dev.esteira.jobs;

import dev.esteira.ct.Policy;
import dev.esteira.ml.ModelSpec;
import dev.esteira.monitor.TaskPerformance;
import java.util.Set;

/** What the ground-truth and continuous-training jobs share: the model's policy, checked. */
final class CtJobs {
  private CtJobs() {}

  static Policy policy(JobContext ctx, ModelSpec spec) {
    // A policy's decay names what the task measures on ground truth (clustering measures nothing).
    Set<String> measured = spec.task() == dev.esteira.ml.Task.CLUSTERING
        ? Set.of() : Set.copyOf(TaskPerformance.of(spec.task()).names());
    return Policy.loadFrom(ctx.policies(), spec.name(), spec.task(), spec.dataset(), spec.features().all(), measured);
  }
}
