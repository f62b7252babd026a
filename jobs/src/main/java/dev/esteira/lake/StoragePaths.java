package dev.esteira.lake;

import java.util.regex.Pattern;

/** How a path given for storage is told apart: a URI with a scheme, or a local path. */
public final class StoragePaths {
  private StoragePaths() {}

  /** A scheme is a letter, then letters, digits, {@code + . -}, then ':' ({@code file:}, {@code hdfs:}, {@code s3a:}). */
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

  /** Whether the path starts with a URI scheme, and so names a file system of its own. */
  public static boolean hasScheme(String path) {
    return SCHEME.matcher(path).matches();
  }
}
