package io.npsconnector.core.trigger;

import io.npsconnector.config.SendWindowConfig;
import io.npsconnector.config.SendWindowConfig.QuietHours;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * When invitations may go out: allowed weekdays and quiet hours, read in a contact's own time zone.
 *
 * <p>Contract: immutable and thread-safe; pure (no clock, no I/O). {@link #next} returns the first
 * instant at or after the one given that falls on an allowed weekday and outside the quiet hours
 * ({@code start} inclusive, {@code end} exclusive, possibly wrapping midnight). Local times follow
 * the zone's rules on that date: when the window opens at a local time that a spring-forward gap
 * skips, it opens at the end of the gap; when it opens at a local time that an autumn overlap
 * repeats, it opens at the earlier of the two instants not before the one given.
 */
public final class SendWindow {
  /** A week of day skips and quiet-hour ends with room to spare; more means a bug, not a long wait. */
  private static final int MAX_STEPS = 32;

  private final Optional<QuietHours> quietHours;
  private final Set<DayOfWeek> weekdays;

  private SendWindow(Optional<QuietHours> quietHours, Set<DayOfWeek> weekdays) {
    this.quietHours = quietHours;
    this.weekdays = weekdays;
  }

  /**
   * The window a configuration describes.
   *
   * @throws IllegalArgumentException when it allows no weekday at all
   */
  public static SendWindow of(SendWindowConfig config) {
    Objects.requireNonNull(config, "config");
    if (config.weekdays().isEmpty()) {
      throw new IllegalArgumentException("a send window needs at least one weekday, got none");
    }
    return new SendWindow(config.quietHours(), EnumSet.copyOf(config.weekdays()));
  }

  /** True when {@code instant} is on an allowed weekday and outside the quiet hours in {@code zone}. */
  public boolean allows(Instant instant, ZoneId zone) {
    ZonedDateTime local = instant.atZone(zone);
    return weekdays.contains(local.getDayOfWeek()) && !quiet(local.toLocalTime());
  }

  /** The first instant at or after {@code earliest} that the window allows in {@code zone}. */
  public Instant next(Instant earliest, ZoneId zone) {
    Objects.requireNonNull(earliest, "earliest");
    Objects.requireNonNull(zone, "zone");
    ZonedDateTime at = earliest.atZone(zone);
    for (int step = 0; step < MAX_STEPS; step++) {
      if (!weekdays.contains(at.getDayOfWeek())) {
        at = at.toLocalDate().plusDays(1).atStartOfDay(zone);
      } else if (quiet(at.toLocalTime())) {
        at = quietEnd(at, quietHours.orElseThrow().end());
      } else {
        return at.toInstant();
      }
    }
    throw new IllegalStateException("no sending time found within a week after " + earliest + " in " + zone
        + " for " + this);
  }

  private boolean quiet(LocalTime time) {
    return quietHours.isPresent() && quietHours.get().contains(time);
  }

  /** Where the quiet hours that contain {@code at} end: today, or tomorrow when they wrap midnight. */
  private static ZonedDateTime quietEnd(ZonedDateTime at, LocalTime end) {
    LocalDate day = at.toLocalTime().isBefore(end) ? at.toLocalDate() : at.toLocalDate().plusDays(1);
    return firstAtOrAfter(day.atTime(end), at);
  }

  /**
   * The instant at local {@code time} that is not before {@code notBefore}: the end of the gap when
   * that local time does not exist, the earlier offset in an overlap unless that would go back in time.
   */
  private static ZonedDateTime firstAtOrAfter(LocalDateTime time, ZonedDateTime notBefore) {
    ZoneId zone = notBefore.getZone();
    ZoneRules rules = zone.getRules();
    List<ZoneOffset> offsets = rules.getValidOffsets(time);
    if (offsets.isEmpty()) {
      ZoneOffsetTransition gap = rules.getTransition(time);
      return gap.getInstant().atZone(zone);
    }
    List<ZonedDateTime> candidates = offsets.stream()
        .map(offset -> ZonedDateTime.ofStrict(time, offset, zone))
        .sorted(Comparator.comparing(ZonedDateTime::toInstant))
        .toList();
    for (ZonedDateTime candidate : candidates) {
      if (!candidate.isBefore(notBefore)) {
        return candidate;
      }
    }
    // unreachable while time is later on the clock than notBefore; kept total rather than clever
    return candidates.get(candidates.size() - 1);
  }

  @Override
  public String toString() {
    return "SendWindow[weekdays=" + weekdays + ", quietHours=" + quietHours.map(Object::toString).orElse("none") + "]";
  }
}
