package dev.esteira.lake;

import dev.esteira.config.EsteiraConfig;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the one SparkSession a process uses, with Delta enabled and settings fit for batch jobs. */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession getOrCreate(EsteiraConfig config) {
    SparkConf conf = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder().appName(appName(config));
    // spark-submit sets spark.master itself; embedded runs take it from the config.
    if (!conf.contains("spark.master")) {
      builder.master(config.spark().master());
    }
    String master = conf.get("spark.master", config.spark().master());
    // An embedded driver (bin/esteira --master spark://...) has the classes on its class path but its
    // executors, in JVMs of their own, do not: they must be sent the application jar, as spark-submit
    // does for the jar it is given (it then sets spark.jars itself).
    if (!isLocal(master) && !conf.contains("spark.jars")) {
      builder.config("spark.jars", ApplicationJar.locate(master));
    }
    // Executors in their own JVMs start with Spark's default logging (INFO, thousands of lines a night):
    // the plugin quiets them as the driver is quieted (see QuietExecutorLogs for when it leaves them be).
    String plugins = conf.get("spark.plugins", "");
    if (!plugins.contains(QuietExecutorLogs.class.getName())) {
      builder.config("spark.plugins",
          plugins.isBlank() ? QuietExecutorLogs.class.getName() : plugins + "," + QuietExecutorLogs.class.getName());
    }
    builder
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.shuffle.partitions", config.spark().shufflePartitions())
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        // Small metadata tables: a Delta snapshot needs no more partitions than this.
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .config("spark.sql.sources.partitionOverwriteMode", "static")
        // Parquet gives up a column's dictionary once it passes this size (default 1 MB): a column of
        // distinct doubles then stops hashing every value into a dictionary it will throw away. On a
        // 1,000-column batch writes took 40 % less time for files of the same size (README, Benchmark).
        .config("parquet.dictionary.page.size", "16384")
        // A batch is written into its own partition of a dataset table: with concurrent writers Spark
        // need not sort the rows by partition first (a sort of every wide row, a third of the write).
        .config("spark.sql.maxConcurrentOutputFileWriters", "4")
        // A process that runs many steps (a night, the demo, the tests' shared session) plans the same
        // queries again and again; Spark keeps 100 compiled classes and compiles again with Janino what
        // it evicted. With 1,000 a closed-loop test spent 58 % fewer samples compiling (README, Tests).
        .config("spark.sql.codegen.cache.maxEntries", "1000");
    // file: paths without a shell command per file (chmod, ls -ld, readlink): see ShellFreeLocalFileSystem.
    ShellFreeLocalFileSystem.SETTINGS.forEach((k, v) -> builder.config("spark.hadoop." + k, v));
    Map<String, String> extra = config.spark().conf();
    if (extra != null) {
      extra.forEach(builder::config);
    }
    return builder.getOrCreate();
  }

  /**
   * The Hadoop configuration a process without Spark uses to reach the lakehouse: Hadoop's defaults
   * and the {@code spark.hadoop.*} settings of the configuration, as Spark would pass them on.
   */
  public static org.apache.hadoop.conf.Configuration hadoopConfiguration(EsteiraConfig config) {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    ShellFreeLocalFileSystem.SETTINGS.forEach(conf::set);
    Map<String, String> extra = config.spark().conf();
    if (extra != null) {
      extra.forEach((k, v) -> {
        if (k.startsWith("spark.hadoop.")) {
          conf.set(k.substring("spark.hadoop.".length()), v);
        }
      });
    }
    return conf;
  }

  /** Whether executors run inside the driver's JVM (then they share its class path and logging). */
  public static boolean isLocal(String master) {
    // local-cluster[...] starts executors in JVMs of their own: not local in this sense.
    return master == null || master.equals("local") || master.startsWith("local[");
  }

  private static String appName(EsteiraConfig config) {
    String name = config.spark().appName();
    return name == null || name.isBlank() ? "esteira" : name;
  }
}
