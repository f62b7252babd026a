package dev.esteira.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * How a cluster-mode driver tells the side that submitted it how it ended. spark-submit exits 0 when a
 * standalone cluster's driver fails (its log alone says FAILED), so the driver writes its exit code and
 * error line to a small file on storage both sides reach (beside the lakehouse, which every executor
 * must reach anyway), and {@code esteira submit} reads it once spark-submit has returned.
 */
final class SubmissionOutcome {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the driver reported: its exit code and its error line (null when it succeeded). */
  record Outcome(int exitCode, String error) {}

  private SubmissionOutcome() {}

  /** Writes the outcome (to a temporary name, then renamed: a reader never sees half a file). */
  static void write(String uri, int exitCode, String error, Session session) {
    Configuration conf = session != null ? session.hadoopConfiguration() : new Configuration();
    ObjectNode doc = JSON.createObjectNode();
    doc.put("exit_code", exitCode);
    doc.put("error", error);
    try {
      Path target = new Path(uri);
      FileSystem fs = target.getFileSystem(conf);
      Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp");
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(JSON.writeValueAsBytes(doc));
      }
      fs.delete(target, false);
      if (!fs.rename(tmp, target)) {
        throw new IOException("cannot rename " + tmp + " to " + target);
      }
    } catch (IOException | RuntimeException e) {
      // The submitting side then reports that the driver left no outcome, which is the truth.
      System.err.println("esteira: warning: cannot write the outcome to " + uri + ": " + Main.oneLine(e.getMessage()));
    }
  }

  /** The outcome written at {@code uri}, or null if there is none; the file is removed once read. */
  static Outcome readAndRemove(String uri, Configuration conf) throws IOException {
    Path target = new Path(uri);
    FileSystem fs = target.getFileSystem(conf);
    if (!fs.exists(target)) {
      return null;
    }
    byte[] bytes;
    try (InputStream in = fs.open(target)) {
      bytes = in.readAllBytes();
    }
    fs.delete(target, false);
    var doc = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
    return new Outcome(doc.path("exit_code").asInt(1), doc.path("error").isNull() ? null : doc.path("error").asText(null));
  }
}
