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
  /** The drawing width of the charts shown on a wide screen, where the page is at least this wide. */
  static final int WIDE = 720;
  /**
   * The drawing width of the charts shown on a phone: drawn about one to one on a 390 px screen, so that their
   * 11-unit text stays at least 11 px (a wide chart squeezed to a phone would shrink it to 5 px).
   */
  static final int NARROW = 320;
  private static final int LINE_HEIGHT = 260;
  private static final int LINE_LEFT = 44;
  private static final int LINE_RIGHT = 12;
  private static final int LINE_TOP = 16;
  private static final int LINE_BOTTOM = 48;
  private static final int BAR_HEIGHT = 220;
  private static final int BAR_TOP = 16;
  private static final int BAR_BOTTOM = 30;

  private Charts() {}

  /** One point of a line with its interval. */
  record Point(String label, OptionalDouble value, OptionalDouble low, OptionalDouble high, int n) {}

  /**
   * A line chart of NPS, -100 to 100, with its interval as a band behind the line.
   *
   * @param variant {@code wide} or {@code narrow}: the style sheet shows one of them
   * @param axisLabelY the baseline of the labels under the x axis
   * @param countLabelY the baseline of the n under each label
   */
  record LineChart(String title, String variant, int width, int height, Optional<String> band, List<Tick> ticks,
      List<Mark> marks, Optional<String> line, int axisLabelY, int countLabelY) {}

  /** A horizontal grid line from {@code x1} to {@code x2} at an NPS value, labelled left of the plot. */
  record Tick(int value, int x1, int x2, String y, int labelX, String labelY, String stroke) {}

  /**
   * A point on the x axis: its dot when it has a value, its label under the axis when {@code labelled}.
   *
   * @param y the dot's height, empty when the point has no value
   * @param interval its 95 % interval in words, or ""
   * @param small fewer than 30 answers: drawn hollow and grey, too small to compare
   */
  record Mark(String x, Optional<String> y, String label, String value, String interval, int n, boolean small,
      boolean labelled) {}

  /**
   * Counts as vertical bars.
   *
   * @param variant {@code wide} or {@code narrow}: the style sheet shows one of them
   * @param labelY the baseline of the labels under the bars
   */
  record BarChart(String title, String variant, int width, int height, int labelY, List<Bar> bars) {}

  /** One bar: its box, colour, label and count; {@code centre} is the x of its texts. */
  record Bar(String x, String y, String width, String height, String colour, String label, int count, String centre,
      String countY) {}

  /** NPS over time, -100 to 100, with its 95 % interval as a band, {@code width} units wide. */
  static LineChart npsOverTime(String title, List<Point> points, int width) {
    double plotWidth = width - LINE_LEFT - LINE_RIGHT;
    double plotHeight = LINE_HEIGHT - LINE_TOP - LINE_BOTTOM;
    List<Tick> ticks = new ArrayList<>();
    for (int tick = -100; tick <= 100; tick += 50) {
      double y = LINE_TOP + plotHeight * (100 - tick) / 200.0;
      ticks.add(new Tick(tick, LINE_LEFT, width - LINE_RIGHT, decimal(y), LINE_LEFT - 6, decimal(y + 4),
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
          ? String.format(Locale.ROOT, "%+.0f", point.value().getAsDouble()) : "";
      String interval = point.low().isPresent() && point.high().isPresent() ? String.format(Locale.ROOT,
          ", 95 %% interval %+.0f to %+.0f", point.low().getAsDouble(), point.high().getAsDouble()) : "";
      // about one label per 80 units, so that labels of 8 characters never overlap; the last always
      int stride = Math.max(1, (int) Math.ceil(count / Math.max(1.0, plotWidth / 80)));
      boolean labelled = i == count - 1 || i % stride == 0 && count - 1 - i >= stride / 2 + 1;
      marks.add(new Mark(decimal(x), dot, point.label(), value, interval, point.n(),
          point.n() > 0 && point.n() < io.npsconnector.core.stats.NpsTally.MIN_N_FOR_COMPARISON, labelled));
    }
    return new LineChart(title, width == WIDE ? "wide" : "narrow", width, LINE_HEIGHT,
        band.length() == 0 ? Optional.empty() : Optional.of(band + bandBack.toString() + " Z"), ticks, marks,
        line.length() == 0 ? Optional.empty() : Optional.of(line.toString()), LINE_HEIGHT - 26, LINE_HEIGHT - 10);
  }

  /** Counts as vertical bars, one per label (the 0-10 score distribution), {@code width} units wide. */
  static BarChart bars(String title, List<String> labels, List<Integer> counts, List<String> colours, int width) {
    int max = counts.stream().mapToInt(Integer::intValue).max().orElse(0);
    double slot = (double) width / Math.max(1, labels.size());
    List<Bar> bars = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      double barHeight = max == 0 ? 0 : (BAR_HEIGHT - BAR_TOP - BAR_BOTTOM) * counts.get(i)
          / (double) max;
      double x = slot * i + slot * 0.15;
      double y = BAR_HEIGHT - BAR_BOTTOM - barHeight;
      bars.add(new Bar(decimal(x), decimal(y), decimal(slot * 0.7), decimal(barHeight), colours.get(i),
          labels.get(i), counts.get(i), decimal(x + slot * 0.35), decimal(y - 4)));
    }
    return new BarChart(title, width == WIDE ? "wide" : "narrow", width, BAR_HEIGHT, BAR_HEIGHT - 10, bars);
  }

  /** A coordinate with one decimal. */
  private static String decimal(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
