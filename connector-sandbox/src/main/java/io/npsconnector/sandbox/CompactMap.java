package io.npsconnector.sandbox;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The values of one sandbox record, in insertion order, as a {@link java.util.LinkedHashMap} holds them (null
 * values kept), in one array of alternating names and values: a record holds a few dozen values at most, so a
 * linear look-up is as fast as hashing and takes a tenth of the memory, which is what lets a sandbox hold a
 * million records. Entries read through {@link #entrySet()} cannot be changed; not thread-safe.
 */
public class CompactMap extends AbstractMap<String, String> {
  private static final String[] EMPTY = new String[0];

  private String[] slots;
  private int size;

  public CompactMap() {
    this(0);
  }

  /** Room for {@code expected} values before the array grows. */
  public CompactMap(int expected) {
    slots = expected == 0 ? EMPTY : new String[expected * 2];
  }

  private int indexOf(Object name) {
    for (int i = 0; i < size; i++) {
      String key = slots[i * 2];
      if (key == name || key.equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The value a stored one stands for; a subclass may store a shared marker for a value it can make again (such
   * as a date it also keeps as an instant) and answer it here.
   */
  protected String shown(String stored) {
    return stored;
  }

  /** The value stored under {@code name}, before {@link #shown}. */
  protected String stored(Object name) {
    int i = indexOf(name);
    return i < 0 ? null : slots[i * 2 + 1];
  }

  @Override
  public String get(Object name) {
    int i = indexOf(name);
    return i < 0 ? null : shown(slots[i * 2 + 1]);
  }

  @Override
  public boolean containsKey(Object name) {
    return indexOf(name) >= 0;
  }

  @Override
  public String put(String name, String value) {
    Objects.requireNonNull(name, "name");
    int i = indexOf(name);
    if (i >= 0) {
      String old = shown(slots[i * 2 + 1]);
      slots[i * 2 + 1] = value;
      return old;
    }
    if (size * 2 == slots.length) {
      slots = Arrays.copyOf(slots, Math.max(8, slots.length + slots.length / 2 + 2) & ~1);
    }
    slots[size * 2] = name;
    slots[size * 2 + 1] = value;
    size++;
    return null;
  }

  @Override
  public String remove(Object name) {
    int i = indexOf(name);
    if (i < 0) {
      return null;
    }
    String old = shown(slots[i * 2 + 1]);
    System.arraycopy(slots, i * 2 + 2, slots, i * 2, (size - i - 1) * 2);
    size--;
    slots[size * 2] = null;
    slots[size * 2 + 1] = null;
    return old;
  }

  @Override
  public void clear() {
    Arrays.fill(slots, null);
    size = 0;
  }

  @Override
  public int size() {
    return size;
  }

  /** Gives back the room no value uses (after a record is built). */
  public void trim() {
    if (slots.length > size * 2) {
      slots = size == 0 ? EMPTY : Arrays.copyOf(slots, size * 2);
    }
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, String>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Entry<String, String> next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new SimpleImmutableEntry<>(slots[i * 2], shown(slots[i * 2 + 1]));
          }
        };
      }

      @Override
      public int size() {
        return size;
      }
    };
  }
}
