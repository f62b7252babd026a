package dev.esteira.jobs;

import dev.esteira.EsteiraException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every job by name: what workflow steps and CLI commands refer to. */
public final class Jobs {
  private static final Map<String, Job> ALL = new LinkedHashMap<>();

  static {
    for (Job job :
        List.of(new IngestJob(), new ValidateJob(), new TrainJob(), new RegisterJob(), new PromoteJob(),
            new ScoreJob(), new ProfileJob(), new DriftJob(), new PerformanceJob(), new PolicyJob(),
            new RetrainJob(), new ShadowScoreJob(), new ChallengeJob(), new ExplainJob(),
            new ImportanceJob())) {
      ALL.put(job.name(), job);
    }
  }

  private Jobs() {}

  public static List<Job> all() {
    return List.copyOf(ALL.values());
  }

  public static boolean exists(String name) {
    return ALL.containsKey(name);
  }

  public static Job get(String name) {
    Job job = ALL.get(name);
    if (job == null) {
      throw new EsteiraException("unknown job '" + name + "' (jobs: " + String.join(", ", ALL.keySet()) + ")");
    }
    return job;
  }
}
