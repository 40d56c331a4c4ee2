package io.npsconnector.hubspot.mapping;

import io.npsconnector.core.spi.support.JsonCursors;
import io.npsconnector.core.spi.SyncCursor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a HubSpot sync stands, kept in {@link SyncCursor#value()} as compact JSON: for each object type
 * the modified time up to which everything was read ({@code checkpoints}, epoch ms), and, while a type's
 * window is being read, that window ({@code from}, {@code to}), the keyset lower bound ({@code afterId}:
 * only {@code hs_object_id > afterId}) and the search offset within it ({@code offset}).
 *
 * @param phase the object type being read: {@code contacts}, {@code deals} or {@code tickets}
 * @param from the open window's lower bound (epoch ms), or -1 when no window is open
 * @param seen whether the open window returned any record yet; a window that returned none leaves its
 *     type's checkpoint where it was (the next window covers the same time again, at no extra cost)
 * @param waiting per type ({@code deals}, {@code tickets}): won or closed records read without any contact,
 *     whose contacts may still be associated (which moves no modified date), to be checked again
 */
public record HubSpotCursor(String phase, Map<String, Long> checkpoints, long from, long to, long afterId,
    int offset, boolean seen, Map<String, Waiting> waiting) {
  public static final String CONTACTS = "contacts";
  public static final String DEALS = "deals";
  public static final String TICKETS = "tickets";
  public static final HubSpotCursor START = new HubSpotCursor(CONTACTS, Map.of(), -1, -1, 0, 0, false, Map.of());

  /**
   * Records of one type waiting for their first contact.
   *
   * @param ids each record's id and the time it was won or closed (epoch seconds)
   * @param checkedAt when their associations were last read (epoch ms)
   */
  public record Waiting(Map<String, Long> ids, long checkedAt) {
    public static final Waiting NONE = new Waiting(Map.of(), 0);

    public Waiting {
      ids = ids == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(ids));
    }
  }

  public HubSpotCursor {
    checkpoints = Map.copyOf(checkpoints);
    // cursors stored before records waited for contacts have no such field
    waiting = waiting == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(waiting));
  }

  public static HubSpotCursor decode(SyncCursor cursor) {
    return JsonCursors.decode(cursor, HubSpotCursor.class, START, "a HubSpot sync cursor");
  }

  public SyncCursor encode() {
    return JsonCursors.encode(this, START);
  }

  public boolean windowOpen() {
    return from >= 0;
  }

  public long checkpoint(String type) {
    return checkpoints.getOrDefault(type, 0L);
  }

  public HubSpotCursor open(long windowFrom, long windowTo) {
    return new HubSpotCursor(phase, checkpoints, windowFrom, windowTo, 0, 0, false, waiting);
  }

  public HubSpotCursor page(long lastId, int nextOffset, boolean anything) {
    return new HubSpotCursor(phase, checkpoints, from, to, lastId, nextOffset, seen || anything, waiting);
  }

  /** Whether this is the first page of the open window (no offset, no keyset bound yet). */
  public boolean firstPage() {
    return afterId == 0 && offset == 0;
  }

  public Waiting waiting(String type) {
    return waiting.getOrDefault(type, Waiting.NONE);
  }

  public HubSpotCursor waiting(String type, Waiting records) {
    Map<String, Waiting> updated = new TreeMap<>(waiting);
    if (records.ids().isEmpty()) {
      updated.remove(type);
    } else {
      updated.put(type, records);
    }
    return new HubSpotCursor(phase, checkpoints, from, to, afterId, offset, seen, updated);
  }

  /**
   * The open window is read to its end: its type is checked up to {@code to} (when the window held
   * anything; see {@code seen}); on to {@code next}.
   */
  public HubSpotCursor complete(String next, boolean anything) {
    Map<String, Long> updated = new LinkedHashMap<>(checkpoints);
    if (seen || anything) {
      updated.put(phase, to);
    }
    return new HubSpotCursor(next, updated, -1, -1, 0, 0, false, waiting);
  }

  /** Skip a type that has nothing to read (no won or closed stages), keeping its checkpoint. */
  public HubSpotCursor skipTo(String next) {
    return new HubSpotCursor(next, checkpoints, -1, -1, 0, 0, false, waiting);
  }
}
