package dev.esteira.lake;

import dev.esteira.EsteiraException;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The application jar ({@code jobs/target/esteira.jar}: Esteira with Delta, Spark left out) that executors
 * in JVMs of their own need when the driver was started without spark-submit.
 */
public final class ApplicationJar {
  static final String NAME = "esteira.jar";

  private ApplicationJar() {}

  /**
   * Finds the jar beside the classes this JVM runs (the thin jar or {@code target/classes} of a build) or
   * under {@code $ESTEIRA_HOME/jobs/target}; refuses in one line when there is none.
   */
  public static String locate(String master) {
    Path found = find();
    if (found == null) {
      throw new EsteiraException("master " + master + " runs executors in JVMs of their own, which need the "
          + "application jar " + NAME + " and none was found beside the classes or in $ESTEIRA_HOME/jobs/target: "
          + "build it with `mvn package`, or start the job with `esteira submit`");
    }
    return found.toUri().toString();
  }

  static Path find() {
    try {
      Path here = Paths.get(ApplicationJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (here.getFileName() != null && here.getFileName().toString().equals(NAME)) {
        return here; // this JVM runs the application jar itself
      }
      // jobs/target/esteira-jobs-VERSION.jar or jobs/target/classes: the jar is in jobs/target.
      Path sibling = here.resolveSibling(NAME);
      if (Files.isRegularFile(sibling)) {
        return sibling.toAbsolutePath();
      }
    } catch (URISyntaxException | SecurityException | NullPointerException | IllegalArgumentException e) {
      // no code source to go by: fall through to ESTEIRA_HOME
    }
    String home = System.getenv("ESTEIRA_HOME");
    if (home != null && !home.isBlank()) {
      Path jar = Paths.get(home, "jobs", "target", NAME);
      if (Files.isRegularFile(jar)) {
        return jar.toAbsolutePath();
      }
    }
    return null;
  }

  /** The jar as a local file, for commands that hand it to spark-submit. */
  public static File file() {
    Path found = find();
    if (found == null) {
      throw new EsteiraException("the application jar " + NAME + " was not found beside the classes or in "
          + "$ESTEIRA_HOME/jobs/target: build it with `mvn package`");
    }
    return found.toFile();
  }
}
