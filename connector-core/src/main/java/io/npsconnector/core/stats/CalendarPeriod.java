package io.npsconnector.core.stats;

import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.Locale;
import java.util.Objects;

/**
 * A calendar period answers are grouped by. Its keys sort chronologically as plain strings (years 0 to 9999).
 */
public enum CalendarPeriod {
  /** {@code 2026-11-22}. */
  DAY,
  /** The ISO-8601 week, Monday to Sunday, in its week-based year: {@code 2026-W47}; 2024-12-30 is in {@code 2025-W01}. */
  WEEK,
  /** {@code 2026-11}. */
  MONTH,
  /** {@code 2026-Q4}. */
  QUARTER;

  /** The key of the period that holds {@code date}. */
  public String key(LocalDate date) {
    Objects.requireNonNull(date, "date");
    return switch (this) {
      case DAY -> date.toString();
      case WEEK -> String.format(Locale.ROOT, "%04d-W%02d",
          date.get(IsoFields.WEEK_BASED_YEAR), date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      case MONTH -> String.format(Locale.ROOT, "%04d-%02d", date.getYear(), date.getMonthValue());
      case QUARTER -> String.format(Locale.ROOT, "%04d-Q%d", date.getYear(), date.get(IsoFields.QUARTER_OF_YEAR));
    };
  }

  /** As written on the command line and in configuration ({@code week}). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
