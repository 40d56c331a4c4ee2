package io.npsconnector.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as admins write them: ISO-8601 ({@code P3D}, {@code PT12H}) or {@code 3d}, {@code 12h}, {@code 1h30m}. */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(?:\\d+[wdhms])+");
  private static final Pattern PART = Pattern.compile("(\\d+)([wdhms])");

  private Durations() {}

  /** Parses {@code text}, or returns empty when it is neither form (or overflows). */
  public static Optional<Duration> parse(String text) {
    String value = text.strip();
    try {
      if (value.regionMatches(true, 0, "P", 0, 1)) {
        return Optional.of(parseIso(value.toUpperCase(Locale.ROOT)));
      }
      String lower = value.toLowerCase(Locale.ROOT);
      if (!SHORT.matcher(lower).matches()) {
        return Optional.empty();
      }
      Duration total = Duration.ZERO;
      Matcher part = PART.matcher(lower);
      while (part.find()) {
        long amount = Long.parseLong(part.group(1));
        total = total.plus(switch (part.group(2)) {
          case "w" -> Duration.ofDays(Math.multiplyExact(amount, 7));
          case "d" -> Duration.ofDays(amount);
          case "h" -> Duration.ofHours(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofSeconds(amount);
        });
      }
      return Optional.of(total);
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** ISO-8601 durations, also with weeks ({@code P2W}) which {@link Duration#parse} refuses. */
  private static Duration parseIso(String value) {
    Matcher weeks = Pattern.compile("P(\\d+)W").matcher(value);
    if (weeks.matches()) {
      return Duration.ofDays(Math.multiplyExact(Long.parseLong(weeks.group(1)), 7));
    }
    Duration duration = Duration.parse(value);
    if (duration.isNegative()) {
      throw new DateTimeParseException("negative", value, 0);
    }
    return duration;
  }

  /** The short form of a duration, as the configuration would write it: {@code 3d}, {@code 1h30m}. */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder text = new StringBuilder();
    long days = duration.toDays();
    if (days > 0) {
      text.append(days).append('d');
    }
    if (duration.toHoursPart() > 0) {
      text.append(duration.toHoursPart()).append('h');
    }
    if (duration.toMinutesPart() > 0) {
      text.append(duration.toMinutesPart()).append('m');
    }
    if (duration.toSecondsPart() > 0) {
      text.append(duration.toSecondsPart()).append('s');
    }
    return text.toString();
  }
}
