package io.npsconnector.core.delivery.email;

import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMTP connections kept open between mails: at most {@code max} at once, each lent to one send at a time, so
 * that at most {@code max} mails are in flight. A connection a send gives back healthy is kept for the next one
 * (the most recently used first); one that failed in any way is closed, never lent again. A connection idle for
 * longer than {@code idle} is closed (when it would be lent, and by a sweep), and {@link #close} closes every
 * idle one and lends no more.
 */
final class SmtpConnections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SmtpConnections.class);

  /** Opens and logs in a new connection. */
  @FunctionalInterface
  interface Opener {
    Transport open() throws MessagingException;
  }

  private final Opener opener;
  private final Semaphore permits;
  private final int max;
  private final Duration idle;
  private final Clock clock;
  private final Deque<Idle> idleConnections = new ArrayDeque<>();
  private final AtomicLong opened = new AtomicLong();
  private final AtomicInteger inUse = new AtomicInteger();
  private final AtomicInteger mostInUse = new AtomicInteger();
  private ScheduledExecutorService sweeper;
  private boolean closed;

  private record Idle(Transport transport, Instant since) {}

  SmtpConnections(int max, Duration idle, Clock clock, Opener opener) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, got " + max);
    }
    this.max = max;
    this.permits = new Semaphore(max, true);
    this.idle = Objects.requireNonNull(idle, "idle");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.opener = Objects.requireNonNull(opener, "opener");
  }

  /**
   * Waits for one of the {@code max} connections to be free and lends it: a kept connection, or none yet (the
   * lease opens one when first asked for it).
   *
   * @throws InterruptedException when interrupted while waiting (nothing is lent)
   * @throws IllegalStateException when closed
   */
  Lease lease() throws InterruptedException {
    permits.acquire();
    int now = inUse.incrementAndGet();
    mostInUse.accumulateAndGet(now, Math::max);
    Transport kept;
    try {
      kept = takeIdle();
    } catch (RuntimeException e) {
      inUse.decrementAndGet();
      permits.release();
      throw e;
    }
    return new Lease(kept);
  }

  private Transport takeIdle() {
    Instant now = clock.instant();
    while (true) {
      Idle next;
      synchronized (this) {
        if (closed) {
          throw new IllegalStateException("the SMTP connections are closed");
        }
        next = idleConnections.pollFirst();
      }
      if (next == null) {
        return null;
      }
      if (!expired(next, now)) {
        return next.transport();
      }
      quit(next.transport());
    }
  }

  private boolean expired(Idle connection, Instant now) {
    return !now.isBefore(connection.since().plus(idle));
  }

  /** How many connections were opened so far. */
  long opened() {
    return opened.get();
  }

  /** The most connections lent at the same time so far. */
  int mostInUse() {
    return mostInUse.get();
  }

  int max() {
    return max;
  }

  /** Closes the connections idle for longer than {@code idle}. */
  void sweep() {
    Instant now = clock.instant();
    Deque<Idle> stale = new ArrayDeque<>();
    synchronized (this) {
      idleConnections.removeIf(connection -> expired(connection, now) && stale.add(connection));
    }
    stale.forEach(connection -> quit(connection.transport()));
  }

  /** Closes every idle connection; leases still out close theirs when given back. */
  @Override
  public void close() {
    Deque<Idle> all;
    ScheduledExecutorService stopping;
    synchronized (this) {
      closed = true;
      all = new ArrayDeque<>(idleConnections);
      idleConnections.clear();
      stopping = sweeper;
      sweeper = null;
    }
    if (stopping != null) {
      stopping.shutdownNow();
    }
    all.forEach(connection -> quit(connection.transport()));
  }

  private void keep(Transport transport) {
    boolean kept;
    synchronized (this) {
      kept = !closed;
      if (kept) {
        idleConnections.addFirst(new Idle(transport, clock.instant()));
        startSweeping();
      }
    }
    if (!kept) {
      quit(transport);
    }
  }

  /** A daemon sweep every {@code idle}, started with the first connection kept. Called holding the lock. */
  private void startSweeping() {
    if (sweeper != null) {
      return;
    }
    sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "npsconnector-smtp-idle");
      thread.setDaemon(true);
      return thread;
    });
    long every = Math.max(1, idle.toMillis());
    sweeper.scheduleWithFixedDelay(() -> {
      try {
        sweep();
      } catch (RuntimeException e) {
        LOG.debug("closing idle SMTP connections failed: {}", e.getClass().getSimpleName());
      }
    }, every, every, TimeUnit.MILLISECONDS);
  }

  private static void quit(Transport transport) {
    try {
      transport.close();
    } catch (MessagingException | RuntimeException e) {
      LOG.debug("closing an SMTP connection failed: {}", e.getClass().getSimpleName());
    }
  }

  /** One connection, lent to one send; given back exactly once with {@link #keep()} or {@link #discard()}. */
  final class Lease {
    private Transport transport;
    private boolean reused;
    private boolean returned;

    private Lease(Transport kept) {
      this.transport = kept;
      this.reused = kept != null;
    }

    /** The connection: the kept one, or a new one opened now. */
    Transport transport() throws MessagingException {
      if (transport == null) {
        transport = opener.open();
        opened.incrementAndGet();
      }
      return transport;
    }

    /** Whether the connection was kept from an earlier mail (then the server may have dropped it meanwhile). */
    boolean reused() {
      return reused;
    }

    /** Closes this connection and lends the next call of {@link #transport()} a new one. */
    void reopen() {
      if (transport != null) {
        quit(transport);
        transport = null;
      }
      reused = false;
    }

    /** Gives the connection back for the next mail. */
    void keep() {
      giveBack(true);
    }

    /** Closes the connection (it failed, or its state is unknown). */
    void discard() {
      giveBack(false);
    }

    private void giveBack(boolean healthy) {
      if (returned) {
        return;
      }
      returned = true;
      try {
        if (transport != null) {
          if (healthy) {
            SmtpConnections.this.keep(transport);
          } else {
            quit(transport);
          }
        }
      } finally {
        transport = null;
        inUse.decrementAndGet();
        permits.release();
      }
    }
  }
}
