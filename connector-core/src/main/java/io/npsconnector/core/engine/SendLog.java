package io.npsconnector.core.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * One INFO line per batch of sends of a connection, not one per mail: the outcomes of the sends are counted, and
 * the line is written once the batch is a minute old (at the next send) or when the connection's next sync or
 * write-back flush runs, whichever comes first. Safe to call from the scheduler's threads.
 */
final class SendLog {
  static final Duration BATCH = Duration.ofMinutes(1);

  private final Clock clock;
  private final Map<String, Batch> open = new ConcurrentHashMap<>();

  SendLog(Clock clock) {
    this.clock = clock;
  }

  private record Batch(Instant started, long nanos, Map<DeliveryService.Outcome, Integer> outcomes) {}

  /** Counts one send of the connection; writes the batch's line when it is a minute old. */
  void sent(String connection, DeliveryService.Outcome outcome) {
    Instant now = clock.instant();
    Batch batch = open.compute(connection, (key, current) -> {
      Batch next = current != null ? current : new Batch(now, System.nanoTime(),
          new EnumMap<>(DeliveryService.Outcome.class));
      next.outcomes().merge(outcome, 1, Integer::sum);
      return next;
    });
    if (!now.isBefore(batch.started().plus(BATCH))) {
      flush(connection);
    }
  }

  /** Writes the connection's open batch, if any. */
  void flush(String connection) {
    Batch batch = open.remove(connection);
    if (batch == null) {
      return;
    }
    Map<DeliveryService.Outcome, Integer> outcomes = batch.outcomes(); // counted under the map's lock, now removed
    int total = outcomes.values().stream().mapToInt(Integer::intValue).sum();
    Engine.ACTIVITY.info("{}: send batch done: attempts={} {} duration_ms={}", connection, total, outcomes.entrySet().stream()
        .map(entry -> entry.getKey().name().toLowerCase(Locale.ROOT) + "=" + entry.getValue())
        .collect(Collectors.joining(" ")), Duration.ofNanos(System.nanoTime() - batch.nanos()).toMillis());
  }
}
