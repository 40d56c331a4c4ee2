package io.npsconnector.bench;

import java.util.Locale;
import java.util.Optional;

/**
 * One line of the benchmark's table: what was measured, our figure, the reference it is compared with (a bare pull,
 * the bound the CRM's limits set, or a required rate), their ratio, the target and whether it is met.
 *
 * @param ratio ours divided by the reference, when the row compares
 * @param verdict {@code PASS}, {@code FAIL}, or {@code -} for a figure without a target
 */
record Row(String id, String work, String ours, String reference, Optional<Double> ratio, String target,
    String verdict) {
  static final String PASS = "PASS";
  static final String FAIL = "FAIL";
  static final String NONE = "-";

  /** A ratio that must be at most {@code max}. */
  static Row atMost(String id, String work, String ours, String reference, double ratio, double max) {
    return new Row(id, work, ours, reference, Optional.of(ratio), "<= " + times(max), ratio <= max ? PASS : FAIL);
  }

  /** A ratio that must be at least {@code min}. */
  static Row atLeast(String id, String work, String ours, String reference, double ratio, double min) {
    return new Row(id, work, ours, reference, Optional.of(ratio), ">= " + times(min), ratio >= min ? PASS : FAIL);
  }

  /** A ratio shown without a target. */
  static Row ratio(String id, String work, String ours, String reference, double ratio) {
    return new Row(id, work, ours, reference, Optional.of(ratio), NONE, NONE);
  }

  /** A figure without reference or target. */
  static Row figure(String id, String work, String ours) {
    return new Row(id, work, ours, NONE, Optional.empty(), NONE, NONE);
  }

  /** A fact that must hold (no 429s, every contact stored). */
  static Row check(String id, String work, String ours, String expected, boolean holds) {
    return new Row(id, work, ours, expected, Optional.empty(), "= " + expected, holds ? PASS : FAIL);
  }

  /** A figure that must stay at most {@code max} (a pass with nothing due, in seconds). */
  static Row below(String id, String work, String ours, double value, double max, String unit) {
    return new Row(id, work, ours, NONE, Optional.empty(), "<= " + number(max) + " " + unit,
        value <= max ? PASS : FAIL);
  }

  String ratioText() {
    return ratio.map(Row::times).orElse(NONE);
  }

  static String times(double value) {
    return String.format(Locale.ROOT, "%.2fx", value);
  }

  static String seconds(double value) {
    return String.format(Locale.ROOT, value < 10 ? "%.2f s" : "%.1f s", value);
  }

  static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) value)
        : String.format(Locale.ROOT, "%,.1f", value);
  }

  static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1_048_576.0);
  }
}
