package io.npsconnector.core.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One INFO line per batch of sends of a connection, not one per mail: the outcomes of the sends are counted, and
 * the line is written once the batch is a minute old (at the next send) or when the connection's next sync or
 * write-back flush runs, whichever comes first. Safe to call from the scheduler's threads.
 */
final class SendLog {
  static final Duration BATCH = Duration.ofMinutes(1);

  private final Clock clock;
  private final Map<String, Batch> open = new HashMap<>();

  SendLog(Clock clock) {
    this.clock = clock;
  }

  /** The sends of one connection since {@code started}, by outcome. */
  private static final class Batch {
    final Instant started;
    final long nanos = System.nanoTime();
    final Map<DeliveryService.Outcome, Integer> outcomes = new EnumMap<>(DeliveryService.Outcome.class);

    Batch(Instant started) {
      this.started = started;
    }
  }

  /**
   * Counts one send of the connection; writes the batch's line when it is a minute old. Plain code on purpose:
   * it runs between a send and the end of its scheduler task, which should be as short as it can be.
   */
  void sent(String connection, DeliveryService.Outcome outcome) {
    Instant now = clock.instant();
    boolean full;
    synchronized (this) {
      Batch batch = open.get(connection);
      if (batch == null) {
        batch = new Batch(now);
        open.put(connection, batch);
      }
      Integer count = batch.outcomes.get(outcome);
      batch.outcomes.put(outcome, count == null ? 1 : count + 1);
      full = !now.isBefore(batch.started.plus(BATCH));
    }
    if (full) {
      flush(connection);
    }
  }

  /** Writes the connection's open batch, if any. */
  void flush(String connection) {
    Batch batch;
    synchronized (this) {
      batch = open.remove(connection);
    }
    if (batch == null) {
      return;
    }
    Map<DeliveryService.Outcome, Integer> outcomes = batch.outcomes;
    int total = outcomes.values().stream().mapToInt(Integer::intValue).sum();
    Engine.ACTIVITY.info("{}: send batch done: attempts={} {} duration_ms={}", connection, total, outcomes.entrySet().stream()
        .map(entry -> entry.getKey().name().toLowerCase(Locale.ROOT) + "=" + entry.getValue())
        .collect(Collectors.joining(" ")), Duration.ofNanos(System.nanoTime() - batch.nanos).toMillis());
  }
}
