package dev.esteira.jobs;

import dev.esteira.Progress;
import dev.esteira.config.EsteiraConfig;
import dev.esteira.data.DatasetSpec;
import dev.esteira.lake.Lakehouse;
import dev.esteira.ml.ModelSpec;
import java.nio.file.Path;

/** What every job gets: the configuration, the lakehouse (and its SparkSession), specs and progress. */
public record JobContext(EsteiraConfig config, Lakehouse lake, Path confDir, String actor, Progress progress) {
  public ModelSpec model(String name) {
    return ModelSpec.load(confDir.resolve("models"), name);
  }

  public DatasetSpec dataset(String name) {
    return DatasetSpec.load(confDir.resolve("datasets"), name);
  }
}
