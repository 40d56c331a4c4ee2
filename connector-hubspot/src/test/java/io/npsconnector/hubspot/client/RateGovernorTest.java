package io.npsconnector.hubspot.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RateGovernorTest {
  private final FakeTime time = new FakeTime();

  private RateGovernor governor(int perTenSeconds, int searchPerSecond, int dailyReservePercent) {
    return new RateGovernor(perTenSeconds, searchPerSecond, dailyReservePercent, time.clock, time);
  }

  private List<Instant> acquireTimes(RateGovernor governor, Budget budget, int requests) throws InterruptedException {
    List<Instant> times = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      RateGovernor.Permit permit = governor.acquire(budget);
      times.add(time.now());
      permit.done(); // answered at once
    }
    return times;
  }

  /** The most requests in any half-open window [t, t + length) that starts at a request (the worst ones do). */
  private static int busiestWindow(List<Instant> times, Duration length) {
    int busiest = 0;
    for (Instant start : times) {
      Instant end = start.plus(length);
      int count = (int) times.stream().filter(t -> !t.isBefore(start) && t.isBefore(end)).count();
      busiest = Math.max(busiest, count);
    }
    return busiest;
  }

  @Test
  void neverLetsMoreThanTheBudgetIntoAnyRollingTenSeconds() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);

    List<Instant> times = acquireTimes(governor, Budget.STANDARD, 250);

    assertThat(times).hasSize(250);
    assertThat(busiestWindow(times, Duration.ofSeconds(10))).isEqualTo(100);
    assertThat(time.sleeps()).allSatisfy(wait -> assertThat(wait).isPositive());
  }

  @Test
  void usesTheFullBudget() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);

    List<Instant> times = acquireTimes(governor, Budget.STANDARD, 301);

    // 100 requests per 10 seconds exactly: the 301st goes out at 30 s, not a moment later
    assertThat(Duration.between(FakeTime.START, times.get(300))).isEqualTo(Duration.ofSeconds(30));
    assertThat(time.sleeps()).hasSize(3);
  }

  @Test
  void sendsAFullBudgetAtOnceAndThenWaitsForTheWindowToRoll() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);

    List<Instant> times = acquireTimes(governor, Budget.STANDARD, 101);

    assertThat(times.subList(0, 100)).containsOnly(FakeTime.START);
    assertThat(time.sleeps()).hasSize(1);
    assertThat(Duration.between(FakeTime.START, times.get(100))).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void neverLetsMoreThanTheSearchBudgetIntoAnyRollingSecond() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);

    List<Instant> times = acquireTimes(governor, Budget.SEARCH, 23);

    assertThat(busiestWindow(times, Duration.ofSeconds(1))).isEqualTo(5);
    // 5 a second in full: the 21st to 23rd go out at 4 s
    assertThat(Duration.between(times.get(0), times.get(22))).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void aRequestHoldsItsPlaceFromItsAnswerWhenTheAnswerIsSlow() throws InterruptedException {
    RateGovernor governor = governor(100, 2, 10);
    RateGovernor.Permit first = governor.acquire(Budget.SEARCH);
    time.clock.advance(Duration.ofMillis(30)); // answered after 30 ms: HubSpot counted it by then
    first.done();
    governor.acquire(Budget.SEARCH).done();

    governor.acquire(Budget.SEARCH).done();

    assertThat(time.sinceStart()).isEqualTo(Duration.ofMillis(1030));
  }

  @Test
  void aRequestWithoutAnswerYetHoldsItsPlaceUntilItsAnswer() throws InterruptedException {
    // however late HubSpot counts it (a request held up on a loaded machine), it counted it by the answer
    RateGovernor.Permit[] slow = new RateGovernor.Permit[1];
    List<Duration> waits = new ArrayList<>();
    RateGovernor governor = new RateGovernor(100, 1, 10, time.clock, wait -> {
      waits.add(wait);
      time.sleep(wait);
      if (waits.size() == 1) {
        slow[0].done(); // the answer comes back after the first wait
      }
    });
    slow[0] = governor.acquire(Budget.SEARCH);

    governor.acquire(Budget.SEARCH).done();

    assertThat(waits).as("a window's length while in flight, then a window's length after the answer")
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(time.sinceStart()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void anAnswerBeforeItsRequestLeftCountsFromTheRequest() throws InterruptedException {
    RateGovernor governor = governor(100, 1, 10);
    RateGovernor.Permit first = governor.acquire(Budget.SEARCH);
    first.done();
    first.done(); // only the first answer counts

    governor.acquire(Budget.SEARCH).done();

    assertThat(time.sinceStart()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void neverLetsMoreThanTheBudgetIntoAnyWindowUnderConcurrency() throws Exception {
    RateGovernor governor = governor(20, 5, 10);
    List<Instant> sent = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(6);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        done.add(threads.submit(() -> {
          for (int i = 0; i < 40; i++) {
            RateGovernor.Permit permit = governor.acquire(Budget.STANDARD);
            sent.add(permit.sentAt());
            permit.done();
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> future : done) {
        future.get();
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(sent).hasSize(240);
    assertThat(busiestWindow(List.copyOf(sent), Duration.ofSeconds(10))).isLessThanOrEqualTo(20);
  }

  @Test
  void keepsTheSearchBucketApartFromTheStandardOne() throws InterruptedException {
    RateGovernor governor = governor(3, 2, 10);
    acquireTimes(governor, Budget.STANDARD, 3);

    acquireTimes(governor, Budget.SEARCH, 2);

    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void blocksTheBucketForTenSecondsAfterATenSecondlyRollingLimit() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);
    governor.acquire(Budget.STANDARD);

    governor.rateLimited(Budget.STANDARD, Optional.of("TEN_SECONDLY_ROLLING"), Optional.empty());
    governor.acquire(Budget.STANDARD);

    assertThat(time.sinceStart()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void blocksTheBucketForOneSecondAfterASecondlyLimit() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);

    governor.rateLimited(Budget.SEARCH, Optional.of("SECONDLY"), Optional.empty());
    governor.acquire(Budget.SEARCH);

    assertThat(time.sinceStart()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void waitsTenSecondsWhenTheLimitNamesNoPolicy() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);

    governor.rateLimited(Budget.STANDARD, Optional.empty(), Optional.empty());
    governor.acquire(Budget.STANDARD);

    assertThat(time.sinceStart()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void followsRetryAfterOverThePolicyWindow() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);

    governor.rateLimited(Budget.STANDARD, Optional.of("TEN_SECONDLY_ROLLING"), Optional.of(Duration.ofSeconds(3)));
    governor.acquire(Budget.STANDARD);
    Duration shorter = time.sinceStart();
    governor.rateLimited(Budget.SEARCH, Optional.of("SECONDLY"), Optional.of(Duration.ofSeconds(4)));
    governor.acquire(Budget.SEARCH);

    assertThat(shorter).isEqualTo(Duration.ofSeconds(3));
    assertThat(time.sinceStart()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void holdsTheAppBucketWhenASearchHitsTheTenSecondLimit() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);

    governor.rateLimited(Budget.SEARCH, Optional.of("TEN_SECONDLY_ROLLING"), Optional.empty());
    governor.acquire(Budget.STANDARD);

    assertThat(time.sinceStart()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void holdsTheSearchBucketWhenAnyCallHitsTheSecondlyLimit() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);

    governor.rateLimited(Budget.STANDARD, Optional.of("SECONDLY"), Optional.empty());
    governor.acquire(Budget.SEARCH);

    assertThat(time.sinceStart()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aShorterBlockNeverCutsALongerOneShort() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);

    governor.rateLimited(Budget.STANDARD, Optional.of("TEN_SECONDLY_ROLLING"), Optional.empty());
    governor.locked(Budget.STANDARD, Optional.empty());
    governor.acquire(Budget.STANDARD);

    assertThat(time.sinceStart()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void marksTheDayUsedUpAfterADailyLimitWithoutHoldingTheWindows() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);
    assertThat(governor.nearDailyLimit()).isFalse();

    governor.rateLimited(Budget.STANDARD, Optional.of("DAILY"), Optional.empty());

    assertThat(governor.nearDailyLimit()).isTrue();
    assertThat(governor.dailyRemaining()).hasValue(0);
    governor.acquire(Budget.STANDARD);
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void dailyExhaustedSetsNearDailyLimit() {
    RateGovernor governor = governor(100, 5, 0);

    governor.dailyExhausted();

    assertThat(governor.nearDailyLimit()).isTrue();
  }

  @Test
  void aDailyLimitLetsWorkThroughAgainAnHourAfterHubSpotLastSaidSo() {
    RateGovernor governor = governor(100, 5, 10);
    governor.dailyExhausted();

    time.clock.advance(java.time.Duration.ofMinutes(59));
    assertThat(governor.nearDailyLimit()).isTrue();
    time.clock.advance(java.time.Duration.ofMinutes(1));
    assertThat(governor.nearDailyLimit()).isFalse();

    governor.observeDaily(java.util.OptionalLong.of(250_000), java.util.OptionalLong.of(1_000));
    assertThat(governor.nearDailyLimit()).isTrue();
  }

  @Test
  void waitsAtLeastTwoSecondsAfterALock() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);

    governor.locked(Budget.STANDARD, Optional.empty());
    governor.acquire(Budget.STANDARD);
    Duration withoutHint = time.sinceStart();
    governor.locked(Budget.STANDARD, Optional.of(Duration.ofSeconds(1)));
    governor.acquire(Budget.STANDARD);

    assertThat(withoutHint).isEqualTo(Duration.ofSeconds(2));
    assertThat(time.sinceStart()).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void waitsAsLongAsRetryAfterSaysWhenHubSpotIsBusy() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);

    governor.locked(Budget.STANDARD, Optional.of(Duration.ofSeconds(3)));
    governor.acquire(Budget.STANDARD);

    assertThat(time.sinceStart()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void holdsTheBucketForTheIntervalWhenNoRequestIsLeftInIt() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);

    RateGovernor.Permit request = governor.acquire(Budget.STANDARD);
    request.done();
    governor.exhausted(Budget.STANDARD, Duration.ofMillis(10_000), request);
    governor.acquire(Budget.SEARCH);
    assertThat(time.sleeps()).isEmpty();
    governor.acquire(Budget.STANDARD);

    assertThat(time.sinceStart()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void anEmptyWindowReportedByHubSpotWhenOurOwnRequestsFillItWaitsOnlyForTheOldestToLeave()
      throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);
    List<RateGovernor.Permit> burst = new ArrayList<>();
    for (int i = 0; i < 100; i++) { // a burst that takes 4 seconds, each request answered at once
      burst.add(governor.acquire(Budget.STANDARD));
      burst.get(i).done();
      time.clock.advance(Duration.ofMillis(40));
    }

    governor.exhausted(Budget.STANDARD, Duration.ofMillis(10_000), burst.get(99)); // its answer: "0 remaining"
    governor.acquire(Budget.STANDARD);

    // the first request of the burst leaves HubSpot's rolling window 10 s after it was answered: at 10 s, not 14 s
    assertThat(time.sinceStart()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void anEmptyWindowReportedAfterTheOldestOfOursLeftIsStillExplainedByOurs() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);
    for (int i = 0; i < 100; i++) { // 100 requests 40 ms apart, each answered at once
      governor.acquire(Budget.STANDARD).done();
      time.clock.advance(Duration.ofMillis(40));
    }
    RateGovernor.Permit request = governor.acquire(Budget.STANDARD); // at 10 s, as the first leaves
    Instant sent = time.now();
    time.clock.advance(Duration.ofMillis(50)); // while it is under way, the second of ours leaves too (10.04 s)
    request.done();

    // HubSpot counted it with 99 others of ours: "0 remaining"; ours now hold 99, one having left since it went
    governor.exhausted(Budget.STANDARD, Duration.ofMillis(10_000), request);
    governor.acquire(Budget.STANDARD);

    // the second of ours left HubSpot's window too: the next goes at once, not after a 10-second hold
    assertThat(sent).isEqualTo(FakeTime.START.plusSeconds(10));
    assertThat(time.sinceStart()).isEqualTo(Duration.ofMillis(10_050));
    assertThat(time.sleeps()).hasSize(1); // the 101st's wait for the first to leave
  }

  @Test
  void anEmptyWindowReportedWhileOursHoldsFewerRequestsHoldsTheBucketForTheInterval() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);
    acquireTimes(governor, Budget.STANDARD, 39); // another client of the same budget spent the other 60
    RateGovernor.Permit request = governor.acquire(Budget.STANDARD);
    request.done();
    time.clock.advance(Duration.ofSeconds(4));

    governor.exhausted(Budget.STANDARD, Duration.ofMillis(10_000), request);
    governor.acquire(Budget.STANDARD);

    assertThat(time.sinceStart()).isEqualTo(Duration.ofSeconds(14));
  }

  @Test
  void aBlockThatHasPassedCostsNoWait() throws InterruptedException {
    RateGovernor governor = governor(100, 5, 10);
    governor.rateLimited(Budget.STANDARD, Optional.of("TEN_SECONDLY_ROLLING"), Optional.empty());

    time.clock.advance(Duration.ofSeconds(10));
    governor.acquire(Budget.STANDARD);

    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void isNearTheDailyLimitOnlyBelowTheReserve() {
    RateGovernor governor = governor(100, 5, 10);

    governor.observeDaily(OptionalLong.of(250_000), OptionalLong.of(25_000));
    boolean atTheReserve = governor.nearDailyLimit();
    governor.observeDaily(OptionalLong.empty(), OptionalLong.of(24_999));
    boolean belowIt = governor.nearDailyLimit();
    governor.observeDaily(OptionalLong.empty(), OptionalLong.of(200_000));

    assertThat(atTheReserve).isFalse();
    assertThat(belowIt).isTrue();
    assertThat(governor.nearDailyLimit()).isFalse();
    assertThat(governor.dailyRemaining()).hasValue(200_000);
  }

  @Test
  void withNoReserveIsNearTheDailyLimitOnlyWhenNothingIsLeft() {
    RateGovernor governor = governor(100, 5, 0);

    governor.observeDaily(OptionalLong.of(250_000), OptionalLong.of(1));
    boolean oneLeft = governor.nearDailyLimit();
    governor.observeDaily(OptionalLong.of(250_000), OptionalLong.of(0));

    assertThat(oneLeft).isFalse();
    assertThat(governor.nearDailyLimit()).isTrue();
  }

  @Test
  void knowsNothingOfTheDailyLimitUntilHeadersTellIt() {
    RateGovernor governor = governor(100, 5, 10);

    governor.observeDaily(OptionalLong.empty(), OptionalLong.empty());
    assertThat(governor.nearDailyLimit()).isFalse();
    assertThat(governor.dailyRemaining()).isEmpty();

    governor.observeDaily(OptionalLong.empty(), OptionalLong.of(5));
    assertThat(governor.nearDailyLimit()).as("remaining alone, limit unknown").isFalse();
  }

  @Test
  void aNewDailyCountClearsADailyLimit() {
    RateGovernor governor = governor(100, 5, 10);
    governor.rateLimited(Budget.STANDARD, Optional.of("DAILY"), Optional.empty());

    governor.observeDaily(OptionalLong.of(250_000), OptionalLong.of(249_999));

    assertThat(governor.nearDailyLimit()).isFalse();
  }

  @Test
  void passesAnInterruptionOn() throws InterruptedException {
    List<Duration> waits = new ArrayList<>();
    RateGovernor governor = new RateGovernor(1, 1, 10, time.clock, wait -> {
      waits.add(wait);
      throw new InterruptedException("stop");
    });
    governor.acquire(Budget.STANDARD);

    assertThatThrownBy(() -> governor.acquire(Budget.STANDARD)).isInstanceOf(InterruptedException.class);
    assertThat(waits).as("the first request is still in flight").containsExactly(Duration.ofSeconds(10));
  }

  @Test
  void refusesABudgetBelowOne() {
    assertThatThrownBy(() -> governor(0, 5, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    assertThatThrownBy(() -> governor(100, 0, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
  }
}
