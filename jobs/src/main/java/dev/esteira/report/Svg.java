package dev.esteira.report;

import static dev.esteira.report.Html.esc;
import static dev.esteira.report.Html.num;
import static dev.esteira.report.Html.raw;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Charts as inline SVG, drawn here so that a report needs no script and no network. Every mark carries
 * its figure in {@code data-*} attributes (series, x, value) so that tests and scripts can read back what
 * a chart shows and check it against the tables.
 */
final class Svg {
  private Svg() {}

  static final String[] PALETTE = {"#1d3557", "#e63946", "#2a9d8f", "#e9a23b", "#6a4c93", "#457b9d", "#8d6e63", "#43aa8b"};

  private static final int W = 560;
  private static final int H = 280;
  private static final int LEFT = 64;
  private static final int RIGHT = 150;
  private static final int TOP = 30;
  private static final int BOTTOM = 56;

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** The y range of the values (NaN ignored), padded, including zero when {@code fromZero}. */
  private static double[] range(Iterable<double[]> series, boolean fromZero) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] s : series) {
      for (double v : s) {
        if (!Double.isNaN(v) && !Double.isInfinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo > hi) {
      return new double[] {0, 1};
    }
    if (fromZero) {
      lo = Math.min(lo, 0);
      hi = Math.max(hi, 0);
    }
    if (hi == lo) {
      hi = lo + (lo == 0 ? 1 : Math.abs(lo) * 0.1);
      lo = fromZero ? lo : lo - (hi - lo);
    }
    double pad = (hi - lo) * 0.05;
    return new double[] {fromZero && lo == 0 ? 0 : lo - pad, hi + pad};
  }

  private static String frame(String title, String id, StringBuilder marks, double lo, double hi, String yLabel) {
    StringBuilder b = new StringBuilder();
    b.append("<svg width=\"").append(W).append("\" height=\"").append(H)
        .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\" data-chart=\"")
        .append(esc(id)).append("\"><title>").append(esc(title)).append("</title>");
    b.append("<text x=\"").append(LEFT).append("\" y=\"18\" font-size=\"13\" font-weight=\"600\" fill=\"#1d2733\">")
        .append(esc(title)).append("</text>");
    int plotH = H - TOP - BOTTOM;
    for (int i = 0; i <= 4; i++) {
      double v = lo + (hi - lo) * i / 4;
      double y = TOP + plotH - plotH * i / 4.0;
      b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(W - RIGHT).append("\" y1=\"").append(f(y))
          .append("\" y2=\"").append(f(y)).append("\" stroke=\"#e4e8ed\"/>");
      b.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(f(y + 4))
          .append("\" font-size=\"10\" text-anchor=\"end\" fill=\"#4a5868\">").append(esc(num(v))).append("</text>");
    }
    if (yLabel != null) {
      b.append("<text transform=\"translate(14,").append(TOP + plotH / 2).append(") rotate(-90)\" font-size=\"11\" ")
          .append("text-anchor=\"middle\" fill=\"#4a5868\">").append(esc(yLabel)).append("</text>");
    }
    b.append(marks);
    b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(W - RIGHT).append("\" y1=\"").append(TOP + plotH)
        .append("\" y2=\"").append(TOP + plotH).append("\" stroke=\"#8d99ae\"/>");
    return b.append("</svg>").toString();
  }

  private static void xLabels(StringBuilder b, List<String> labels, double[] xs) {
    int plotBottom = H - BOTTOM;
    int every = Math.max(1, (int) Math.ceil(labels.size() / 12.0));
    for (int i = 0; i < labels.size(); i += every) {
      b.append("<text font-size=\"10\" fill=\"#4a5868\" text-anchor=\"end\" transform=\"translate(")
          .append(f(xs[i] + 3)).append(',').append(plotBottom + 12).append(") rotate(-35)\">")
          .append(esc(labels.get(i))).append("</text>");
    }
  }

  private static void legend(StringBuilder b, List<String> names) {
    for (int i = 0; i < names.size() && i < 14; i++) {
      int y = TOP + 4 + i * 16;
      b.append("<rect x=\"").append(W - RIGHT + 12).append("\" y=\"").append(y).append("\" width=\"10\" height=\"10\" fill=\"")
          .append(PALETTE[i % PALETTE.length]).append("\"/><text x=\"").append(W - RIGHT + 26).append("\" y=\"")
          .append(y + 9).append("\" font-size=\"11\" fill=\"#1d2733\">").append(esc(names.get(i))).append("</text>");
    }
  }

  /** Lines over categorical x positions; NaN leaves a gap. */
  static String lines(String id, String title, List<String> x, Map<String, double[]> series, String yLabel, boolean fromZero) {
    double[] r = range(series.values(), fromZero);
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    double[] xs = new double[x.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = x.size() == 1 ? LEFT + plotW / 2.0 : LEFT + 10 + (plotW - 20) * i / (double) (x.size() - 1);
    }
    StringBuilder m = new StringBuilder();
    int k = 0;
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      String color = PALETTE[k++ % PALETTE.length];
      double[] v = e.getValue();
      StringBuilder path = new StringBuilder();
      boolean pen = false;
      for (int i = 0; i < v.length && i < xs.length; i++) {
        if (Double.isNaN(v[i]) || Double.isInfinite(v[i])) {
          pen = false;
          continue;
        }
        double y = TOP + plotH - plotH * (v[i] - r[0]) / (r[1] - r[0]);
        path.append(pen ? " L" : " M").append(f(xs[i])).append(',').append(f(y));
        pen = true;
        m.append("<circle cx=\"").append(f(xs[i])).append("\" cy=\"").append(f(y)).append("\" r=\"3\" fill=\"")
            .append(color).append("\" data-series=\"").append(esc(e.getKey())).append("\" data-x=\"")
            .append(esc(x.get(i))).append("\" data-value=\"").append(raw(v[i])).append("\"><title>")
            .append(esc(e.getKey() + " · " + x.get(i) + ": " + num(v[i]))).append("</title></circle>");
      }
      if (path.length() > 0) {
        m.insert(0, "<path d=\"" + path.toString().trim() + "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"2\"/>");
      }
    }
    xLabels(m, x, xs);
    legend(m, new ArrayList<>(series.keySet()));
    return frame(title, id, m, r[0], r[1], yLabel);
  }

  /** Grouped bars: one group per x category, one bar per series. */
  static String bars(String id, String title, List<String> x, Map<String, double[]> series, String yLabel) {
    double[] r = range(series.values(), true);
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    double group = plotW / (double) Math.max(1, x.size());
    double bar = Math.max(2, (group * 0.8) / Math.max(1, series.size()));
    double[] xs = new double[x.size()];
    StringBuilder m = new StringBuilder();
    double zeroY = TOP + plotH - plotH * (0 - r[0]) / (r[1] - r[0]);
    for (int i = 0; i < x.size(); i++) {
      xs[i] = LEFT + group * i + group / 2;
      int k = 0;
      for (Map.Entry<String, double[]> e : series.entrySet()) {
        double v = i < e.getValue().length ? e.getValue()[i] : Double.NaN;
        String color = PALETTE[k % PALETTE.length];
        double bx = LEFT + group * i + group * 0.1 + bar * k;
        k++;
        if (Double.isNaN(v) || Double.isInfinite(v)) {
          continue;
        }
        double y = TOP + plotH - plotH * (v - r[0]) / (r[1] - r[0]);
        m.append("<rect x=\"").append(f(bx)).append("\" y=\"").append(f(Math.min(y, zeroY))).append("\" width=\"")
            .append(f(bar - 1)).append("\" height=\"").append(f(Math.max(0.5, Math.abs(zeroY - y))))
            .append("\" fill=\"").append(color).append("\" data-series=\"").append(esc(e.getKey()))
            .append("\" data-x=\"").append(esc(x.get(i))).append("\" data-value=\"").append(raw(v))
            .append("\"><title>").append(esc(e.getKey() + " · " + x.get(i) + ": " + num(v))).append("</title></rect>");
      }
    }
    xLabels(m, x, xs);
    legend(m, new ArrayList<>(series.keySet()));
    return frame(title, id, m, r[0], r[1], yLabel);
  }

  /** A cell of a heat map: its colour class and its label. */
  record Cell(String status, double value, String label) {}

  /** A heat map of rows × columns; a null cell is drawn empty. */
  static String heatMap(String id, String title, List<String> rows, List<String> cols, Cell[][] cells) {
    int cw = Math.max(28, Math.min(80, 640 / Math.max(1, cols.size())));
    int ch = 22;
    int left = 150;
    int top = 34;
    int width = Math.max(left + cw * cols.size() + 170, left + 8 * title.length());
    int height = top + ch * rows.size() + 64;
    StringBuilder b = new StringBuilder();
    b.append("<svg width=\"").append(width).append("\" height=\"").append(height)
        .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\" role=\"img\" data-chart=\"")
        .append(esc(id)).append("\"><title>").append(esc(title)).append("</title>");
    b.append("<text x=\"").append(left).append("\" y=\"18\" font-size=\"13\" font-weight=\"600\" fill=\"#1d2733\">")
        .append(esc(title)).append("</text>");
    for (int i = 0; i < rows.size(); i++) {
      b.append("<text x=\"").append(left - 6).append("\" y=\"").append(top + ch * i + 15)
          .append("\" font-size=\"11\" text-anchor=\"end\" fill=\"#1d2733\">").append(esc(rows.get(i))).append("</text>");
      for (int j = 0; j < cols.size(); j++) {
        Cell c = cells[i][j];
        String fill = c == null ? "#f6f7f9" : color(c.status());
        b.append("<rect x=\"").append(left + cw * j).append("\" y=\"").append(top + ch * i).append("\" width=\"")
            .append(cw - 2).append("\" height=\"").append(ch - 2).append("\" fill=\"").append(fill).append('"');
        if (c != null) {
          b.append(" data-row=\"").append(esc(rows.get(i))).append("\" data-col=\"").append(esc(cols.get(j)))
              .append("\" data-status=\"").append(esc(c.status())).append("\" data-value=\"").append(raw(c.value()))
              .append("\"><title>").append(esc(rows.get(i) + " · " + cols.get(j) + ": " + c.label())).append("</title></rect>");
        } else {
          b.append("/>");
        }
      }
    }
    for (int j = 0; j < cols.size(); j++) {
      b.append("<text font-size=\"10\" fill=\"#4a5868\" text-anchor=\"end\" transform=\"translate(")
          .append(left + cw * j + cw / 2 + 3).append(',').append(top + ch * rows.size() + 10).append(") rotate(-35)\">")
          .append(esc(cols.get(j))).append("</text>");
    }
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("drift", "drift");
    keys.put("inconclusive", "inconclusive");
    keys.put("ok", "no drift");
    keys.put("insufficient_data", "too few rows");
    int y = top;
    for (Map.Entry<String, String> e : keys.entrySet()) {
      int x = left + cw * cols.size() + 16;
      b.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"10\" height=\"10\" fill=\"")
          .append(color(e.getKey())).append("\"/><text x=\"").append(x + 14).append("\" y=\"").append(y + 9)
          .append("\" font-size=\"11\">").append(esc(e.getValue())).append("</text>");
      y += 16;
    }
    return b.append("</svg>").toString();
  }

  static String color(String status) {
    return switch (status) {
      case "drift" -> "#e63946";
      case "inconclusive" -> "#e9a23b";
      case "ok" -> "#a8dadc";
      default -> "#d5d9df";
    };
  }
}
