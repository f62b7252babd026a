package dev.esteira.jobs;

import dev.esteira.Progress;
import dev.esteira.config.EsteiraConfig;
import dev.esteira.data.DatasetSpec;
import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.ModelSpec;
import java.nio.file.Path;

/**
 * What every job gets: the configuration, the lakehouse (and its SparkSession), specs and progress, and
 * the folder of the models' continuous-training policies ({@code CONF/policies}, unless a run names
 * another: the demo runs its nights with {@code CONF/demo/policies}).
 */
public record JobContext(EsteiraConfig config, Lakehouse lake, Path confDir, String actor, Progress progress,
    Path policies) {

  public JobContext(EsteiraConfig config, Lakehouse lake, Path confDir, String actor, Progress progress) {
    this(config, lake, confDir, actor, progress, confDir.resolve("policies"));
  }

  public ModelSpec model(String name) {
    return ModelSpec.load(confDir.resolve("models"), name);
  }

  public DatasetSpec dataset(String name) {
    return DatasetSpec.load(confDir.resolve("datasets"), name);
  }

  /** The same context with the policies read from another folder. */
  public JobContext withPolicies(Path folder) {
    return new JobContext(config, lake, confDir, actor, progress, folder);
  }
}
