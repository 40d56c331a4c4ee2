package io.npsconnector.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the instances sharing one store split the work and take over from a dead one.
 *
 * @param instanceName names this process in its claims; empty for the default, derived from the host name and
 *     the store's place, the same after a restart, so that a restarted instance takes its own claims back at once
 * @param heartbeat how often a running instance renews its claims
 * @param missedHeartbeats a claim not renewed for this many heartbeats is a dead instance's, revived elsewhere
 * @param poll how often an instance looks for work that has come due
 */
public record SchedulerConfig(Optional<String> instanceName, Duration heartbeat, int missedHeartbeats,
    Duration poll) {
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(3);
  /** db-scheduler's floor. */
  public static final int MIN_MISSED_HEARTBEATS = 4;
  public static final int DEFAULT_MISSED_HEARTBEATS = MIN_MISSED_HEARTBEATS;
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(5);
  /** db-scheduler's {@code picked_by} column holds 100 characters. */
  public static final int MAX_NAME_LENGTH = 100;
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  public SchedulerConfig {
    Objects.requireNonNull(instanceName, "instanceName");
    Objects.requireNonNull(heartbeat, "heartbeat");
    Objects.requireNonNull(poll, "poll");
  }

  public static SchedulerConfig defaults() {
    return new SchedulerConfig(Optional.empty(), DEFAULT_HEARTBEAT, DEFAULT_MISSED_HEARTBEATS, DEFAULT_POLL);
  }

  static SchedulerConfig read(Section scheduler) {
    Optional<String> name = scheduler.parsed("instance-name", text -> !NAME.matcher(text).matches()
        ? Section.Parsed.error("must be letters, digits, '.', '_' and '-', starting with a letter or digit, got '"
            + text + "'")
        : text.length() > MAX_NAME_LENGTH
            ? Section.Parsed.error("must be at most " + MAX_NAME_LENGTH + " characters, got " + text.length())
            : Section.Parsed.of(text));
    Duration heartbeat = scheduler.duration("heartbeat", Duration.ofSeconds(1)).orElse(DEFAULT_HEARTBEAT);
    int missed = scheduler.integer("missed-heartbeats", MIN_MISSED_HEARTBEATS, 1_000)
        .orElse(DEFAULT_MISSED_HEARTBEATS);
    Duration poll = scheduler.duration("poll", Duration.ofSeconds(1)).orElse(DEFAULT_POLL);
    scheduler.finish();
    return new SchedulerConfig(name, heartbeat, missed, poll);
  }
}
