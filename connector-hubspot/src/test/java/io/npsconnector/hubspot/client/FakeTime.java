package io.npsconnector.hubspot.client;

import io.npsconnector.core.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A clock that only moves when someone sleeps on it: every wait is recorded, none is real. */
final class FakeTime implements Sleeper {
  static final Instant START = Instant.parse("2025-03-03T09:00:00Z");

  final TestClock clock = new TestClock(START);
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @Override
  public void sleep(Duration duration) {
    sleeps.add(duration);
    clock.advance(duration);
  }

  List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }

  Duration slept() {
    return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
  }

  Instant now() {
    return clock.instant();
  }

  Duration sinceStart() {
    return Duration.between(START, clock.instant());
  }
}
