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
  private Charts() {}

  /** One point of a line with its interval. */
  record Point(String label, OptionalDouble value, OptionalDouble low, OptionalDouble high, int n) {}

  /** A line chart of NPS, -100 to 100, 720 by 260, with its interval as a band behind the line. */
  record LineChart(String title, Optional<String> band, List<Tick> ticks, List<Mark> marks, Optional<String> line) {
    static final int WIDTH = 720;
    static final int HEIGHT = 260;
    static final int LEFT = 44;
    static final int RIGHT = 12;
    static final int TOP = 16;
    static final int BOTTOM = 40;

    int width() {
      return WIDTH;
    }

    int height() {
      return HEIGHT;
    }

    int plotLeft() {
      return LEFT;
    }

    int plotRight() {
      return WIDTH - RIGHT;
    }

    int tickLabelX() {
      return LEFT - 6;
    }

    int axisLabelY() {
      return HEIGHT - 14;
    }
  }

  /** A horizontal grid line at an NPS value; the zero line is darker. */
  record Tick(int value, String y, String labelY, String stroke) {}

  /**
   * A point on the x axis: its dot when it has a value, its label under the axis when {@code labelled}.
   *
   * @param y the dot's height, empty when the point has no value
   */
  record Mark(String x, Optional<String> y, String label, String value, int n, boolean labelled) {}

  /** Counts as vertical bars, 720 by 220. */
  record BarChart(String title, List<Bar> bars) {
    static final int WIDTH = 720;
    static final int HEIGHT = 220;
    static final int TOP = 16;
    static final int BOTTOM = 30;

    int width() {
      return WIDTH;
    }

    int height() {
      return HEIGHT;
    }

    int labelY() {
      return HEIGHT - 10;
    }
  }

  /** One bar: its box, colour, label and count; {@code centre} is the x of its texts. */
  record Bar(String x, String y, String width, String height, String colour, String label, int count, String centre,
      String countY) {}

  /** NPS over time, -100 to 100, with its 95 % interval as a band. */
  static LineChart npsOverTime(String title, List<Point> points) {
    double plotWidth = LineChart.WIDTH - LineChart.LEFT - LineChart.RIGHT;
    double plotHeight = LineChart.HEIGHT - LineChart.TOP - LineChart.BOTTOM;
    List<Tick> ticks = new ArrayList<>();
    for (int tick = -100; tick <= 100; tick += 50) {
      double y = LineChart.TOP + plotHeight * (100 - tick) / 200.0;
      ticks.add(new Tick(tick, decimal(y), decimal(y + 4), tick == 0 ? "#9aa5b1" : "#e4e7eb"));
    }
    int count = points.size();
    double step = count <= 1 ? 0 : plotWidth / (count - 1);
    StringBuilder band = new StringBuilder();
    StringBuilder bandBack = new StringBuilder();
    StringBuilder line = new StringBuilder();
    List<Mark> marks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Point point = points.get(i);
      double x = LineChart.LEFT + (count <= 1 ? plotWidth / 2 : step * i);
      Optional<String> dot = Optional.empty();
      if (point.value().isPresent()) {
        double y = LineChart.TOP + plotHeight * (100 - point.value().getAsDouble()) / 200.0;
        line.append(line.length() == 0 ? "M" : " L").append(decimal(x)).append(' ').append(decimal(y));
        dot = Optional.of(decimal(y));
      }
      if (point.low().isPresent() && point.high().isPresent()) {
        double high = LineChart.TOP + plotHeight * (100 - point.high().getAsDouble()) / 200.0;
        double low = LineChart.TOP + plotHeight * (100 - point.low().getAsDouble()) / 200.0;
        band.append(band.length() == 0 ? "M" : " L").append(decimal(x)).append(' ').append(decimal(high));
        bandBack.insert(0, " L" + decimal(x) + " " + decimal(low));
      }
      String value = point.value().isPresent()
          ? String.format(Locale.ROOT, "%.0f", point.value().getAsDouble()) : "";
      marks.add(new Mark(decimal(x), dot, point.label(), value, point.n(),
          i % Math.max(1, count / 8) == 0 || i == count - 1));
    }
    return new LineChart(title, band.length() == 0 ? Optional.empty() : Optional.of(band + bandBack.toString() + " Z"),
        ticks, marks, line.length() == 0 ? Optional.empty() : Optional.of(line.toString()));
  }

  /** Counts as vertical bars, one per label (the 0-10 score distribution). */
  static BarChart bars(String title, List<String> labels, List<Integer> counts, List<String> colours) {
    int max = counts.stream().mapToInt(Integer::intValue).max().orElse(0);
    double slot = (double) BarChart.WIDTH / Math.max(1, labels.size());
    List<Bar> bars = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      double barHeight = max == 0 ? 0 : (BarChart.HEIGHT - BarChart.TOP - BarChart.BOTTOM) * counts.get(i)
          / (double) max;
      double x = slot * i + slot * 0.15;
      double y = BarChart.HEIGHT - BarChart.BOTTOM - barHeight;
      bars.add(new Bar(decimal(x), decimal(y), decimal(slot * 0.7), decimal(barHeight), colours.get(i),
          labels.get(i), counts.get(i), decimal(x + slot * 0.35), decimal(y - 4)));
    }
    return new BarChart(title, bars);
  }

  /** A coordinate with one decimal. */
  private static String decimal(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
