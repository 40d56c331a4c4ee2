package io.npsconnector.app.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.npsconnector.core.engine.SyncProgress;

/**
 * Shows long syncs and backfills as they go: on a terminal a progress line redrawn in place (a moving bar,
 * the counts and the rate), elsewhere a plain line every few seconds. Syncs that finish within
 * {@link #QUIET_FOR} show nothing, so routine incremental syncs stay silent.
 */
final class ProgressDisplay implements SyncProgress {
  static final Duration QUIET_FOR = Duration.ofSeconds(2);
  static final Duration LINE_EVERY = Duration.ofSeconds(5);
  private static final int BAR = 20;

  private final PrintStream out;
  private final boolean terminal;
  private final Map<String, Duration> lastLine = new ConcurrentHashMap<>();

  ProgressDisplay(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** On standard error, redrawn in place when the process runs on a terminal. */
  static ProgressDisplay forThisProcess() {
    return new ProgressDisplay(System.err, System.console() != null);
  }

  @Override
  public synchronized void update(String connection, Page page, boolean done) {
    if (page.elapsed().compareTo(QUIET_FOR) < 0) {
      if (done) {
        lastLine.remove(connection);
      }
      return;
    }
    if (terminal) {
      int position = page.pages() % (2 * BAR);
      int at = position < BAR ? position : 2 * BAR - position - 1;
      StringBuilder bar = new StringBuilder("[");
      for (int i = 0; i < BAR; i++) {
        bar.append(done ? '=' : i == at ? '>' : i < at ? '=' : ' ');
      }
      bar.append(']');
      out.print("\r" + bar + " " + describe(connection, page) + (done ? " done" : "") + "   ");
      if (done) {
        out.println();
      }
      out.flush();
    } else {
      Duration previous = lastLine.get(connection);
      if (done || previous == null || page.elapsed().minus(previous).compareTo(LINE_EVERY) >= 0) {
        lastLine.put(connection, page.elapsed());
        out.println(describe(connection, page) + (done ? " — done" : ""));
        out.flush();
      }
    }
    if (done) {
      lastLine.remove(connection);
    }
  }

  static String describe(String connection, Page page) {
    return String.format(Locale.ROOT, "%s: sync %,d contacts, %,d events, %,d pages, %,d API calls, %,.0f records/s, "
        + "%ds", connection, page.contacts(), page.events(), page.pages(), page.apiCalls(), page.rate(),
        page.elapsed().toSeconds());
  }
}
