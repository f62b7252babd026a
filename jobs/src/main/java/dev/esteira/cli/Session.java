package dev.esteira.cli;

import dev.esteira.Progress;
import dev.esteira.config.ConfigLoader;
import dev.esteira.config.EsteiraConfig;
import dev.esteira.jobs.JobContext;
import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.MetaTable;
import dev.esteira.lake.SparkSessions;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** The configuration and, when first needed, the SparkSession and lakehouse of one CLI invocation. */
final class Session implements AutoCloseable {
  private final GlobalOptions options;
  private EsteiraConfig config;
  private SparkSession spark;
  /** Whether this session started Spark, and so must stop it (tests share one session). */
  private boolean ownsSpark;
  private Lakehouse lake;
  private Lakehouse metadataLake;

  Session(GlobalOptions options) {
    this.options = options;
  }

  Path confDir() {
    return options.confDir();
  }

  EsteiraConfig config() {
    if (config == null) {
      DeployMode.requireAbsolute("--conf-dir", options.confDir().toString());
      config =
          ConfigLoader.withOverrides(
              ConfigLoader.load(options.confDir(), options.env()), options.lakehouse(), options.master());
      DeployMode.requireAbsolute(lakehouseSource(), config.lakehouse().root());
    }
    return config;
  }

  /**
   * The lakehouse of a command that only reads: one that does not exist is refused before Spark starts,
   * so that a typo in {@code --lakehouse} is not mistaken for an empty registry.
   */
  Lakehouse readLake() {
    LakehouseRoot.requireExisting(config().lakehouse().root(), lakehouseSource());
    return lake();
  }

  /**
   * The lakehouse of a command that only reads metadata tables: no SparkSession is started (reads go
   * through Delta Kernel), so `registry list` costs a JVM and a few files, not a Spark start. A lakehouse
   * that does not exist is refused as by {@link #readLake()}.
   */
  Lakehouse metadataLake() {
    if (lake != null) {
      return lake;
    }
    if (metadataLake == null) {
      LakehouseRoot.requireExisting(config().lakehouse().root(), lakehouseSource());
      metadataLake = Lakehouse.metadataOnly(config().lakehouse().root(), SparkSessions.hadoopConfiguration(config()));
    }
    return metadataLake;
  }

  /** A job context on the metadata-only lakehouse (see {@link #metadataLake()}), for commands that read. */
  JobContext metadataContext() {
    return new JobContext(config(), metadataLake(), confDir(), actor(), progress());
  }

  /**
   * The job context of a command whose only writes are sequenced appends that Delta Kernel commits (the
   * registry's log and registrations, see {@link Lakehouse#commitSequenced}) and that reads nothing through
   * Spark: the metadata-only lakehouse, no SparkSession, when every table in {@code writes} exists. A table
   * that does not exist yet is created by Spark, with its declared schema, partitioning and schema version:
   * then it is {@link #jobContext()}. A lakehouse that does not exist is refused as by {@link #readLake()}.
   */
  JobContext kernelWriteContext(List<MetaTable> writes) {
    Lakehouse lakehouse = metadataLake();
    return writes.stream().allMatch(lakehouse::exists) ? metadataContext() : jobContext();
  }

  Lakehouse lake() {
    if (lake == null) {
      LakehouseRoot.requireNotFile(config().lakehouse().root(), lakehouseSource());
      ownsSpark = SparkSession.getDefaultSession().isEmpty();
      try {
        spark = SparkSessions.getOrCreate(config());
      } catch (Exception e) {
        // Spark's own start-up failure (an unreachable or unknown master) as the one line a user needs.
        // Exception, not RuntimeException: Scala code throws SparkException, a checked one, undeclared.
        throw new dev.esteira.EsteiraException("cannot start Spark on master '" + config().spark().master() + "': "
            + dev.esteira.Messages.rootMessage(e) + " (check --master or spark.master)", e);
      }
      lake = new Lakehouse(spark, config().lakehouse().root());
      progress().report("Spark " + spark.version() + " on " + spark.sparkContext().master() + ", lakehouse " + lake.root());
    }
    return lake;
  }

  /** The Hadoop configuration this command reaches storage with (Spark's, once Spark has started). */
  org.apache.hadoop.conf.Configuration hadoopConfiguration() {
    if (spark != null) {
      return spark.sparkContext().hadoopConfiguration();
    }
    try {
      return SparkSessions.hadoopConfiguration(config());
    } catch (RuntimeException unreadableConfig) {
      return new org.apache.hadoop.conf.Configuration();
    }
  }

  /** Where the lakehouse root came from, for error messages. */
  private String lakehouseSource() {
    return options.lakehouse() != null ? "--lakehouse" : "lakehouse.root";
  }

  JobContext jobContext() {
    return new JobContext(config(), lake(), confDir(), actor(), progress());
  }

  private static String actor() {
    return System.getenv().getOrDefault("ESTEIRA_ACTOR", System.getProperty("user.name", "unknown"));
  }

  Progress progress() {
    return options.quiet() ? Progress.NONE : message -> System.err.println("esteira: " + message);
  }

  @Override
  public void close() {
    if (spark != null && ownsSpark) {
      spark.stop();
    }
  }
}
