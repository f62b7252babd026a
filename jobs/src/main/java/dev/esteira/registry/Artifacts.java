package dev.esteira.registry;

import dev.esteira.EsteiraException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Model artifacts: a saved {@code PipelineModel} folder, copied into the registry and identified by a
 * SHA-256 over its files (relative path and bytes, in path order; Hadoop's {@code .crc} side files left
 * out since they only checksum the same bytes).
 */
public final class Artifacts {
  private Artifacts() {}

  /**
   * The form {@code models.artifact} stores: the path relative to the lakehouse root when the artifact
   * is under it (always, for a registration), so that a lakehouse copied or moved elsewhere (another
   * folder, bucket or cluster) loads its own copy; an artifact outside the root keeps its absolute URI.
   * {@code root} is the qualified root of {@link dev.esteira.lake.Lakehouse#root()}.
   */
  public static String relativize(String root, String path) {
    String qualified = path.startsWith("/") && root.startsWith("file:") ? "file:" + path : path;
    String prefix = root + "/";
    return qualified.startsWith(prefix) && qualified.length() > prefix.length() ? qualified.substring(prefix.length()) : path;
  }

  /** The artifact's location for this lakehouse: a stored relative path resolved against {@code root}. */
  public static String resolve(String root, String stored) {
    if (isAbsolute(stored)) {
      return stored;
    }
    for (String segment : stored.split("/")) {
      if (segment.equals("..")) {
        throw new EsteiraException("model artifact path " + stored + " leaves the lakehouse root " + root);
      }
    }
    return root + "/" + stored;
  }

  static boolean isAbsolute(String stored) {
    return stored.startsWith("/") || dev.esteira.lake.StoragePaths.hasScheme(stored);
  }

  /**
   * The migrated form of a path stored by schema version 2 (always absolute): relative when under
   * {@code root}; for a lakehouse copied or moved before the migration (its paths name the old root), the
   * path's tail from one of its {@code artifacts/} segments, the leftmost whose folder {@code exists}
   * under this root (loading still checks the SHA-256, so a tail that names other files is refused, not
   * loaded); else the path unchanged, an artifact outside the lakehouse.
   */
  public static String migrated(String root, String stored, Predicate<String> exists) {
    String relative = relativize(root, stored);
    if (!isAbsolute(relative)) {
      return relative;
    }
    String path = new Path(stored).toUri().getPath();
    for (int i = path.indexOf("/artifacts/"); i >= 0; i = path.indexOf("/artifacts/", i + 1)) {
      String tail = path.substring(i + 1);
      if (exists.test(root + "/" + tail)) {
        return tail;
      }
    }
    return stored;
  }

  /** Whether a folder or file exists, through Hadoop's file system of its URI. */
  public static boolean exists(Configuration conf, String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(conf).exists(p);
    } catch (IOException e) {
      throw new EsteiraException("cannot check model artifact " + path + ": " + e.getMessage(), e);
    }
  }

  public static String sha256(Configuration conf, String dir) {
    try {
      Path root = new Path(dir);
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        throw new EsteiraException("model artifact not found: " + dir);
      }
      String rootPath = fs.makeQualified(root).toUri().getPath();
      List<Path> files = new ArrayList<>();
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        Path p = it.next().getPath();
        if (!p.getName().endsWith(".crc")) {
          files.add(p);
        }
      }
      files.sort((a, b) -> a.toUri().getPath().compareTo(b.toUri().getPath()));
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (Path file : files) {
        String relative = file.toUri().getPath().substring(rootPath.length());
        digest.update(relative.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        try (InputStream in = fs.open(file)) {
          int n;
          while ((n = in.read(buffer)) > 0) {
            digest.update(buffer, 0, n);
          }
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new EsteiraException("cannot read model artifact " + dir + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Copies {@code source} to {@code target}, a path that must not exist yet: a registered artifact is
   * never overwritten, so a target that exists is an error, not something to replace.
   */
  public static void copy(Configuration conf, String source, String target) {
    try {
      Path from = new Path(source);
      Path to = new Path(target);
      FileSystem fs = from.getFileSystem(conf);
      FileSystem toFs = to.getFileSystem(conf);
      if (toFs.exists(to)) {
        throw new EsteiraException("cannot copy model artifact to " + target + ": it exists already");
      }
      if (!FileUtil.copy(fs, from, toFs, to, false, conf)) {
        throw new EsteiraException("cannot copy model artifact " + source + " to " + target);
      }
    } catch (IOException e) {
      throw new EsteiraException(
          "cannot copy model artifact " + source + " to " + target + ": " + e.getMessage(), e);
    }
  }

  /** Deletes a copy that no committed version points at (its path was unique to one registration attempt). */
  static void deleteUncommitted(Configuration conf, String target) {
    try {
      Path p = new Path(target);
      p.getFileSystem(conf).delete(p, true);
    } catch (IOException e) {
      // An orphan copy is harmless: nothing references it.
    }
  }
}
