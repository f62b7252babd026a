package dev.esteira;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of Esteira that is running: the Maven version and the git commit it was built from. */
public final class CodeVersion {
  private static final String VALUE = load();

  private CodeVersion() {}

  public static String get() {
    return VALUE;
  }

  private static String load() {
    Properties p = new Properties();
    try (InputStream in = CodeVersion.class.getResourceAsStream("/esteira-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through to "unknown": the version is lineage information, never a reason to fail
    }
    String version = p.getProperty("version", "unknown");
    String commit = p.getProperty("commit", "");
    return commit.isBlank() || commit.startsWith("${") ? version : version + "+" + commit;
  }
}
