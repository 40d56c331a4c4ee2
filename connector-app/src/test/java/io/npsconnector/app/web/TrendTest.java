package io.npsconnector.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.npsconnector.core.stats.CalendarPeriod;
import io.npsconnector.core.stats.NpsTally;

/** The change between the last two periods, in the words the dashboard shows, and the periods' first days. */
class TrendTest {
  @Test
  void aLargeChangeBetweenTwoPeriodsOfThirtyOrMoreIsSignificant() {
    assertThat(Trend.change(periods(NpsTally.of(10, 10, 20), NpsTally.of(30, 5, 5))).orElseThrow())
        .startsWith("From 2026-10 (n=40) to 2026-11 (n=40): +88 points")
        .endsWith("Significant: the interval excludes zero.");
  }

  @Test
  void aSmallChangeIsNotSignificant() {
    assertThat(Trend.change(periods(NpsTally.of(15, 10, 15), NpsTally.of(16, 10, 14))).orElseThrow())
        .contains(": +5 points").endsWith("Not significant: the interval includes zero.");
  }

  @Test
  void aPeriodUnderThirtyAnswersIsNotComparedHoweverLargeTheChange() {
    assertThat(Trend.change(periods(NpsTally.of(0, 0, 20), NpsTally.of(20, 0, 0))).orElseThrow())
        .contains(": +200 points").contains("Not compared: the earlier period has n = 20 and the later period "
            + "has n = 20, below the 30 answers a comparison needs.")
        .doesNotContain("Significant");
  }

  @Test
  void periodsStartOnMondayTheFirstOfTheMonthAndTheFirstOfTheQuarter() {
    LocalDate sunday = LocalDate.parse("2026-11-22");
    assertThat(Trend.start(CalendarPeriod.WEEK, sunday)).isEqualTo(LocalDate.parse("2026-11-16"));
    assertThat(Trend.start(CalendarPeriod.MONTH, sunday)).isEqualTo(LocalDate.parse("2026-11-01"));
    assertThat(Trend.start(CalendarPeriod.QUARTER, sunday)).isEqualTo(LocalDate.parse("2026-10-01"));
  }

  private static Map<String, NpsTally> periods(NpsTally earlier, NpsTally later) {
    Map<String, NpsTally> periods = new LinkedHashMap<>();
    periods.put("2026-09", NpsTally.EMPTY);
    periods.put("2026-10", earlier);
    periods.put("2026-11", later);
    return periods;
  }
}
