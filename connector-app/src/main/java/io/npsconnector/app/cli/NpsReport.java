package io.npsconnector.app.cli;

import io.npsconnector.core.stats.NpsTally;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code report} prints, whatever the format: the overall row and one row per group, in order.
 *
 * @param groups empty when no grouping was asked
 */
record NpsReport(Row overall, List<Row> groups) {
  static final String OVERALL = "overall";

  NpsReport {
    Objects.requireNonNull(overall, "overall");
    groups = List.copyOf(groups);
  }

  /** One row: its key as shown ({@code 2026-Q4 / EMEA}) and its tally. */
  record Row(String key, NpsTally tally) {
    Row {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(tally, "tally");
    }

    /** NPS in points rounded half-up to 0.1; empty when n is 0. */
    Optional<BigDecimal> nps() {
      return tally.nps().isPresent() ? Optional.of(points(tally.nps().getAsDouble())) : Optional.empty();
    }

    /** The 95 % interval with its bounds rounded as {@link #nps()}; empty when n is 0. */
    Optional<Interval> ci95() {
      return tally.ci95().map(ci -> new Interval(points(ci.low()), points(ci.high())));
    }

    /** Too few answers to compare this row with another. */
    boolean small() {
      return tally.tooSmallToCompare();
    }
  }

  /** A 95 % interval as shown, in points rounded to 0.1. */
  record Interval(BigDecimal low, BigDecimal high) {}

  // BigDecimal.valueOf reads the shortest decimal that gives the double back, so 12.25 does round up to 12.3
  private static BigDecimal points(double value) {
    return BigDecimal.valueOf(value).setScale(1, RoundingMode.HALF_UP);
  }
}
