package dev.esteira.lake;

import dev.esteira.EsteiraException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How a path given for storage is told apart (a URI with a scheme, or a local path), and how a path a
 * table stores about the lakehouse's own files ({@code models.artifact}, {@code runs.artifact}) is kept
 * relative to the root, so that a lakehouse copied or moved (another folder, bucket or cluster) reads its
 * own files.
 */
public final class StoragePaths {
  private StoragePaths() {}

  /** A scheme is a letter, then letters, digits, {@code + . -}, then ':' ({@code file:}, {@code hdfs:}, {@code s3a:}). */
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

  /** Whether the path starts with a URI scheme, and so names a file system of its own. */
  public static boolean hasScheme(String path) {
    return SCHEME.matcher(path).matches();
  }

  /**
   * The stored form of a path: relative to the lakehouse root when it is under it (always, for what
   * Esteira writes there); a path outside the root keeps its absolute URI. {@code root} is the qualified
   * root of {@link Lakehouse#root()}.
   */
  public static String relativize(String root, String path) {
    String qualified = path.startsWith("/") && root.startsWith("file:") ? "file:" + path : path;
    String prefix = root + "/";
    return qualified.startsWith(prefix) && qualified.length() > prefix.length() ? qualified.substring(prefix.length()) : path;
  }

  /** A stored path's location for this lakehouse: a relative one resolved against {@code root}. */
  public static String resolve(String root, String stored) {
    if (isAbsolute(stored)) {
      return stored;
    }
    for (String segment : stored.split("/")) {
      if (segment.equals("..")) {
        throw new EsteiraException("stored path " + stored + " leaves the lakehouse root " + root);
      }
    }
    return root + "/" + stored;
  }

  static boolean isAbsolute(String stored) {
    return stored.startsWith("/") || hasScheme(stored);
  }

  /**
   * The migrated form of an absolute path stored by an older schema: relative when under {@code root};
   * for a lakehouse copied or moved before the migration (its paths name the old root), the path's tail
   * from one of its {@code artifacts/} segments, the leftmost whose folder {@code exists} under this root
   * (loading a model still checks its SHA-256, so a tail that names other files is refused, not loaded);
   * else the path unchanged, a file outside the lakehouse.
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

  /**
   * A migration's rows: {@code old}'s rows in {@code table}'s schema, its absolute path column
   * {@code absolute} replaced by {@code relative}, each path {@link #migrated} against this lakehouse
   * (nulls stay null; every other column is copied by name).
   */
  public static Dataset<Row> migrateToRelative(Lakehouse lake, MetaTable table, Dataset<Row> old, String absolute, String relative) {
    Configuration conf = lake.hadoopConfiguration();
    List<Row> out = new ArrayList<>();
    for (Row r : old.collectAsList()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (String column : table.schema().fieldNames()) {
        if (column.equals(relative)) {
          String stored = r.getAs(absolute);
          m.put(column, stored == null ? null : migrated(lake.root(), stored, p -> exists(conf, p)));
        } else {
          m.put(column, r.getAs(column));
        }
      }
      out.add(Rows.of(table.schema(), m));
    }
    return lake.frame(table, out);
  }

  /** Whether a folder or file exists, through Hadoop's file system of its URI. */
  public static boolean exists(Configuration conf, String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(conf).exists(p);
    } catch (IOException e) {
      throw new EsteiraException("cannot check " + path + ": " + e.getMessage(), e);
    }
  }
}
