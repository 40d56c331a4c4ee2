package io.npsconnector.hubspot.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.npsconnector.core.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventIdDeduplicatorTest {
  private final TestClock clock = TestClock.at("2026-11-22T10:00:00Z");
  private final EventIdDeduplicator seen = new EventIdDeduplicator(clock);

  @Test
  void reportsTheFirstSightingOnlyOnce() {
    assertThat(seen.firstSighting(1817430398L)).isTrue();
    assertThat(seen.firstSighting(1817430398L)).isFalse();
    assertThat(seen.firstSighting(1817430399L)).isTrue();
  }

  @Test
  void remembersForFortyEightHours() {
    seen.firstSighting(42L);

    clock.advance(Duration.ofHours(48).minusMillis(1));
    assertThat(seen.firstSighting(42L)).isFalse();

    clock.advance(Duration.ofMillis(1));
    assertThat(seen.firstSighting(42L)).isTrue();
  }

  @Test
  void dropsExpiredIdsFromMemory() {
    seen.firstSighting(1L);
    seen.firstSighting(2L);
    clock.advance(Duration.ofHours(49));

    seen.firstSighting(3L);

    assertThat(seen.size()).isEqualTo(1);
  }

  @Test
  void countsTheWindowFromTheFirstSightingNotTheRepeats() {
    seen.firstSighting(42L);
    clock.advance(Duration.ofHours(30));
    seen.firstSighting(42L);

    clock.advance(Duration.ofHours(18));

    assertThat(seen.firstSighting(42L)).isTrue();
  }

  @Test
  void forgetsIdsOnRequest() {
    seen.firstSighting(1L);
    seen.firstSighting(2L);

    seen.forget(List.of(1L));

    assertThat(seen.firstSighting(1L)).isTrue();
    assertThat(seen.firstSighting(2L)).isFalse();
  }

  @Test
  void evictsTheOldestIdWhenFull() {
    EventIdDeduplicator small = new EventIdDeduplicator(clock, Duration.ofHours(48), 3);
    for (long id = 1; id <= 4; id++) {
      small.firstSighting(id);
      clock.advance(Duration.ofSeconds(1));
    }

    assertThat(small.size()).isEqualTo(3);
    assertThat(small.firstSighting(4L)).isFalse();
    assertThat(small.firstSighting(2L)).isFalse();
    assertThat(small.firstSighting(1L)).isTrue();
  }

  @Test
  void holdsAtMostOneHundredThousandIdsByDefault() {
    for (long id = 0; id < 100_500; id++) {
      seen.firstSighting(id);
    }

    assertThat(seen.size()).isEqualTo(100_000);
    assertThat(seen.firstSighting(100_499L)).isFalse();
  }

  @Test
  void letsExactlyOneThreadClaimEachId() throws Exception {
    int threads = 8;
    int ids = 5_000;
    AtomicInteger claimed = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        runs.add(pool.submit(() -> {
          start.await();
          for (long id = 0; id < ids; id++) {
            if (seen.firstSighting(id)) {
              claimed.incrementAndGet();
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> run : runs) {
        run.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(claimed.get()).isEqualTo(ids);
  }

  @Test
  void refusesNonPositiveRetentionOrCapacity() {
    assertThatThrownBy(() -> new EventIdDeduplicator(clock, Duration.ZERO, 10))
        .hasMessage("retention must be positive, got PT0S");
    assertThatThrownBy(() -> new EventIdDeduplicator(clock, Duration.ofHours(1), 0))
        .hasMessage("capacity must be at least 1, got 0");
  }
}
