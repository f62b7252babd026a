package dev.esteira.jobs;

import dev.esteira.ct.Policy;
import dev.esteira.ml.ModelSpec;
import dev.esteira.monitor.BinaryPerformance;
import java.util.Set;

/** What the ground-truth and continuous-training jobs share: the model's policy, checked. */
final class CtJobs {
  private CtJobs() {}

  static Policy policy(JobContext ctx, ModelSpec spec) {
    return Policy.load(ctx.confDir(), spec.name(), spec.dataset(), spec.features().all(), Set.copyOf(BinaryPerformance.NAMES));
  }
}
