package io.npsconnector.config;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When invitations may go out, in each contact's own time zone.
 *
 * @param quietHours no sending from {@code start} (inclusive) to {@code end} (exclusive); may wrap midnight
 * @param weekdays the days sending is allowed on
 */
public record SendWindowConfig(Optional<QuietHours> quietHours, Set<DayOfWeek> weekdays) {
  public static final QuietHours DEFAULT_QUIET_HOURS = new QuietHours(LocalTime.of(20, 0), LocalTime.of(9, 0));
  public static final Set<DayOfWeek> DEFAULT_WEEKDAYS = java.util.Collections.unmodifiableSet(
      EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
  private static final Pattern RANGE = Pattern.compile("(\\d{1,2}:\\d{2})\\s*-\\s*(\\d{1,2}:\\d{2})");

  public SendWindowConfig {
    weekdays = weekdays.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(EnumSet.copyOf(weekdays));
  }

  /** A daily span of local time; {@code start} after {@code end} wraps past midnight. */
  public record QuietHours(LocalTime start, LocalTime end) {
    public boolean contains(LocalTime time) {
      return start.isBefore(end)
          ? !time.isBefore(start) && time.isBefore(end)
          : !time.isBefore(start) || time.isBefore(end);
    }

    @Override
    public String toString() {
      return start + "-" + end;
    }
  }

  static SendWindowConfig read(Section window) {
    Optional<QuietHours> quietHours = Optional.of(DEFAULT_QUIET_HOURS);
    if (window.has("quiet-hours")) {
      quietHours = window.parsed("quiet-hours", SendWindowConfig::quietHours).orElse(Optional.of(DEFAULT_QUIET_HOURS));
    }
    Set<DayOfWeek> weekdays = DEFAULT_WEEKDAYS;
    if (window.has("weekdays")) {
      List<String> names = window.texts("weekdays");
      EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      for (int i = 0; i < names.size(); i++) {
        Optional<DayOfWeek> day = day(names.get(i));
        if (day.isEmpty()) {
          window.problemAtItem("weekdays", i, "unknown weekday '" + names.get(i) + "'; write mon, tue, wed, thu, "
              + "fri, sat or sun");
        } else if (!days.add(day.get())) {
          window.problemAtItem("weekdays", i, "lists " + names.get(i) + " twice");
        }
      }
      if (names.isEmpty()) {
        window.problem("weekdays", "must name at least one day");
      }
      weekdays = days.isEmpty() ? DEFAULT_WEEKDAYS : days;
    }
    window.finish();
    return new SendWindowConfig(quietHours, weekdays);
  }

  private static Section.Parsed<Optional<QuietHours>> quietHours(String text) {
    if (text.equalsIgnoreCase("none") || text.equalsIgnoreCase("off")) {
      return Section.Parsed.of(Optional.empty());
    }
    Matcher range = RANGE.matcher(text);
    String hint = "must be a span of local time such as 20:00-09:00, or 'none', got '" + text + "'";
    if (!range.matches()) {
      return Section.Parsed.error(hint);
    }
    try {
      LocalTime start = LocalTime.parse(pad(range.group(1)));
      LocalTime end = LocalTime.parse(pad(range.group(2)));
      if (start.equals(end)) {
        return Section.Parsed.error("starts and ends at the same time (" + text + "); write 'none' for no quiet hours");
      }
      return Section.Parsed.of(Optional.of(new QuietHours(start, end)));
    } catch (DateTimeParseException e) {
      return Section.Parsed.error(hint);
    }
  }

  private static String pad(String time) {
    return time.length() == 4 ? "0" + time : time;
  }

  private static Optional<DayOfWeek> day(String name) {
    String lower = name.strip().toLowerCase(Locale.ROOT);
    for (DayOfWeek day : DayOfWeek.values()) {
      String full = day.name().toLowerCase(Locale.ROOT);
      if (lower.equals(full) || lower.equals(full.substring(0, 3))) {
        return Optional.of(day);
      }
    }
    return Optional.empty();
  }
}
