package io.npsconnector.app.service;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of every resource of a process: the store's pool, the adapters, the scheduler, the webhook
 * executor, the HTTP server (and the demo's sandboxes). Each is recorded as it opens or starts; {@link #close()}
 * closes them in the reverse order, every one even when another fails, once.
 *
 * <p>Thread-safe. A resource handed over after {@link #close()} is closed at once and refused, so nothing
 * opened during a shutdown stays open.
 */
public final class Lifecycle implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

  private record Running(String name, AutoCloseable stop) {}

  private final Deque<Running> running = new ArrayDeque<>();
  private boolean closed;

  /** Takes ownership of {@code resource}, just opened; returns it. */
  public <T extends AutoCloseable> T own(String name, T resource) {
    register(name, resource);
    return resource;
  }

  /**
   * Runs {@code start} and owns {@code stop}. A start that fails is stopped at once (it may have started part
   * of itself) and its failure thrown.
   */
  public void start(String name, Runnable start, Runnable stop) {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("cannot start " + name + ": shutting down");
      }
    }
    try {
      start.run();
    } catch (RuntimeException | Error e) {
      try {
        stop.run();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    register(name, stop::run);
    LOG.debug("started {}", name);
  }

  /** The names of what is open or running, oldest first. */
  public synchronized List<String> running() {
    List<String> names = new ArrayList<>();
    running.descendingIterator().forEachRemaining(entry -> names.add(entry.name()));
    return names;
  }

  /**
   * Closes everything, newest first. Each close is tried; the first failure is thrown after all of them, the
   * others added to it as suppressed. Closing twice does nothing.
   */
  @Override
  public void close() {
    List<Running> closing = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      while (!running.isEmpty()) {
        closing.add(running.pop());
      }
    }
    RuntimeException failure = null;
    for (Running entry : closing) {
      try {
        entry.stop().close();
        LOG.debug("closed {}", entry.name());
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", entry.name(), e.toString());
        if (failure == null) {
          failure = new IllegalStateException("closing " + entry.name() + " failed: " + e.getMessage(), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private synchronized void register(String name, AutoCloseable stop) {
    refuseWhenClosed(name, stop);
    running.push(new Running(name, stop));
  }

  /** After close: closes {@code stop} and refuses it. Call holding the lock. */
  private void refuseWhenClosed(String name, AutoCloseable stop) {
    if (!closed) {
      return;
    }
    IllegalStateException refused = new IllegalStateException("cannot start " + name + ": shutting down");
    try {
      stop.close();
    } catch (Exception e) {
      refused.addSuppressed(e);
    }
    throw refused;
  }
}
