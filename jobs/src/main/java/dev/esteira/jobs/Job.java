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
   * Checks what the values mean before anything runs (a workflow checks every step at planning), so a
   * bad value fails the whole workflow up front instead of its step after others have written.
   */
  default void check(JobParams params, String where) {}

  /**
   * The names of the outputs ({@link JobOutput#data()} keys) a workflow's {@code when:} may test; none
   * unless the job declares them.
   */
  default List<String> outputs() {
    return List.of();
  }

  /**
   * The tables the job writes when every write it makes is a sequenced append that Delta Kernel commits
   * and it reads nothing through Spark: run alone from the command line it then starts no SparkSession,
   * while those tables exist. Empty (the default): the job needs Spark.
   */
  default List<dev.esteira.lake.MetaTable> writesWithoutSpark() {
    return List.of();
  }
}
