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
 * @param recent per type, the records its last completed window read in that window's overlap with the next
 *     (modified at most the overlap before its end), by id, with the modified time they were read with (epoch
 *     ms): the next window reads them again and passes over those unchanged
 * @param tail the open window's records so far in its own overlap with the next (the next {@code recent})
 */
public record HubSpotCursor(String phase, Map<String, Long> checkpoints, long from, long to, long afterId,
    int offset, boolean seen, Map<String, Waiting> waiting, Map<String, Map<String, Long>> recent,
    Map<String, Long> tail) {
  public static final String CONTACTS = "contacts";
  public static final String DEALS = "deals";
  public static final String TICKETS = "tickets";
  public static final HubSpotCursor START = new HubSpotCursor(CONTACTS, Map.of(), -1, -1, 0, 0, false, Map.of(),
      Map.of(), Map.of());
  /**
   * The most records kept per type in {@code recent} (and in {@code tail}): the latest modified stay; one
   * dropped is read again by the next window (once more, never lost).
   */
  public static final int MAX_RECENT = 2_000;

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
    // cursors stored before windows remembered their overlap have neither
    recent = recent == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(recent));
    tail = tail == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tail));
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
    return new HubSpotCursor(phase, checkpoints, windowFrom, windowTo, 0, 0, false, waiting, recent, Map.of());
  }

  public HubSpotCursor page(long lastId, int nextOffset, boolean anything) {
    return new HubSpotCursor(phase, checkpoints, from, to, lastId, nextOffset, seen || anything, waiting, recent,
        tail);
  }

  /** Whether the open window's type read this record, unchanged, at the end of its last window. */
  public boolean readBefore(String id, long modified) {
    Long read = recent.getOrDefault(phase, Map.of()).get(id);
    return read != null && read == modified;
  }

  /**
   * This cursor with the records of a page that fall in the open window's overlap with the next one
   * ({@code modified > to - overlap}) added to its tail, keeping the latest {@value #MAX_RECENT}.
   *
   * @param modified each record of the page by id, with its modified time (epoch ms)
   */
  public HubSpotCursor remember(Map<String, Long> modified, long overlap) {
    Map<String, Long> updated = new java.util.HashMap<>(tail);
    modified.forEach((id, at) -> {
      if (at > to - overlap) {
        updated.put(id, at);
      }
    });
    if (updated.size() == tail.size()) {
      return this;
    }
    if (updated.size() > MAX_RECENT) {
      java.util.List<Map.Entry<String, Long>> oldestFirst = new java.util.ArrayList<>(updated.entrySet());
      oldestFirst.sort(Map.Entry.comparingByValue());
      oldestFirst.subList(0, updated.size() - MAX_RECENT).forEach(entry -> updated.remove(entry.getKey()));
    }
    return new HubSpotCursor(phase, checkpoints, from, to, afterId, offset, seen, waiting, recent, updated);
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
    return new HubSpotCursor(phase, checkpoints, from, to, afterId, offset, seen, updated, recent, tail);
  }

  /**
   * The open window is read to its end: its type is checked up to {@code to} (when the window held
   * anything; see {@code seen}); on to {@code next}.
   */
  public HubSpotCursor complete(String next, boolean anything) {
    Map<String, Long> updated = new LinkedHashMap<>(checkpoints);
    Map<String, Map<String, Long>> read = recent;
    if (seen || anything) {
      updated.put(phase, to);
      read = new TreeMap<>(recent);
      if (tail.isEmpty()) {
        read.remove(phase);
      } else {
        read.put(phase, tail);
      }
    }
    return new HubSpotCursor(next, updated, -1, -1, 0, 0, false, waiting, read, Map.of());
  }

  /** Skip a type that has nothing to read (no won or closed stages), keeping its checkpoint. */
  public HubSpotCursor skipTo(String next) {
    return new HubSpotCursor(next, checkpoints, -1, -1, 0, 0, false, waiting, recent, Map.of());
  }
}
