package io.npsconnector.hubspot.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Keeps one HubSpot connection under its budgets, so that a healthy run never sees a 429: at most
 * {@code perTenSeconds} standard requests in any rolling 10 seconds and {@code searchPerSecond}
 * searches in any rolling second, and no fewer (the budget is used in full, no safety share is held
 * back). A 429 or a lock (423, 477) blocks the bucket for the policy's window or the server's
 * {@code Retry-After}. The daily budget is read from the answers' headers; below the reserve,
 * {@link #nearDailyLimit()} tells callers to pause work that can wait.
 *
 * <p>HubSpot counts a request when it arrives, which is some time after we let it go and before its
 * answer comes back. So each request holds its place in the window until its answer came back
 * ({@link Permit#done()}), the latest moment HubSpot can have counted it, and for the window's length
 * after that. A new request goes out only when fewer than the budget may still be in HubSpot's window;
 * as it arrives no earlier than it leaves, HubSpot sees the same or fewer. No assumption is made about
 * how long a request takes to reach HubSpot: a loaded machine (a garbage-collection pause, a busy core)
 * can hold a request back for longer than any allowance, and a request that HubSpot counts later than
 * we assumed would meet a 429. With answers that come back at once this costs nothing; a request in
 * flight for a long time delays the next one in a full window by as long.
 *
 * <p>The clock and the sleeper must keep the same time, and it must be the real one ({@link MonotonicClock}
 * with {@link Sleeper#SYSTEM}): a clock that jumps ahead lets a burst through, one set back holds requests.
 *
 * <p>Thread-safe: concurrent callers queue for the same windows.
 */
public final class RateGovernor {
  static final Duration TEN_SECONDS = Duration.ofSeconds(10);
  static final Duration ONE_SECOND = Duration.ofSeconds(1);
  /** How long a 423 (locked) waits at least, as HubSpot asks. */
  static final Duration LOCKED_WAIT = Duration.ofSeconds(2);
  /** How long what HubSpot said about the daily budget holds without a new answer. */
  static final Duration DAILY_STALE_AFTER = Duration.ofHours(1);
  private final Map<Budget, Window> windows = new EnumMap<>(Budget.class);
  private final Map<Budget, Instant> blockedUntil = new EnumMap<>(Budget.class);
  private final int dailyReservePercent;
  private final Clock clock;
  private final Sleeper sleeper;
  private OptionalLong dailyLimit = OptionalLong.empty();
  private OptionalLong dailyRemaining = OptionalLong.empty();
  private Instant dailyObservedAt = Instant.MIN;

  public RateGovernor(int perTenSeconds, int searchPerSecond, int dailyReservePercent, Clock clock, Sleeper sleeper) {
    if (perTenSeconds < 1 || searchPerSecond < 1) {
      throw new IllegalArgumentException("budgets must be at least 1, got " + perTenSeconds + " and " + searchPerSecond);
    }
    windows.put(Budget.STANDARD, new Window(perTenSeconds, TEN_SECONDS));
    windows.put(Budget.SEARCH, new Window(searchPerSecond, ONE_SECOND));
    this.dailyReservePercent = dailyReservePercent;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /**
   * Waits until a request may go out on {@code budget}, and counts it. The caller tells the permit when
   * the answer (or a failure) came back: {@link Permit#done()}; until then the request holds its place.
   */
  public Permit acquire(Budget budget) throws InterruptedException {
    while (true) {
      Duration wait;
      synchronized (this) {
        Instant now = clock.instant();
        Instant blocked = blockedUntil.getOrDefault(budget, Instant.MIN);
        Window window = windows.get(budget);
        Instant free = window.freeAt(now);
        Instant at = blocked.isAfter(free) ? blocked : free;
        if (!at.isAfter(now)) {
          return window.record(now);
        }
        wait = Duration.between(now, at);
      }
      sleeper.sleep(wait);
    }
  }

  /** One request's place in its window. */
  public final class Permit {
    private final Instant sent;
    private Instant counted;

    private Permit(Instant sent) {
      this.sent = sent;
    }

    /**
     * The answer came back (or the call failed): HubSpot counted the request by now at the latest. Only
     * the first call counts.
     */
    public void done() {
      synchronized (RateGovernor.this) {
        if (counted == null) {
          Instant now = clock.instant();
          counted = now.isBefore(sent) ? sent : now;
        }
      }
    }

    /** When the request was let go. */
    public Instant sentAt() {
      return sent;
    }

    /** When HubSpot counted it at the latest; a request still in flight may yet be counted {@code now}. */
    private Instant countedBy(Instant now) {
      return counted == null ? now : counted;
    }
  }

  /**
   * HubSpot answered 429 with this policy: nothing more goes out on the request's bucket, nor on the
   * bucket the policy names, until the policy's window (or {@code Retry-After}) has passed. A
   * {@code DAILY} policy holds no window but marks the day used up (see {@link #nearDailyLimit()}).
   */
  public synchronized void rateLimited(Budget budget, Optional<String> policyName, Optional<Duration> retryAfter) {
    String policy = policyName.orElse("");
    if (policy.equals("DAILY")) {
      dailyExhausted();
      return;
    }
    Budget named = policy.equals("SECONDLY") ? Budget.SEARCH : Budget.STANDARD;
    Duration wait = retryAfter.orElse(named == Budget.SEARCH ? ONE_SECOND : TEN_SECONDS);
    block(budget, wait);
    if (policyName.isPresent()) {
      block(named, wait);
    }
  }

  /** The record or the portal is locked (423) or busy (477): wait at least as long as HubSpot asks. */
  public synchronized void locked(Budget budget, Optional<Duration> retryAfter) {
    Duration wait = retryAfter.orElse(LOCKED_WAIT);
    block(budget, wait.compareTo(LOCKED_WAIT) < 0 ? LOCKED_WAIT : wait);
  }

  /** What an answer's {@code X-HubSpot-RateLimit-Daily} and {@code -Daily-Remaining} headers said. */
  public synchronized void observeDaily(OptionalLong limit, OptionalLong remaining) {
    if (limit.isPresent()) {
      dailyLimit = limit;
    }
    if (remaining.isPresent()) {
      dailyRemaining = remaining;
      dailyObservedAt = clock.instant();
    }
  }

  /**
   * The answer to {@code request} reported no request left in the bucket's window. When our own requests can
   * explain that, it says nothing new: our window already holds the next request until the oldest of ours has left
   * it, which is when HubSpot's has room again, so nothing more is held (holding the whole {@code interval} from
   * now would leave the budget idle for as long as the burst took). Ours explain it when at least the budget of
   * them may have been in HubSpot's window as it counted {@code request}: those still in ours, and those that left
   * ours after {@code request} went out (by the time its answer is read, the oldest may have left: at the window's
   * edge that is the rule, not the exception). Otherwise something else spends the same budget, whose requests we
   * cannot see leave: the bucket is held for {@code interval}. Should ours be credited with a request they did not
   * make, HubSpot answers 429 and {@link #rateLimited} holds the bucket.
   */
  public synchronized void exhausted(Budget budget, Duration interval, Permit request) {
    Window window = windows.get(budget);
    if (window.mayHaveCounted(request.sentAt(), clock.instant()) < window.limit) {
      block(budget, interval);
    }
  }

  /** The day's budget is used up (a 429 with policy {@code DAILY}). */
  public synchronized void dailyExhausted() {
    dailyRemaining = OptionalLong.of(0);
    dailyObservedAt = clock.instant();
  }

  /** True when less than the reserve of the daily budget is left: work that can wait should wait. */
  public synchronized boolean nearDailyLimit() {
    // an hour after the last word on the daily budget, let work through again: it either brings fresh
    // headers or another DAILY 429 (the day rolls over at the portal's midnight, which we cannot see)
    if (dailyRemaining.isEmpty() || !clock.instant().isBefore(dailyObservedAt.plus(DAILY_STALE_AFTER))) {
      return false;
    }
    if (dailyRemaining.getAsLong() <= 0) {
      return true;
    }
    return dailyLimit.isPresent()
        && dailyRemaining.getAsLong() * 100 < dailyLimit.getAsLong() * (long) dailyReservePercent;
  }

  public synchronized OptionalLong dailyRemaining() {
    return dailyRemaining;
  }

  private void block(Budget budget, Duration wait) {
    Instant until = clock.instant().plus(wait);
    blockedUntil.merge(budget, until, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** The requests of one bucket that HubSpot may still count in its rolling window. */
  private final class Window {
    private final int limit;
    private final Duration length;
    private final List<Permit> sent = new ArrayList<>();
    /** When the requests that left the window in the last length left it, oldest first. */
    private final java.util.ArrayDeque<Instant> left = new java.util.ArrayDeque<>();

    Window(int limit, Duration length) {
      this.limit = limit;
      this.length = length;
    }

    /**
     * When the next request fits in the window: at once while fewer than the limit may still be counted,
     * else when enough of them have left it (HubSpot's window holds requests counted less than its length ago).
     */
    Instant freeAt(Instant now) {
      forgetLeft(now);
      if (sent.size() < limit) {
        return now;
      }
      // a request in flight leaves a window's length after its answer at the earliest: wait that long, then
      // look again
      List<Instant> leaving = new ArrayList<>(sent.size());
      for (Permit permit : sent) {
        leaving.add(permit.countedBy(now).plus(length));
      }
      leaving.sort(null);
      return leaving.get(sent.size() - limit);
    }

    /** Moves the requests that have left the window to {@link #left}, keeping one window's length of those. */
    private void forgetLeft(Instant now) {
      sent.removeIf(permit -> {
        Instant leaves = permit.countedBy(now).plus(length);
        if (leaves.isAfter(now)) {
          return false;
        }
        left.addLast(leaves);
        return true;
      });
      while (!left.isEmpty() && left.peekFirst().plus(length).isBefore(now)) {
        left.pollFirst();
      }
    }

    /** How many of our requests may have been counted in HubSpot's window at some moment since {@code since}. */
    int mayHaveCounted(Instant since, Instant now) {
      forgetLeft(now);
      return sent.size() + (int) left.stream().filter(leaves -> leaves.isAfter(since)).count();
    }

    Permit record(Instant now) {
      Permit permit = new Permit(now);
      sent.add(permit);
      return permit;
    }
  }
}
