package dev.esteira.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A plain CSV reader for tests: the independent side of every comparison with what Spark computed. */
public final class Csv {
  private final List<String> header;
  private final List<String[]> rows;

  private Csv(List<String> header, List<String[]> rows) {
    this.header = header;
    this.rows = rows;
  }

  public static Csv read(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      List<String> header = List.of(lines.get(0).split(",", -1));
      List<String[]> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        if (!line.isEmpty()) {
          rows.add(line.split(",", -1));
        }
      }
      return new Csv(header, rows);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<String> column(String name) {
    int i = header.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no column " + name);
    }
    List<String> out = new ArrayList<>();
    for (String[] r : rows) {
      out.add(r[i].isEmpty() ? null : r[i]);
    }
    return out;
  }

  public double[] numbers(String name) {
    return column(name).stream().mapToDouble(v -> v == null ? Double.NaN : Double.parseDouble(v)).toArray();
  }

  /** Writes a copy with one cell changed (row index 0-based), or with a column removed or added. */
  public static void rewrite(Path from, Path to, java.util.function.UnaryOperator<List<String>> edit) {
    try {
      Files.write(to, edit.apply(new ArrayList<>(Files.readAllLines(from))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
