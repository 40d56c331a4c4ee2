package io.npsconnector.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.npsconnector.core.testing.TestClock;

class SignInThrottleTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-03-10T10:00:00Z"));
  private final SignInThrottle throttle = new SignInThrottle(clock,
      new SignInThrottle.Rule(5, Duration.ofSeconds(1), Duration.ofMinutes(15)),
      new SignInThrottle.Rule(10, Duration.ofSeconds(1), Duration.ofMinutes(15)),
      new SignInThrottle.Rule(20, Duration.ofSeconds(1), Duration.ofMinutes(15)));

  @Test
  void fiftyGuessesFromFiveAddressesInTwoAndAHalfSecondsGetElevenThrough() {
    int through = 0;
    for (int i = 0; i < 50; i++) {
      if (throttle.attempt("admin", "10.0.0." + (i % 5)).isEmpty()) {
        through++;
      }
      clock.advance(Duration.ofMillis(48));
    }

    // the account's 10 free failures, then one more once its first 1 s wait is over; the next waits 2 s
    assertThat(through).isEqualTo(11);
  }

  @Test
  void eachFailureBeyondTheFreeOnesDoublesTheWaitUpToTheCeiling() {
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.attempt("admin", "10.0.0.1")).isEmpty();
    }
    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Duration wait = throttle.attempt("admin", "10.0.0.1").orElseThrow();
      waits.add(wait);
      clock.advance(wait);
      assertThat(throttle.attempt("admin", "10.0.0.1")).as("let through once the wait is over").isEmpty();
    }

    assertThat(waits.subList(0, 5)).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16));
    assertThat(waits).isSorted().last().isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void anotherAddressStillTriesUntilTheAccountsFreeFailuresAreUsedUp() {
    for (int i = 0; i < 5; i++) {
      throttle.attempt("admin", "10.0.0.1");
    }

    assertThat(throttle.attempt("admin", "10.0.0.1")).contains(Duration.ofSeconds(1));
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.attempt("admin", "10.0.0.2")).as("guess %d from a second address", i).isEmpty();
    }
    assertThat(throttle.attempt("admin", "10.0.0.3")).as("the account's 10 failures are used up")
        .contains(Duration.ofSeconds(1));
  }

  @Test
  void allAccountsTogetherAreThrottledToo() {
    for (int i = 0; i < 20; i++) {
      assertThat(throttle.attempt("account-" + i, "10.0.1." + i)).isEmpty();
    }

    assertThat(throttle.attempt("account-20", "10.0.1.20")).contains(Duration.ofSeconds(1));
  }

  @Test
  void theRightPasswordClearsItsAddressAndAccountAndAnHourWithoutFailuresClearsEverything() {
    for (int i = 0; i < 4; i++) {
      throttle.attempt("admin", "10.0.0.1");
    }
    throttle.attempt("admin", "10.0.0.1");
    throttle.succeeded("admin", "10.0.0.1");
    assertThat(throttle.attempt("admin", "10.0.0.1")).isEmpty();

    for (int i = 0; i < 10; i++) {
      throttle.attempt("admin", "10.0.0." + i);
    }
    assertThat(throttle.attempt("admin", "10.0.0.99")).isPresent();
    clock.advance(SignInThrottle.FORGET_AFTER);
    Optional<Duration> later = throttle.attempt("admin", "10.0.0.99");

    assertThat(later).isEmpty();
  }
}
