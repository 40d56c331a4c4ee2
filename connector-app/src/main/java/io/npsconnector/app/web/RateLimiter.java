package io.npsconnector.app.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fixed-window request limit per client address: at most {@code limit} requests per {@code window}.
 * Old windows are dropped as new ones start, so memory stays bounded by the addresses of one window.
 */
public final class RateLimiter {
  private final int limit;
  private final Duration window;
  private final Clock clock;
  private final Map<String, long[]> counts = new ConcurrentHashMap<>();
  private volatile long currentWindow = -1;

  public RateLimiter(int limit, Duration window, Clock clock) {
    this.limit = limit;
    this.window = window;
    this.clock = clock;
  }

  /** Counts a request from {@code address}; false when it is over the limit. */
  public boolean allow(String address) {
    Instant now = clock.instant();
    long windowNumber = now.toEpochMilli() / window.toMillis();
    if (windowNumber != currentWindow) {
      synchronized (this) {
        if (windowNumber != currentWindow) {
          counts.clear();
          currentWindow = windowNumber;
        }
      }
    }
    long[] count = counts.computeIfAbsent(address, key -> new long[1]);
    synchronized (count) {
      count[0]++;
      return count[0] <= limit;
    }
  }
}
