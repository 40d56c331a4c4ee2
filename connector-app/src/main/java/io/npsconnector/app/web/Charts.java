package io.npsconnector.app.web;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Charts as inline SVG, drawn on the server: no script, nothing fetched, so they render under the strict
 * Content-Security-Policy and in any browser. Every label is escaped.
 */
final class Charts {
  private Charts() {}

  /** One point of a line with its interval. */
  record Point(String label, OptionalDouble value, OptionalDouble low, OptionalDouble high, int n) {}

  /** NPS over time, -100 to 100, with its 95 % interval as a band. */
  static String npsOverTime(String title, List<Point> points) {
    int width = 720;
    int height = 260;
    int left = 44;
    int right = 12;
    int top = 16;
    int bottom = 40;
    double plotWidth = width - left - right;
    double plotHeight = height - top - bottom;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg class=\"chart\" role=\"img\" viewBox=\"0 0 ").append(width).append(' ').append(height)
        .append("\" aria-label=\"").append(Html.escape(title)).append("\"><title>").append(Html.escape(title))
        .append("</title>");
    for (int tick = -100; tick <= 100; tick += 50) {
      double y = top + plotHeight * (100 - tick) / 200.0;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
          left, width - right, y, y, tick == 0 ? "#9aa5b1" : "#e4e7eb"));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" "
          + "fill=\"#52606d\">%d</text>", left - 6, y + 4, tick));
    }
    int count = points.size();
    double step = count <= 1 ? 0 : plotWidth / (count - 1);
    StringBuilder band = new StringBuilder();
    StringBuilder bandBack = new StringBuilder();
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < count; i++) {
      Point point = points.get(i);
      double x = left + (count <= 1 ? plotWidth / 2 : step * i);
      if (point.value().isPresent()) {
        double y = top + plotHeight * (100 - point.value().getAsDouble()) / 200.0;
        line.append(line.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
        svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f4fd1\"><title>%s: "
            + "NPS %.0f (n=%d)</title></circle>", x, y, Html.escape(point.label()), point.value().getAsDouble(),
            point.n()));
      }
      if (point.low().isPresent() && point.high().isPresent()) {
        double high = top + plotHeight * (100 - point.high().getAsDouble()) / 200.0;
        double low = top + plotHeight * (100 - point.low().getAsDouble()) / 200.0;
        band.append(band.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, high));
        bandBack.insert(0, String.format(Locale.ROOT, " L%.1f %.1f", x, low));
      }
      if (i % Math.max(1, count / 8) == 0 || i == count - 1) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" "
            + "fill=\"#52606d\">%s</text>", x, height - 14, Html.escape(point.label())));
      }
    }
    if (band.length() > 0) {
      svg.insert(svg.indexOf("</title>") + "</title>".length(), "<path class=\"band\" d=\"" + band + bandBack
          + " Z\" fill=\"#1f4fd1\" fill-opacity=\"0.15\" stroke=\"none\"/>");
    }
    if (line.length() > 0) {
      svg.append("<path class=\"line\" d=\"").append(line).append("\" fill=\"none\" stroke=\"#1f4fd1\" "
          + "stroke-width=\"2\"/>");
    }
    return svg.append("</svg>").toString();
  }

  /** Counts as vertical bars, one per label (the 0-10 score distribution). */
  static String bars(String title, List<String> labels, List<Integer> counts, List<String> colours) {
    int width = 720;
    int height = 220;
    int top = 16;
    int bottom = 30;
    int max = counts.stream().mapToInt(Integer::intValue).max().orElse(0);
    double slot = (double) width / Math.max(1, labels.size());
    StringBuilder svg = new StringBuilder("<svg class=\"chart\" role=\"img\" viewBox=\"0 0 " + width + " " + height
        + "\" aria-label=\"" + Html.escape(title) + "\"><title>" + Html.escape(title) + "</title>");
    for (int i = 0; i < labels.size(); i++) {
      double barHeight = max == 0 ? 0 : (height - top - bottom) * counts.get(i) / (double) max;
      double x = slot * i + slot * 0.15;
      double y = height - bottom - barHeight;
      svg.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
          + "fill=\"%s\"><title>%s: %d</title></rect>", x, y, slot * 0.7, barHeight, colours.get(i),
          Html.escape(labels.get(i)), counts.get(i)));
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" "
          + "fill=\"#52606d\">%s</text>", x + slot * 0.35, height - 10, Html.escape(labels.get(i))));
      if (counts.get(i) > 0) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\" "
            + "fill=\"#1f2933\">%d</text>", x + slot * 0.35, y - 4, counts.get(i)));
      }
    }
    return svg.append("</svg>").toString();
  }
}
