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
