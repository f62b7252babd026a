package dev.esteira.cli;

import dev.esteira.EsteiraException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Checks of a lakehouse root given by the user, made before Spark starts. Only local paths (no scheme or
 * {@code file:}) are checked here: a remote store is checked by Hadoop when it is read.
 */
final class LakehouseRoot {
  private LakehouseRoot() {}

  /** Refuses a root that is a regular file: nothing could be read or written under it. */
  static void requireNotFile(String root, String source) {
    Path local = local(root);
    if (local != null && Files.isRegularFile(local)) {
      throw new EsteiraException(source + " " + root + " is a file, not a folder: give the lakehouse folder");
    }
  }

  /** Refuses a root that is a file or does not exist (for commands that only read). */
  static void requireExisting(String root, String source) {
    requireNotFile(root, source);
    Path local = local(root);
    if (local != null && !Files.isDirectory(local)) {
      throw new EsteiraException(source + " " + root + " does not exist: give the folder of an existing "
          + "lakehouse (e.g. --lakehouse ./lakehouse after `esteira demo`)");
    }
  }

  private static Path local(String root) {
    if (root == null || root.isBlank()) {
      return null;
    }
    if (root.startsWith("file:")) {
      try {
        return Paths.get(URI.create(root.startsWith("file://") ? root : "file://" + root.substring(5)));
      } catch (IllegalArgumentException e) {
        return Paths.get(root.substring(5));
      }
    }
    // A URI (hdfs:, s3a:, abfss:) is checked by its own file system when it is read.
    if (dev.esteira.lake.StoragePaths.hasScheme(root)) {
      return null;
    }
    return Paths.get(root);
  }
}
