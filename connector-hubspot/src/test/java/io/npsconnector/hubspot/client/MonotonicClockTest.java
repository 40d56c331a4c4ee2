package io.npsconnector.hubspot.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MonotonicClockTest {
  @Test
  void startsAtTheWallClockAndMovesAsSleepingDoes() throws InterruptedException {
    Instant before = Instant.now();
    MonotonicClock clock = new MonotonicClock();
    Instant start = clock.instant();

    Sleeper.SYSTEM.sleep(Duration.ofMillis(20));
    Instant later = clock.instant();

    assertThat(start).isBetween(before, Instant.now());
    assertThat(Duration.between(start, later)).isGreaterThanOrEqualTo(Duration.ofMillis(20));
  }

  @Test
  void neverGoesBack() {
    MonotonicClock clock = new MonotonicClock();
    Instant last = clock.instant();
    for (int i = 0; i < 10_000; i++) {
      Instant now = clock.instant();
      assertThat(now).isAfterOrEqualTo(last);
      last = now;
    }
  }

  @Test
  void isUtcAndKeepsItsTimeInAnotherZone() {
    MonotonicClock clock = new MonotonicClock();
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);

    java.time.Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));
    Instant before = clock.instant();
    Instant there = paris.instant();

    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(there).isAfterOrEqualTo(before).isBeforeOrEqualTo(clock.instant());
  }
}
