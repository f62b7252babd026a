package dev.esteira.report;

import java.util.List;
import java.util.Locale;

/** The pieces of a self-contained HTML page: escaping, numbers, tables and the page itself (inline CSS, no script). */
final class Html {
  private Html() {}

  static String esc(Object o) {
    if (o == null) {
      return "";
    }
    String s = String.valueOf(o);
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** A number for people: four significant digits, no exponent for ordinary magnitudes. */
  static String num(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e12) {
      return String.format(Locale.ROOT, "%d", (long) v);
    }
    double a = Math.abs(v);
    if (a >= 1e-3 && a < 1e6) {
      String s = String.format(Locale.ROOT, "%.4f", v);
      if (a >= 100) {
        s = String.format(Locale.ROOT, "%.1f", v);
      }
      return s;
    }
    return String.format(Locale.ROOT, "%.3e", v);
  }

  /** A number for machines (data-* attributes that tests and scripts read back): full precision. */
  static String raw(double v) {
    return Double.isNaN(v) ? "NaN" : Double.toString(v);
  }

  /** A table; cells are already HTML. */
  static String table(List<String> header, List<List<String>> rows, String cssClass) {
    StringBuilder b = new StringBuilder("<table class=\"" + cssClass + "\"><thead><tr>");
    for (String h : header) {
      b.append("<th>").append(esc(h)).append("</th>");
    }
    b.append("</tr></thead><tbody>");
    for (List<String> r : rows) {
      b.append("<tr>");
      for (String c : r) {
        b.append("<td>").append(c).append("</td>");
      }
      b.append("</tr>");
    }
    return b.append("</tbody></table>").toString();
  }

  static String section(String id, String title, String intro, String body) {
    return "<section id=\"" + esc(id) + "\"><h2>" + esc(title) + "</h2>"
        + (intro == null ? "" : "<p class=\"intro\">" + esc(intro) + "</p>") + body + "</section>\n";
  }

  static String empty(String text) {
    return "<p class=\"empty\">" + esc(text) + "</p>";
  }

  static final String CSS =
      "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:0;"
          + "color:#1d2733;background:#f6f7f9}"
          + "header{background:#1d3557;color:#fff;padding:18px 32px}header h1{margin:0;font-size:24px}"
          + "header p{margin:4px 0 0;color:#cfd8e3;font-size:13px}"
          + "main{padding:8px 32px 32px;max-width:1200px}"
          + "section{background:#fff;border:1px solid #dde2e8;border-radius:6px;padding:4px 20px 16px;margin:16px 0}"
          + "h2{font-size:18px;color:#1d3557}h3{font-size:15px;margin:14px 0 4px}"
          + "p.intro{color:#4a5868;font-size:13px;margin-top:-6px}p.empty{color:#6b7785;font-style:italic}"
          + "table{border-collapse:collapse;font-size:13px;margin:8px 0}"
          + "th,td{border-bottom:1px solid #e4e8ed;padding:4px 10px;text-align:left;vertical-align:top}"
          + "th{background:#eef1f5}td.n{text-align:right;font-variant-numeric:tabular-nums}"
          + ".tag{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;color:#fff}"
          + ".st-production{background:#2a9d8f}.st-staging{background:#e9a23b}.st-archived{background:#8d99ae}"
          + ".st-none{background:#b0b8c4}.refused{color:#c1121f;font-weight:600}.ok{color:#2a9d8f}"
          + ".charts{display:flex;flex-wrap:wrap;gap:12px}svg{background:#fff}"
          + "nav a{color:#fff;margin-right:14px;font-size:13px}";

  static String page(String title, String subtitle, String nav, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>" + esc(title) + "</title><style>" + CSS + "</style></head>\n<body><header><h1>"
        + esc(title) + "</h1><p>" + esc(subtitle) + "</p>" + (nav == null ? "" : "<nav>" + nav + "</nav>")
        + "</header>\n<main>\n" + body + "</main></body></html>\n";
  }
}
