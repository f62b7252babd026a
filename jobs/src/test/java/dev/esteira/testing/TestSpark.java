package dev.esteira.testing;

import dev.esteira.Progress;
import dev.esteira.config.ConfigLoader;
import dev.esteira.config.EsteiraConfig;
import dev.esteira.jobs.JobContext;
import dev.esteira.lake.Lakehouse;
import dev.esteira.lake.SparkSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the test JVM (local[2], two shuffle partitions, UI off), built by the same
 * code as production, and fresh lakehouses under target/ for each test class.
 */
public final class TestSpark {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static SparkSession session;
  private static EsteiraConfig config;

  private TestSpark() {}

  public static Path projectRoot() {
    String root = System.getProperty("esteira.project.root");
    return (root != null ? Paths.get(root) : Paths.get("..")).toAbsolutePath().normalize();
  }

  public static Path confDir() {
    return projectRoot().resolve("conf");
  }

  public static synchronized EsteiraConfig config() {
    if (config == null) {
      EsteiraConfig loaded = ConfigLoader.load(confDir(), "dev");
      config =
          new EsteiraConfig(
              new EsteiraConfig.Spark("local[2]", "esteira-tests", 2, loaded.spark().conf()),
              loaded.lakehouse(), loaded.drift(), new EsteiraConfig.Workflow(0, 0.0), loaded.airflow());
    }
    return config;
  }

  public static synchronized SparkSession spark() {
    if (session == null) {
      session = SparkSessions.getOrCreate(config());
    }
    return session;
  }

  /** A new, empty lakehouse folder. */
  public static Lakehouse freshLakehouse(String name) {
    return new Lakehouse(spark(), newDir("lake-" + name).toString());
  }

  public static Path newDir(String name) {
    try {
      Path base = projectRoot().resolve("jobs/target/test-work");
      Files.createDirectories(base);
      return Files.createTempDirectory(base, name + "-" + COUNTER.incrementAndGet() + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies a folder and everything in it to {@code to} (created; files already there are replaced). */
  public static void copyTree(Path from, Path to) {
    try (var files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JobContext context(Lakehouse lake) {
    return new JobContext(config(), lake, confDir(), "test", Progress.NONE);
  }
}
