package io.npsconnector.core.spi;

import java.util.Objects;

/**
 * Where a sync stopped, opaque to the engine: the adapter encodes it, the engine stores it only
 * after everything read before it is stored.
 */
public record SyncCursor(String value) {
  /** Before the first sync. */
  public static final SyncCursor START = new SyncCursor("");

  public SyncCursor {
    Objects.requireNonNull(value, "value");
  }

  public boolean isStart() {
    return value.isEmpty();
  }
}
