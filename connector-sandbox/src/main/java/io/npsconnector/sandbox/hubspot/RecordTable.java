package io.npsconnector.sandbox.hubspot;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/**
 * One object type's records in id order (ids only grow, so a record is appended), with each record's
 * last-modified date parsed once, when it is written, into a column searches read without parsing anything.
 * Archived records leave an empty slot. Not thread-safe.
 */
final class RecordTable {
  /** The modified-date key of a record whose value does not compare as an instant (unset, a number, text). */
  static final long IRREGULAR = Long.MIN_VALUE;

  private final String modifiedName;
  private long[] ids = new long[64];
  private Portal.Record[] records = new Portal.Record[64];
  private long[] modified = new long[64];
  private int slots;
  private int alive;
  private int irregular;
  /** The slots of the live records, in order, when some slot is empty; null until asked for again. */
  private int[] liveSlots;

  RecordTable(String modifiedName) {
    this.modifiedName = modifiedName;
  }

  /** The property holding the last-modified date ({@code lastmodifieddate} or {@code hs_lastmodifieddate}). */
  String modifiedName() {
    return modifiedName;
  }

  int size() {
    return alive;
  }

  int slots() {
    return slots;
  }

  /** Appends a record with a greater id than every other. */
  void add(Portal.Record record) {
    if (slots > 0 && record.id <= ids[slots - 1]) {
      throw new IllegalStateException("record ids only grow: " + record.id + " after " + ids[slots - 1]);
    }
    if (slots == ids.length) {
      int capacity = slots + (slots >> 1);
      ids = Arrays.copyOf(ids, capacity);
      records = Arrays.copyOf(records, capacity);
      modified = Arrays.copyOf(modified, capacity);
    }
    ids[slots] = record.id;
    records[slots] = record;
    modified[slots] = IRREGULAR;
    irregular++;
    record.slot = slots;
    slots++;
    alive++;
    record.properties.attach(this);
  }

  Portal.Record get(long id) {
    int slot = Arrays.binarySearch(ids, 0, slots, id);
    return slot < 0 ? null : records[slot];
  }

  void remove(Portal.Record record) {
    int slot = record.slot;
    if (records[slot] != record) {
      return;
    }
    if (modified[slot] == IRREGULAR) {
      irregular--;
    }
    records[slot] = null;
    alive--;
    liveSlots = null;
  }

  /** The record's modified-date value changed: parses it into the column. */
  void modifiedChanged(Portal.Record record, String value) {
    modifiedChanged(record, key(value));
  }

  /** The record's modified date is now the instant {@code key} (or {@link #IRREGULAR}). */
  void modifiedChanged(Portal.Record record, long key) {
    int slot = record.slot;
    if (records[slot] != record) {
      return;
    }
    if ((modified[slot] == IRREGULAR) != (key == IRREGULAR)) {
      irregular += key == IRREGULAR ? 1 : -1;
    }
    modified[slot] = key;
  }

  /**
   * The instant a modified-date value stands for when search compares it as one (see {@link Portal#compare}): a
   * value that is not a number but parses as a date; {@link #IRREGULAR} for any other.
   */
  static long key(String value) {
    if (value == null || value.isBlank() || Portal.number(value).isPresent()) {
      return IRREGULAR;
    }
    return Portal.millis(value).orElse(IRREGULAR);
  }

  /** How many live records have a modified date that does not compare as an instant. */
  int irregular() {
    return irregular;
  }

  Portal.Record at(int slot) {
    return records[slot];
  }

  long idAt(int slot) {
    return ids[slot];
  }

  long modifiedAt(int slot) {
    return modified[slot];
  }

  /** The first slot whose id is at least {@code id}. */
  int slotFrom(long id) {
    int slot = Arrays.binarySearch(ids, 0, slots, id);
    return slot < 0 ? -slot - 1 : slot;
  }

  /** The live records in id order, as a list (positions count live records only). */
  List<Portal.Record> records() {
    return new AbstractList<>() {
      @Override
      public Portal.Record get(int index) {
        return records[slotOf(index)];
      }

      @Override
      public int size() {
        return alive;
      }
    };
  }

  /** The live records' ids in id order, as a list. */
  List<Long> ids() {
    return new AbstractList<>() {
      @Override
      public Long get(int index) {
        return ids[slotOf(index)];
      }

      @Override
      public int size() {
        return alive;
      }
    };
  }

  private int slotOf(int index) {
    if (index < 0 || index >= alive) {
      throw new IndexOutOfBoundsException("index " + index + " of " + alive);
    }
    if (alive == slots) {
      return index;
    }
    if (liveSlots == null) {
      int[] live = new int[alive];
      int n = 0;
      for (int slot = 0; slot < slots; slot++) {
        if (records[slot] != null) {
          live[n++] = slot;
        }
      }
      liveSlots = live;
    }
    return liveSlots[index];
  }
}
