package io.npsconnector.app.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The geometry of the dashboard's charts, drawn as inline SVG by {@code web/linechart.jte} and
 * {@code web/barchart.jte}: no script, nothing fetched, so they render under the strict Content-Security-Policy
 * and in any browser. Coordinates are formatted here; every label is escaped by the templates.
 */
final class Charts {
  private static final int LINE_WIDTH = 720;
  private static final int LINE_HEIGHT = 260;
  private static final int LINE_LEFT = 44;
  private static final int LINE_RIGHT = 12;
  private static final int LINE_TOP = 16;
  private static final int LINE_BOTTOM = 40;
  private static final int BAR_WIDTH = 720;
  private static final int BAR_HEIGHT = 220;
  private static final int BAR_TOP = 16;
  private static final int BAR_BOTTOM = 30;

  private Charts() {}

  /** One point of a line with its interval. */
  record Point(String label, OptionalDouble value, OptionalDouble low, OptionalDouble high, int n) {}

  /**
   * A line chart of NPS, -100 to 100, with its interval as a band behind the line.
   *
   * @param axisLabelY the baseline of the labels under the x axis
   */
  record LineChart(String title, int width, int height, Optional<String> band, List<Tick> ticks, List<Mark> marks,
      Optional<String> line, int axisLabelY) {}

  /** A horizontal grid line from {@code x1} to {@code x2} at an NPS value, labelled left of the plot. */
  record Tick(int value, int x1, int x2, String y, int labelX, String labelY, String stroke) {}

  /**
   * A point on the x axis: its dot when it has a value, its label under the axis when {@code labelled}.
   *
   * @param y the dot's height, empty when the point has no value
   */
  record Mark(String x, Optional<String> y, String label, String value, int n, boolean labelled) {}

  /**
   * Counts as vertical bars.
   *
   * @param labelY the baseline of the labels under the bars
   */
  record BarChart(String title, int width, int height, int labelY, List<Bar> bars) {}

  /** One bar: its box, colour, label and count; {@code centre} is the x of its texts. */
  record Bar(String x, String y, String width, String height, String colour, String label, int count, String centre,
      String countY) {}

  /** NPS over time, -100 to 100, with its 95 % interval as a band. */
  static LineChart npsOverTime(String title, List<Point> points) {
    double plotWidth = LINE_WIDTH - LINE_LEFT - LINE_RIGHT;
    double plotHeight = LINE_HEIGHT - LINE_TOP - LINE_BOTTOM;
    List<Tick> ticks = new ArrayList<>();
    for (int tick = -100; tick <= 100; tick += 50) {
      double y = LINE_TOP + plotHeight * (100 - tick) / 200.0;
      ticks.add(new Tick(tick, LINE_LEFT, LINE_WIDTH - LINE_RIGHT, decimal(y), LINE_LEFT - 6, decimal(y + 4),
          tick == 0 ? "#9aa5b1" : "#e4e7eb"));
    }
    int count = points.size();
    double step = count <= 1 ? 0 : plotWidth / (count - 1);
    StringBuilder band = new StringBuilder();
    StringBuilder bandBack = new StringBuilder();
    StringBuilder line = new StringBuilder();
    List<Mark> marks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Point point = points.get(i);
      double x = LINE_LEFT + (count <= 1 ? plotWidth / 2 : step * i);
      Optional<String> dot = Optional.empty();
      if (point.value().isPresent()) {
        double y = LINE_TOP + plotHeight * (100 - point.value().getAsDouble()) / 200.0;
        line.append(line.length() == 0 ? "M" : " L").append(decimal(x)).append(' ').append(decimal(y));
        dot = Optional.of(decimal(y));
      }
      if (point.low().isPresent() && point.high().isPresent()) {
        double high = LINE_TOP + plotHeight * (100 - point.high().getAsDouble()) / 200.0;
        double low = LINE_TOP + plotHeight * (100 - point.low().getAsDouble()) / 200.0;
        band.append(band.length() == 0 ? "M" : " L").append(decimal(x)).append(' ').append(decimal(high));
        bandBack.insert(0, " L" + decimal(x) + " " + decimal(low));
      }
      String value = point.value().isPresent()
          ? String.format(Locale.ROOT, "%.0f", point.value().getAsDouble()) : "";
      marks.add(new Mark(decimal(x), dot, point.label(), value, point.n(),
          i % Math.max(1, count / 8) == 0 || i == count - 1));
    }
    return new LineChart(title, LINE_WIDTH, LINE_HEIGHT,
        band.length() == 0 ? Optional.empty() : Optional.of(band + bandBack.toString() + " Z"), ticks, marks,
        line.length() == 0 ? Optional.empty() : Optional.of(line.toString()), LINE_HEIGHT - 14);
  }

  /** Counts as vertical bars, one per label (the 0-10 score distribution). */
  static BarChart bars(String title, List<String> labels, List<Integer> counts, List<String> colours) {
    int max = counts.stream().mapToInt(Integer::intValue).max().orElse(0);
    double slot = (double) BAR_WIDTH / Math.max(1, labels.size());
    List<Bar> bars = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      double barHeight = max == 0 ? 0 : (BAR_HEIGHT - BAR_TOP - BAR_BOTTOM) * counts.get(i)
          / (double) max;
      double x = slot * i + slot * 0.15;
      double y = BAR_HEIGHT - BAR_BOTTOM - barHeight;
      bars.add(new Bar(decimal(x), decimal(y), decimal(slot * 0.7), decimal(barHeight), colours.get(i),
          labels.get(i), counts.get(i), decimal(x + slot * 0.35), decimal(y - 4)));
    }
    return new BarChart(title, BAR_WIDTH, BAR_HEIGHT, BAR_HEIGHT - 10, bars);
  }

  /** A coordinate with one decimal. */
  private static String decimal(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
