package dev.esteira.jobs;

import java.util.List;

/**
 * A named, parameterised Spark computation over the lakehouse, idempotent for its parameters. The same
 * job runs from the CLI, from a workflow step, under spark-submit and as an Airflow task.
 */
public interface Job {
  String name();

  /** One line for {@code --help} and listings. */
  String summary();

  List<JobParam> params();

  JobOutput run(JobContext context, JobParams params);

  /**
   * The names of the outputs ({@link JobOutput#data()} keys) a workflow's {@code when:} may test; none
   * unless the job declares them.
   */
  default List<String> outputs() {
    return List.of();
  }
}
