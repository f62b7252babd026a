package dev.esteira.cli;

import dev.esteira.EsteiraException;
import dev.esteira.lake.StoragePaths;
import java.nio.file.Path;

/**
 * Where this driver runs. In cluster deploy mode the cluster starts the driver in a folder of its own on
 * a worker ({@code work/driver-...} on a standalone cluster), so a relative path means something else
 * there than where the command was typed: a relative lakehouse would silently become a new, empty one.
 */
final class DeployMode {
  private DeployMode() {}

  /** Whether this JVM is a driver that the cluster started (spark-submit --deploy-mode cluster). */
  static boolean clusterDriver() {
    // spark-submit passes its settings to a cluster-mode driver as system properties (SparkConf reads
    // them the same way); read directly so that commands without Spark need not load Spark to ask.
    return "cluster".equals(System.getProperty("spark.submit.deployMode"));
  }

  /** Refuses a relative local path in a cluster-mode driver, in one line naming the option and the path. */
  static void requireAbsolute(String what, String path) {
    if (path == null || !clusterDriver() || StoragePaths.hasScheme(path) || Path.of(path).isAbsolute()) {
      return;
    }
    throw new EsteiraException(what + " '" + path + "' is relative, and a cluster-mode driver runs in a folder "
        + "of its own on a worker (" + Path.of("").toAbsolutePath() + "): give an absolute path or a URI "
        + "(`esteira submit` makes the paths it is given absolute)");
  }
}
