package io.npsconnector.core.engine;

import java.time.Duration;

/**
 * Told after every page of a sync, so that long syncs and first backfills show how far they are. The
 * command line draws a progress bar on a terminal and writes plain log lines otherwise.
 */
@FunctionalInterface
public interface SyncProgress {
  SyncProgress NONE = (connection, page, done) -> { };

  /**
   * @param page what this run has read so far
   * @param done true after the run's last page
   */
  void update(String connection, Page page, boolean done);

  /** What one sync run has read so far. */
  record Page(int pages, int contacts, int events, int apiCalls, Duration elapsed) {
    /** Records (contacts and events) per second so far. */
    public double rate() {
      double seconds = Math.max(0.001, elapsed.toMillis() / 1000.0);
      return (contacts + events) / seconds;
    }
  }
}
