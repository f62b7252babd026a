package dev.esteira.lake;

import static org.apache.spark.sql.functions.*;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Hashes that identify a schema or a table's content, independent of row order and partitioning. */
public final class Fingerprints {
  private Fingerprints() {}

  public static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String schema(Dataset<Row> frame) {
    return sha256(frame.schema().json());
  }

  /**
   * Order-independent content hash: the row count and the exact (decimal, so no overflow) sum of each
   * row's 64-bit hash, hashed again. Equal content gives the same value whatever the file layout.
   */
  public static ContentFingerprint content(Dataset<Row> frame) {
    Column[] cols = Arrays.stream(frame.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new);
    Row r =
        frame
            .agg(count(lit(1)), sum(xxhash64(cols).cast("decimal(38,0)")))
            .first();
    long rows = r.getLong(0);
    String sum = r.isNullAt(1) ? "0" : r.getDecimal(1).toPlainString();
    return new ContentFingerprint(rows, sha256(rows + ":" + sum));
  }

  public record ContentFingerprint(long rows, String hash) {}
}
