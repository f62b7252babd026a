package dev.esteira.cli;

import dev.esteira.config.Json;
import dev.esteira.jobs.JobOutput;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything the CLI prints for people (text) or programs (JSON). The only place that prints results. */
final class Output {
  private final boolean json;
  private final PrintStream out;
  private final PrintStream err;

  Output(boolean json, PrintStream out, PrintStream err) {
    this.json = json;
    this.out = out;
    this.err = err;
  }

  boolean json() {
    return json;
  }

  void job(JobOutput result) {
    result.alerts().forEach(a -> err.println("ALERT " + a));
    if (json) {
      @SuppressWarnings("unchecked")
      Map<String, Object> doc = (Map<String, Object>) deepPlain(new LinkedHashMap<>(result.data()));
      doc.put("message", result.message());
      doc.put("alerts", result.alerts());
      out.println(Json.pretty(doc));
    } else {
      out.println(result.message());
    }
  }

  /** A message, with data for JSON output. */
  void result(String message, Object data) {
    if (json) {
      out.println(Json.pretty(deepPlain(data)));
    } else {
      out.println(message);
    }
  }

  /** A table: aligned columns in text (long cells cut at 60 characters), a list of objects in JSON. */
  void table(List<String> headers, List<List<Object>> rows, String caption) {
    table(headers, rows, caption, 60);
  }

  /** A table whose cells are never cut (paths a user copies, as in a workflow's plan). */
  void fullTable(List<String> headers, List<List<Object>> rows, String caption) {
    table(headers, rows, caption, Integer.MAX_VALUE);
  }

  private void table(List<String> headers, List<List<Object>> rows, String caption, int maxWidth) {
    if (json) {
      List<Map<String, Object>> docs = new ArrayList<>();
      for (List<Object> row : rows) {
        Map<String, Object> doc = new LinkedHashMap<>();
        for (int i = 0; i < headers.size(); i++) {
          Object value = plain(row.get(i));
          doc.put(headers.get(i), JSON_TEXT_COLUMNS.contains(headers.get(i)) ? parsedJson(value) : value);
        }
        docs.add(doc);
      }
      out.println(Json.pretty(docs));
      return;
    }
    int[] width = new int[headers.size()];
    List<List<String>> cells = new ArrayList<>();
    for (int i = 0; i < headers.size(); i++) {
      width[i] = headers.get(i).length();
    }
    for (List<Object> row : rows) {
      List<String> r = new ArrayList<>();
      for (int i = 0; i < headers.size(); i++) {
        String s = cell(row.get(i));
        r.add(s);
        width[i] = Math.min(maxWidth, Math.max(width[i], s.length()));
      }
      cells.add(r);
    }
    out.println(line(headers, width));
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
    }
    out.println(rule);
    for (List<String> r : cells) {
      out.println(line(r, width));
    }
    if (caption != null) {
      out.println(caption);
    }
  }

  private static String line(List<String> values, int[] width) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if (v.length() > width[i]) {
        v = v.substring(0, width[i] - 1) + "…";
      }
      sb.append(i == 0 ? "" : "  ").append(String.format("%-" + width[i] + "s", v));
    }
    return sb.toString().stripTrailing();
  }

  private static String cell(Object o) {
    Object p = plain(o);
    if (p == null) {
      return "";
    }
    if (p instanceof Double d) {
      return number(d);
    }
    if (p instanceof Map<?, ?> || p instanceof List<?>) {
      return Json.write(p);
    }
    return p.toString();
  }

  /**
   * A double for people: four decimals, but scientific notation where fixed decimals would hide it (a
   * p-value of 7e-152 is not 0.0000) or pad it (1e12).
   */
  static String number(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return Double.toString(d);
    }
    double a = Math.abs(d);
    if (a != 0 && (a < 1e-4 || a >= 1e9)) {
      return String.format(java.util.Locale.ROOT, "%.3e", d);
    }
    return String.format(java.util.Locale.ROOT, "%.4f", d);
  }

  /** Metadata columns that hold JSON text (parameters of runs and workflow steps): emitted as JSON. */
  static final java.util.Set<String> JSON_TEXT_COLUMNS = java.util.Set.of("params");

  /** JSON text as the JSON value it holds; anything else (or text that is no JSON object) as it is. */
  static Object parsedJson(Object value) {
    if (value instanceof String s && (s.startsWith("{") || s.startsWith("["))) {
      try {
        return Json.mapper().readTree(s);
      } catch (java.io.IOException e) {
        return value;
      }
    }
    return value;
  }

  /** Java maps and lists with their Spark values made plain, recursively, for JSON. */
  static Object deepPlain(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), deepPlain(v)));
      return out;
    }
    if (o instanceof java.util.Collection<?> c) {
      List<Object> out = new ArrayList<>();
      c.forEach(v -> out.add(deepPlain(v)));
      return out;
    }
    return plain(o);
  }

  /** A time as ISO-8601: an instant in UTC ({@code 2026-11-24T18:13:59.123Z}) or a date. */
  static String iso(Object time) {
    if (time instanceof java.sql.Timestamp t) {
      return t.toInstant().toString();
    }
    if (time instanceof java.sql.Date d) {
      return d.toLocalDate().toString();
    }
    if (time instanceof java.util.Date d) {
      return d.toInstant().toString();
    }
    return time.toString();
  }

  /** Spark values as plain Java: Scala maps and sequences become Java ones, times become ISO-8601 text. */
  static Object plain(Object o) {
    if (o instanceof scala.collection.Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      scala.collection.JavaConverters.mapAsJavaMap(m).forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
      return out;
    }
    if (o instanceof scala.collection.Seq<?> seq) {
      List<Object> out = new ArrayList<>();
      scala.collection.JavaConverters.seqAsJavaList(seq).forEach(v -> out.add(plain(v)));
      return out;
    }
    if (o instanceof java.util.Date || o instanceof java.time.temporal.Temporal) {
      return iso(o);
    }
    if (o instanceof org.apache.spark.sql.Row r) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < r.size(); i++) {
        out.put(r.schema() == null ? "_" + i : r.schema().fieldNames()[i], plain(r.get(i)));
      }
      return out;
    }
    if (o instanceof java.math.BigDecimal b) {
      return b.toPlainString();
    }
    return o;
  }
}
