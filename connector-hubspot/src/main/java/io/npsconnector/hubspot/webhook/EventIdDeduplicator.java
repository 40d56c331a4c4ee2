package io.npsconnector.hubspot.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Remembers webhook event ids for a while, so a retried delivery is not processed twice. Bounded: past
 * {@code capacity} ids the oldest is forgotten early. In memory only; thread-safe.
 */
final class EventIdDeduplicator {
  /** HubSpot retries a failed delivery for about a day; twice that leaves room for clock and queue delays. */
  static final Duration DEFAULT_RETENTION = Duration.ofHours(48);
  static final int DEFAULT_CAPACITY = 100_000;

  private final Clock clock;
  private final Duration retention;
  private final int capacity;
  // insertion order is arrival order, so expired ids sit at the head
  private final LinkedHashMap<Long, Instant> seen = new LinkedHashMap<>();

  EventIdDeduplicator(Clock clock) {
    this(clock, DEFAULT_RETENTION, DEFAULT_CAPACITY);
  }

  EventIdDeduplicator(Clock clock, Duration retention, int capacity) {
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(retention, "retention");
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be positive, got " + retention);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.retention = retention;
    this.capacity = capacity;
  }

  /** Remembers {@code eventId}; true if it was not remembered yet, false for a repeat. */
  synchronized boolean firstSighting(long eventId) {
    Instant now = clock.instant();
    Instant cutoff = now.minus(retention);
    expireUpTo(cutoff);
    Instant at = seen.get(eventId);
    if (at != null && at.isAfter(cutoff)) {
      return false;
    }
    seen.remove(eventId);
    seen.put(eventId, now);
    if (seen.size() > capacity) {
      Iterator<Long> oldest = seen.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    return true;
  }

  /** Forgets {@code eventIds}, so their next delivery counts as the first. */
  synchronized void forget(Collection<Long> eventIds) {
    eventIds.forEach(seen::remove);
  }

  synchronized int size() {
    return seen.size();
  }

  private void expireUpTo(Instant cutoff) {
    Iterator<Map.Entry<Long, Instant>> entries = seen.entrySet().iterator();
    while (entries.hasNext() && !entries.next().getValue().isAfter(cutoff)) {
      entries.remove();
    }
  }
}
