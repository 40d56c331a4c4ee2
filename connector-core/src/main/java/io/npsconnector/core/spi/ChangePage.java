package io.npsconnector.core.spi;

import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.InteractionEvent;
import java.util.List;
import java.util.Objects;

/**
 * One page of changes.
 *
 * @param next the cursor to read the following page with; equal to the one read with when nothing changed
 * @param hasMore true when the engine should read again at once (more pages are waiting)
 * @param apiCalls how many CRM API calls reading this page took, for the call budget and reports
 */
public record ChangePage(
    List<Contact> contacts, List<InteractionEvent> events, SyncCursor next, boolean hasMore, int apiCalls) {
  public ChangePage {
    contacts = List.copyOf(contacts);
    events = List.copyOf(events);
    Objects.requireNonNull(next, "next");
    if (apiCalls < 0) {
      throw new IllegalArgumentException("apiCalls < 0: " + apiCalls);
    }
  }

  /** Nothing read, the cursor kept: what an adapter answers while it holds its sync back (an API budget). */
  public static ChangePage paused(SyncCursor cursor) {
    return new ChangePage(List.of(), List.of(), cursor, false, 0);
  }
}
