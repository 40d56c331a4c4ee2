package io.npsconnector.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CalendarPeriodTest {
  @ParameterizedTest(name = "{0} is day {1}")
  @CsvSource({"2026-11-22, 2026-11-22", "2027-01-01, 2027-01-01", "0999-03-04, 0999-03-04"})
  void dayKeyIsTheIsoDate(LocalDate date, String key) {
    assertThat(CalendarPeriod.DAY.key(date)).isEqualTo(key);
  }

  @ParameterizedTest(name = "{0} is in week {1}")
  @CsvSource({
    "2026-11-22, 2026-W47", // a Sunday ends its ISO week
    "2026-11-23, 2026-W48", // the Monday after starts the next
    "2026-12-31, 2026-W53", // 2026 starts on a Thursday, so it has 53 weeks
    "2027-01-01, 2026-W53", // New Year's Day 2027 is still in the last week of 2026
    "2027-01-03, 2026-W53",
    "2027-01-04, 2027-W01",
    "2024-12-30, 2025-W01", // a Monday in December already in the first week of 2025
    "2025-01-01, 2025-W01",
    "2021-01-03, 2020-W53",
    "2026-01-05, 2026-W02"
  })
  void weekKeyUsesTheIsoWeekBasedYear(LocalDate date, String key) {
    assertThat(CalendarPeriod.WEEK.key(date)).isEqualTo(key);
  }

  @ParameterizedTest(name = "{0} is in month {1}")
  @CsvSource({"2026-11-22, 2026-11", "2026-01-31, 2026-01", "2024-12-30, 2024-12", "2027-01-01, 2027-01"})
  void monthKeyIsYearAndMonth(LocalDate date, String key) {
    assertThat(CalendarPeriod.MONTH.key(date)).isEqualTo(key);
  }

  @ParameterizedTest(name = "{0} is in quarter {1}")
  @CsvSource({
    "2026-01-01, 2026-Q1", "2026-03-31, 2026-Q1", "2026-04-01, 2026-Q2", "2026-06-30, 2026-Q2",
    "2026-07-01, 2026-Q3", "2026-09-30, 2026-Q3", "2026-10-01, 2026-Q4", "2026-12-31, 2026-Q4",
    "2027-01-01, 2027-Q1", "2024-12-30, 2024-Q4"
  })
  void quarterKeyIsYearAndQuarterOfTheCalendarYear(LocalDate date, String key) {
    assertThat(CalendarPeriod.QUARTER.key(date)).isEqualTo(key);
  }

  @ParameterizedTest(name = "{0}: {1} < {2}")
  @CsvSource({
    "DAY, 2026-09-30, 2026-10-01",
    "WEEK, 2026-03-01, 2026-11-22",
    "WEEK, 2026-12-31, 2027-01-04",
    "MONTH, 2026-09-15, 2026-10-15",
    "QUARTER, 2026-12-31, 2027-01-01"
  })
  void keysSortChronologicallyAsStrings(CalendarPeriod period, LocalDate earlier, LocalDate later) {
    assertThat(period.key(earlier)).isLessThan(period.key(later));
  }

  @ParameterizedTest
  @CsvSource({"DAY, day", "WEEK, week", "MONTH, month", "QUARTER, quarter"})
  void idIsTheLowerCaseName(CalendarPeriod period, String id) {
    assertThat(period.id()).isEqualTo(id);
  }
}
