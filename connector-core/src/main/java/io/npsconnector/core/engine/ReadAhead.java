package io.npsconnector.core.engine;

import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.SyncCursor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one sync's pages on a thread of its own, so that the CRM answers the next page while the caller stores
 * the last one. At most one read is in flight or waiting to be taken: a sync holds the page it stores and the
 * page after it, never more. The adapter is called one page after the other, as on the caller's thread, only
 * not on it; what a read throws reaches the caller as it was thrown. {@link #close()} stops a read still under
 * way (its page is dropped, and read again from the committed cursor by the next sync) and waits for the
 * thread to end, so that no read outlives its sync.
 */
final class ReadAhead implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReadAhead.class);
  private static final String OPERATION = "read changes";

  private final String connection;
  private final CrmAdapter adapter;
  private final ExecutorService reader;
  private volatile Thread readerThread;
  private Future<ChangePage> pending;

  ReadAhead(String connection, CrmAdapter adapter) {
    this.connection = connection;
    this.adapter = adapter;
    this.reader = Executors.newSingleThreadExecutor(work -> {
      Thread thread = new Thread(work, "nps-sync-read-" + connection);
      thread.setDaemon(true);
      readerThread = thread;
      return thread;
    });
  }

  /**
   * Starts reading the page after {@code cursor}.
   *
   * @throws IllegalStateException when the page requested before was not taken yet
   */
  void request(SyncCursor cursor) {
    if (pending != null) {
      throw new IllegalStateException(connection + ": a page is already being read");
    }
    pending = reader.submit(() -> adapter.readChanges(cursor));
  }

  /** Whether a page was requested and not taken yet. */
  boolean requested() {
    return pending != null;
  }

  /**
   * The page requested last, once it is read.
   *
   * @throws CrmException (or any other unchecked exception or error) as the adapter threw it
   */
  ChangePage take() {
    if (pending == null) {
      throw new IllegalStateException(connection + ": no page was requested");
    }
    Future<ChangePage> page = pending;
    pending = null;
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return page.get();
        } catch (ExecutionException e) {
          throw unchecked(e.getCause());
        } catch (InterruptedException e) {
          // handed on to the read, which ends (or not) as it would have on this thread
          interrupted = true;
          interruptReader();
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void interruptReader() {
    Thread thread = readerThread;
    if (thread != null) {
      thread.interrupt();
    }
  }

  private RuntimeException unchecked(Throwable thrown) {
    if (thrown instanceof RuntimeException runtime) {
      return runtime;
    }
    if (thrown instanceof Error error) {
      throw error;
    }
    return new IllegalStateException(connection + ": " + OPERATION + " failed: " + thrown, thrown);
  }

  /**
   * Stops a read still under way (interrupting it) and waits until the reader thread has ended, an interrupt of
   * the caller meanwhile kept for after the wait.
   */
  @Override
  public void close() {
    if (pending != null) {
      pending.cancel(true);
      pending = null;
    }
    reader.shutdownNow();
    boolean interrupted = false;
    while (true) {
      try {
        if (reader.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
        // an adapter's call that ignores interrupts ends at its own read timeout
        LOG.warn("{}: still waiting for a stopped read of the CRM's next page to end", connection);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
