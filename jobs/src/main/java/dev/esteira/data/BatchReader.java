package dev.esteira.data;

import dev.esteira.EsteiraException;
import dev.esteira.Messages;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads an incoming batch file (CSV, Parquet or JSON lines), failing fast on anything malformed. */
final class BatchReader {
  // A list, not a set: its order is the one help and errors show.
  static final List<String> FORMATS = List.of("csv", "parquet", "json");

  private BatchReader() {}

  static Dataset<Row> read(SparkSession spark, String path, String format) {
    String fmt = format.toLowerCase(Locale.ROOT);
    if (!FORMATS.contains(fmt)) {
      throw new EsteiraException("unknown format '" + format + "' (expected csv, parquet or json)");
    }
    requireExists(spark, path);
    try {
      return switch (fmt) {
        // Everything as text: the contract decides the types, and counts what does not parse.
        case "csv" -> spark.read()
            .option("header", "true")
            .option("mode", "FAILFAST")
            .option("inferSchema", "false")
            .option("enforceSchema", "false")
            // RFC 4180: a quoted field may hold line breaks, and a quote inside it is doubled.
            .option("multiLine", "true")
            .option("escape", "\"")
            .csv(path);
        case "json" -> spark.read().option("mode", "FAILFAST").json(path);
        default -> spark.read().parquet(path);
      };
    } catch (Exception e) {
      // Spark reports unreadable files with SparkException, which Java does not see declared.
      throw unreadable(path, fmt, e);
    }
  }

  static EsteiraException unreadable(String path, String format, Throwable e) {
    return new EsteiraException(
        "cannot read " + path + " as " + format + ": " + Messages.rootMessage(e), e);
  }

  private static void requireExists(SparkSession spark, String path) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        throw new EsteiraException("input not found: " + path);
      }
      if (fs.getFileStatus(p).isFile() && fs.getFileStatus(p).getLen() == 0) {
        throw new EsteiraException("input is empty: " + path);
      }
    } catch (IOException e) {
      throw new EsteiraException("cannot access " + path + ": " + e.getMessage(), e);
    }
  }
}
