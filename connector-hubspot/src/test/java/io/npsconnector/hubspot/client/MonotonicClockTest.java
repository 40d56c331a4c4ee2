package io.npsconnector.hubspot.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void keepsUtc() {
    MonotonicClock clock = new MonotonicClock();
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
    assertThatThrownBy(() -> clock.withZone(ZoneId.of("Europe/Paris")))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("Europe/Paris");
  }
}
