package io.npsconnector.salesforce.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class ApiLimitsTest {
  private static final Instant START = Instant.parse("2025-03-04T09:00:00Z");

  private final SalesforceSessionTest.MutableClock clock = new SalesforceSessionTest.MutableClock(START);
  private final ApiLimits limits = new ApiLimits("sf", 90, 80, Duration.ofHours(1), clock);

  @Test
  void nothingIsKnownBeforeTheFirstAnswer() {
    assertThat(limits.used()).isEqualTo(-1);
    assertThat(limits.limit()).isEqualTo(-1);
    assertThat(limits.conserving()).isFalse();
    assertThat(limits.blockedUntil()).isEmpty();
  }

  @Test
  void observePausesAtThePauseMarkAndResumesOnlyBelowTheResumeMark() {
    limits.observe(89_999, 100_000);
    assertThat(limits.conserving()).isFalse();
    assertThat(limits.used()).isEqualTo(89_999);
    assertThat(limits.limit()).isEqualTo(100_000);

    limits.observe(90_000, 100_000);
    assertThat(limits.conserving()).isTrue();

    limits.observe(85_000, 100_000);
    assertThat(limits.conserving()).isTrue();
    limits.observe(80_000, 100_000);
    assertThat(limits.conserving()).isTrue();

    limits.observe(79_999, 100_000);
    assertThat(limits.conserving()).isFalse();
    assertThat(limits.used()).isEqualTo(79_999);

    limits.observe(85_000, 100_000);
    assertThat(limits.conserving()).as("between the marks, coming from below").isFalse();
  }

  @Test
  void theMarksFollowTheReportedLimit() {
    limits.observe(13_499, 15_000);
    assertThat(limits.conserving()).isFalse();
    limits.observe(13_500, 15_000);
    assertThat(limits.conserving()).isTrue();
    limits.observe(11_999, 15_000);
    assertThat(limits.conserving()).isFalse();
  }

  @Test
  void aLimitOfZeroIsIgnored() {
    limits.observe(5, 0);
    assertThat(limits.used()).isEqualTo(-1);
    assertThat(limits.limit()).isEqualTo(-1);
    assertThat(limits.conserving()).isFalse();

    limits.observe(95_000, 100_000);
    limits.observe(0, 0);
    limits.observe(10, -1);
    assertThat(limits.used()).isEqualTo(95_000);
    assertThat(limits.limit()).isEqualTo(100_000);
    assertThat(limits.conserving()).isTrue();
  }

  @Test
  void exceededBlocksForTheConfiguredWait() {
    Instant until = limits.exceeded();

    assertThat(until).isEqualTo(START.plus(Duration.ofHours(1)));
    assertThat(limits.blockedUntil()).contains(until);
    assertThat(limits.conserving()).isTrue();

    clock.advance(Duration.ofMinutes(59).plusSeconds(59));
    assertThat(limits.blockedUntil()).contains(until);

    clock.advance(Duration.ofSeconds(1));
    assertThat(limits.blockedUntil()).isEmpty();
    assertThat(limits.conserving()).as("paused until an answer shows usage below the resume mark").isTrue();

    limits.observe(70_000, 100_000);
    assertThat(limits.conserving()).isFalse();
  }

  @Test
  void exceededAgainStartsANewWait() {
    limits.exceeded();
    clock.advance(Duration.ofMinutes(45));
    Instant until = limits.exceeded();
    assertThat(until).isEqualTo(START.plus(Duration.ofMinutes(105)));
    clock.advance(Duration.ofMinutes(30));
    assertThat(limits.blockedUntil()).contains(until);
  }

  @Test
  void theConstructorRefusesAResumeMarkAboveThePauseMark() {
    assertThatThrownBy(() -> new ApiLimits("sf", 80, 90, Duration.ofHours(1), clock))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resumeBelowPercent");
    assertThat(new ApiLimits("sf", 85, 85, Duration.ofHours(1), clock).conserving()).isFalse();
  }
}
