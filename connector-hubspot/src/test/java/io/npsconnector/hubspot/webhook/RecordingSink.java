package io.npsconnector.hubspot.webhook;

import java.util.ArrayList;
import java.util.List;

/** A {@link StageChangeSink} that keeps every call, and fails the next calls when told to. */
final class RecordingSink implements StageChangeSink {
  private final List<List<StageChange>> calls = new ArrayList<>();
  private final List<StageChange> stored = new ArrayList<>();
  private int failuresLeft;

  synchronized RecordingSink failNext(int calls) {
    failuresLeft = calls;
    return this;
  }

  @Override
  public synchronized void stageChanges(List<StageChange> changes) {
    calls.add(List.copyOf(changes));
    if (failuresLeft > 0) {
      failuresLeft--;
      throw new IllegalStateException("store unavailable");
    }
    stored.addAll(changes);
  }

  /** Every call, failed ones included. */
  synchronized List<List<StageChange>> calls() {
    return List.copyOf(calls);
  }

  /** The changes of the calls that succeeded. */
  synchronized List<StageChange> stored() {
    return List.copyOf(stored);
  }
}
