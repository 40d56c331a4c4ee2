package io.npsconnector.app.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Throttles password guesses with growing delays, per client address, per account and over all accounts
 * together, so that spreading guesses over many addresses does not help: after a rule's free failures, each
 * failure makes the next attempt wait, each wait twice as long as the one before, up to the rule's ceiling.
 * An attempt is counted as a failure when it is let through (so parallel guesses cannot slip past) and
 * un-counted for its address and account when the password was right. A key's failures are forgotten after
 * {@link #FORGET_AFTER} without any. Thread-safe.
 */
final class SignInThrottle {
  static final Duration FORGET_AFTER = Duration.ofHours(1);
  private static final int MAX_ADDRESSES = 10_000;
  private static final int MAX_ACCOUNTS = 10_000;

  /** Once {@code freeFailures} failures are used up: waits of {@code firstDelay}, doubling, up to {@code maxDelay}. */
  record Rule(int freeFailures, Duration firstDelay, Duration maxDelay) {
    Rule {
      if (freeFailures < 0 || firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0) {
        throw new IllegalArgumentException("a throttle rule needs free failures >= 0 and 0 < first delay <= max "
            + "delay, got " + freeFailures + ", " + firstDelay + ", " + maxDelay);
      }
    }

    /** The wait after the {@code failures}-th failure in a row: none before the free ones are used up. */
    Duration delayAfter(int failures) {
      int doublings = failures - freeFailures;
      if (doublings < 0) {
        return Duration.ZERO;
      }
      Duration delay = firstDelay.multipliedBy(1L << Math.min(doublings, 30));
      return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }
  }

  private static final class Failures {
    int count;
    Instant last;
    Instant nextAllowed;
  }

  private final Clock clock;
  private final Rule perAddress;
  private final Rule perAccount;
  private final Rule overall;
  private final Map<String, Failures> addresses = new HashMap<>();
  private final Map<String, Failures> accounts = new HashMap<>();
  private final Failures all = new Failures();

  SignInThrottle(Clock clock, Rule perAddress, Rule perAccount, Rule overall) {
    this.clock = clock;
    this.perAddress = perAddress;
    this.perAccount = perAccount;
    this.overall = overall;
  }

  /** 5 free failures per address, 10 per account, 20 over all, then 1 s doubling to 15 minutes. */
  static SignInThrottle standard(Clock clock) {
    Duration max = Duration.ofMinutes(15);
    return new SignInThrottle(clock, new Rule(5, Duration.ofSeconds(1), max),
        new Rule(10, Duration.ofSeconds(1), max), new Rule(20, Duration.ofSeconds(1), max));
  }

  /**
   * Lets an attempt through, counting it as a failure until {@link #succeeded}, or says how long to wait.
   *
   * @return empty when the attempt may go ahead, else the time until it may
   */
  synchronized Optional<Duration> attempt(String account, String address) {
    Instant now = clock.instant();
    if (addresses.size() > MAX_ADDRESSES) {
      addresses.values().removeIf(failures -> stale(failures, now));
      if (addresses.size() > MAX_ADDRESSES) {
        addresses.clear(); // memory stays bounded; the account and overall rules still hold
      }
    }
    if (accounts.size() > MAX_ACCOUNTS) { // names are typed by anyone: memory stays bounded here too
      accounts.values().removeIf(failures -> stale(failures, now));
      if (accounts.size() > MAX_ACCOUNTS) {
        accounts.clear(); // the address and overall rules still hold
      }
    }
    Failures byAddress = current(addresses.computeIfAbsent(address, key -> new Failures()), now);
    Failures byAccount = current(accounts.computeIfAbsent(account, key -> new Failures()), now);
    current(all, now);
    Instant allowedAt = latest(latest(byAddress.nextAllowed, byAccount.nextAllowed), all.nextAllowed);
    if (allowedAt != null && now.isBefore(allowedAt)) {
      return Optional.of(Duration.between(now, allowedAt));
    }
    fail(byAddress, perAddress, now);
    fail(byAccount, perAccount, now);
    fail(all, overall, now);
    return Optional.empty();
  }

  /** The attempt had the right password: its address and account start afresh. */
  synchronized void succeeded(String account, String address) {
    addresses.remove(address);
    accounts.remove(account);
    if (all.count > 0) {
      all.count--;
    }
  }

  private static void fail(Failures failures, Rule rule, Instant now) {
    failures.count++;
    failures.last = now;
    Duration delay = rule.delayAfter(failures.count);
    failures.nextAllowed = delay.isZero() ? null : now.plus(delay);
  }

  private static Failures current(Failures failures, Instant now) {
    if (stale(failures, now)) {
      failures.count = 0;
      failures.last = null;
      failures.nextAllowed = null;
    }
    return failures;
  }

  private static boolean stale(Failures failures, Instant now) {
    return failures.last != null && !now.isBefore(failures.last.plus(FORGET_AFTER));
  }

  private static Instant latest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }
}
