package io.npsconnector.app.web;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import io.npsconnector.core.stats.CalendarPeriod;
import io.npsconnector.core.stats.ConfidenceInterval;
import io.npsconnector.core.stats.NpsComparison;
import io.npsconnector.core.stats.NpsTally;
import io.npsconnector.core.store.ReportRepository;

/**
 * NPS per week, month or quarter of the filter's range, the periods beginning and ending in the reporting zone;
 * every period with its n and 95 % interval, those under 30 answers marked too small; the change between the
 * last two periods called significant only by {@link NpsComparison} (README, "NPS definitions").
 */
final class Trend {
  private Trend() {}

  static TrendView of(DashboardFilter filter, ReportRepository reports, ZoneId zone) {
    CalendarPeriod period = filter.period();
    List<String> keys = new ArrayList<>();
    List<Instant> boundaries = new ArrayList<>();
    LocalDate start = start(period, filter.from());
    for (; !start.isAfter(filter.to()); start = next(period, start)) {
      keys.add(period.key(start));
      boundaries.add(start.atStartOfDay(zone).toInstant());
    }
    boundaries.add(start.atStartOfDay(zone).toInstant());
    // an answer's period is that of its date in the zone: the span from its first day's start to the next's
    List<NpsTally> counted = reports.tallyBetween(filter.answers(), boundaries);
    Map<String, NpsTally> tallies = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      tallies.put(keys.get(i), counted.get(i));
    }
    List<Charts.Point> points = new ArrayList<>();
    List<TrendView.Period> periods = new ArrayList<>();
    tallies.forEach((key, tally) -> {
      Optional<ConfidenceInterval> ci = tally.ci95();
      points.add(new Charts.Point(key, tally.nps(), ci.map(c -> OptionalDouble.of(c.low())).orElse(OptionalDouble.empty()),
          ci.map(c -> OptionalDouble.of(c.high())).orElse(OptionalDouble.empty()), tally.n()));
      periods.add(new TrendView.Period(key, tally.nps().isPresent()
          ? String.format(Locale.ROOT, "%+.0f", tally.nps().getAsDouble()) : "—",
          ci.map(c -> String.format(Locale.ROOT, "%+.0f to %+.0f", c.low(), c.high())).orElse("—"), tally.n(),
          tally.tooSmallToCompare()));
    });
    String title = "NPS by " + period.id() + " with its 95 % interval, " + filter.from() + " to " + filter.to();
    String heading = "NPS over time by " + period.id() + ", " + filter.from() + " to " + filter.to() + " (" + (zone.equals(java.time.ZoneOffset.UTC) ? "UTC" : zone.getId()) + ")";
    return new TrendView(heading, Charts.npsOverTime(title, points, Charts.WIDE),
        Charts.npsOverTime(title, points, Charts.NARROW), periods, change(tallies));
  }

  /** The change from the second-last to the last period, and whether it is significant. */
  static Optional<String> change(Map<String, NpsTally> tallies) {
    if (tallies.size() < 2) {
      return Optional.empty();
    }
    List<Map.Entry<String, NpsTally>> entries = new ArrayList<>(tallies.entrySet());
    Map.Entry<String, NpsTally> earlier = entries.get(entries.size() - 2);
    Map.Entry<String, NpsTally> later = entries.get(entries.size() - 1);
    NpsComparison comparison = NpsComparison.of(earlier.getValue(), later.getValue());
    String between = "From " + earlier.getKey() + " (n=" + earlier.getValue().n() + ") to " + later.getKey()
        + " (n=" + later.getValue().n() + ")";
    if (comparison.difference().isEmpty()) {
      return Optional.of(between + ": no change to show, a period has no answers.");
    }
    String change = String.format(Locale.ROOT, "%s: %+.0f points, 95 %% interval %+.0f to %+.0f", between,
        comparison.difference().getAsDouble(), comparison.ci95().orElseThrow().low(),
        comparison.ci95().orElseThrow().high());
    if (comparison.warning().isPresent()) {
      return Optional.of(change + ". Not compared: " + comparison.warning().get() + ".");
    }
    return Optional.of(change + (comparison.significant() ? ". Significant: the interval excludes zero."
        : ". Not significant: the interval includes zero."));
  }

  /** The first day of the period that holds {@code date}. */
  static LocalDate start(CalendarPeriod period, LocalDate date) {
    return switch (period) {
      case DAY -> date;
      case WEEK -> date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTH -> date.withDayOfMonth(1);
      case QUARTER -> date.with(IsoFields.DAY_OF_QUARTER, 1);
    };
  }

  private static LocalDate next(CalendarPeriod period, LocalDate start) {
    return switch (period) {
      case DAY -> start.plusDays(1);
      case WEEK -> start.plusWeeks(1);
      case MONTH -> start.plusMonths(1);
      case QUARTER -> start.plusMonths(3);
    };
  }
}
