package io.npsconnector.sandbox.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * One CRM search over a {@link RecordTable}, with the answers of a scan of every record: the filter groups
 * (any group, all of its filters), one sort (then by id), exact totals. Filters on the record id and range
 * filters on the modified date whose bound reads as an instant are answered from the table's id order and its
 * parsed modified-date column; every other filter is checked on the records left ({@link SearchFilter}). Sorting by id walks the id order; sorting by the modified date keeps only
 * the records up to the page's end; any other sort sorts the matches.
 */
final class RecordSearch {
  private static final Set<String> RANGE_OPERATORS = Set.of("EQ", "LT", "LTE", "GT", "GTE", "BETWEEN");
  /** Bounds of ids beyond which a double no longer names one whole number exactly. */
  private static final double EXACT = 1e15;

  /** The matches' count and the records of the page asked for. */
  record Found(int total, List<Portal.Record> page) {}

  /** One filter group: the id range and modified-date range its range filters allow, and the other filters. */
  private static final class Group {
    final List<SearchFilter> filters = new ArrayList<>();
    final List<SearchFilter> rest = new ArrayList<>();
    long idLow = Long.MIN_VALUE;
    long idHigh = Long.MAX_VALUE;
    long modifiedLow = Long.MIN_VALUE;
    long modifiedHigh = Long.MAX_VALUE;
    boolean onModified;

    boolean matches(Portal.Record record, long id, long modified) {
      if (id < idLow || id > idHigh) {
        return false;
      }
      if (modified == RecordTable.IRREGULAR) {
        // a modified date that does not compare as an instant: every filter as the scan checks it
        for (SearchFilter filter : filters) {
          if (!filter.test(record)) {
            return false;
          }
        }
        return true;
      }
      if (onModified && (modified < modifiedLow || modified > modifiedHigh)) {
        return false;
      }
      for (SearchFilter filter : rest) {
        if (!filter.test(record)) {
          return false;
        }
      }
      return true;
    }
  }

  private enum Order { ID, MODIFIED, OTHER }

  private final RecordTable table;
  private final List<Group> groups = new ArrayList<>();
  private final boolean anyRecord;
  private final String sortName;
  private final boolean descending;
  private final Order order;

  /**
   * @param filterGroups the request's {@code filterGroups}, their operators already checked
   * @param sortName the property sorted by, null for none (by id)
   */
  RecordSearch(RecordTable table, JsonNode filterGroups, String sortName, boolean descending) {
    this.table = table;
    this.anyRecord = filterGroups.isEmpty();
    for (JsonNode node : filterGroups) {
      groups.add(group(node, table.modifiedName()));
    }
    this.sortName = sortName;
    this.descending = descending;
    if (sortName == null || isId(sortName)) {
      order = Order.ID;
    } else if (sortName.equals(table.modifiedName())) {
      order = Order.MODIFIED;
    } else {
      order = Order.OTHER;
    }
  }

  private static boolean isId(String name) {
    return name.equals("hs_object_id") || name.equals("id");
  }

  private static Group group(JsonNode node, String modifiedName) {
    Group group = new Group();
    for (JsonNode filter : node.path("filters")) {
      SearchFilter compiled = new SearchFilter(filter);
      group.filters.add(compiled);
      String name = filter.path("propertyName").asText();
      String operator = filter.path("operator").asText("EQ");
      boolean used = false;
      if (RANGE_OPERATORS.contains(operator) && isId(name)) {
        used = idRange(group, filter, operator);
      } else if (RANGE_OPERATORS.contains(operator) && name.equals(modifiedName)) {
        used = modifiedRange(group, filter, operator);
      }
      if (!used) {
        group.rest.add(compiled);
      }
    }
    return group;
  }

  /**
   * An id (a number) compares with a number bound as doubles; ids are far below 2^53, so the range is exact.
   * Any other bound is left to the filter check.
   */
  private static boolean idRange(Group group, JsonNode filter, String operator) {
    String bound = filter.path("value").asText(null);
    if (bound == null) {
      return false;
    }
    OptionalDouble low = Portal.number(bound);
    if (low.isEmpty() || Math.abs(low.getAsDouble()) > EXACT) {
      return false;
    }
    double d = low.getAsDouble();
    long from;
    long to;
    switch (operator) {
      case "EQ" -> {
        if (d != Math.rint(d)) {
          from = 1;
          to = 0;
        } else {
          from = (long) d;
          to = (long) d;
        }
      }
      case "GT" -> {
        from = (long) Math.floor(d) + 1;
        to = Long.MAX_VALUE;
      }
      case "GTE" -> {
        from = (long) Math.ceil(d);
        to = Long.MAX_VALUE;
      }
      case "LT" -> {
        from = Long.MIN_VALUE;
        to = (long) Math.ceil(d) - 1;
      }
      case "LTE" -> {
        from = Long.MIN_VALUE;
        to = (long) Math.floor(d);
      }
      default -> { // BETWEEN
        OptionalDouble high = Portal.number(filter.path("highValue").asText(bound));
        if (high.isEmpty() || Math.abs(high.getAsDouble()) > EXACT) {
          return false;
        }
        from = (long) Math.ceil(d);
        to = (long) Math.floor(high.getAsDouble());
      }
    }
    group.idLow = Math.max(group.idLow, from);
    group.idHigh = Math.min(group.idHigh, to);
    return true;
  }

  /**
   * A modified date that is not a number but an instant compares with a bound that reads as an instant (ISO or
   * epoch milliseconds) as instants; a bound that does not read as one is left to the filter check.
   */
  private static boolean modifiedRange(Group group, JsonNode filter, String operator) {
    String bound = filter.path("value").asText(null);
    if (bound == null) {
      return false;
    }
    java.util.Optional<Long> at = Portal.millis(bound);
    if (at.isEmpty()) {
      return false;
    }
    long m = at.get();
    long from;
    long to;
    switch (operator) {
      case "EQ" -> {
        from = m;
        to = m;
      }
      case "GT" -> {
        from = m == Long.MAX_VALUE ? Long.MAX_VALUE : m + 1;
        to = m == Long.MAX_VALUE ? Long.MIN_VALUE : Long.MAX_VALUE;
      }
      case "GTE" -> {
        from = m;
        to = Long.MAX_VALUE;
      }
      case "LT" -> {
        from = Long.MIN_VALUE;
        to = m - 1;
      }
      case "LTE" -> {
        from = Long.MIN_VALUE;
        to = m;
      }
      default -> { // BETWEEN
        java.util.Optional<Long> high = Portal.millis(filter.path("highValue").asText(bound));
        if (high.isEmpty()) {
          return false;
        }
        from = m;
        to = high.get();
      }
    }
    group.onModified = true;
    group.modifiedLow = Math.max(group.modifiedLow, from);
    group.modifiedHigh = Math.min(group.modifiedHigh, to);
    return true;
  }

  /** The matches' total and the page of {@code limit} from {@code offset} in the sort's order. */
  Found page(int offset, int limit) {
    long idLow = Long.MAX_VALUE;
    long idHigh = Long.MIN_VALUE;
    if (anyRecord) {
      idLow = Long.MIN_VALUE;
      idHigh = Long.MAX_VALUE;
    }
    for (Group group : groups) {
      if (group.idLow <= group.idHigh) {
        idLow = Math.min(idLow, group.idLow);
        idHigh = Math.max(idHigh, group.idHigh);
      }
    }
    if (idLow > idHigh) {
      return new Found(0, List.of());
    }
    int first = table.slotFrom(idLow);
    int end = idHigh == Long.MAX_VALUE ? table.slots() : table.slotFrom(idHigh + 1);
    return switch (order) {
      case ID -> descending ? byIdDescending(first, end, offset, limit) : byId(first, end, offset, limit);
      case MODIFIED -> byModified(first, end, offset, limit);
      default -> sorted(first, end, offset, limit);
    };
  }

  private boolean matches(int slot) {
    Portal.Record record = table.at(slot);
    if (record == null) {
      return false;
    }
    if (anyRecord) {
      return true;
    }
    long id = table.idAt(slot);
    long modified = table.modifiedAt(slot);
    for (Group group : groups) {
      if (group.matches(record, id, modified)) {
        return true;
      }
    }
    return false;
  }

  private Found byId(int first, int end, int offset, int limit) {
    List<Portal.Record> page = new ArrayList<>(Math.min(limit, 256));
    int total = 0;
    for (int slot = first; slot < end; slot++) {
      if (matches(slot)) {
        if (total >= offset && total - offset < limit) {
          page.add(table.at(slot));
        }
        total++;
      }
    }
    return new Found(total, page);
  }

  private Found byIdDescending(int first, int end, int offset, int limit) {
    List<Portal.Record> page = new ArrayList<>(Math.min(limit, 256));
    int total = 0;
    for (int slot = end - 1; slot >= first; slot--) {
      if (matches(slot)) {
        if (total >= offset && total - offset < limit) {
          page.add(table.at(slot));
        }
        total++;
      }
    }
    return new Found(total, page);
  }

  /**
   * By modified date (ties by id, ascending either way): the first {@code offset + limit} matches in a bounded
   * heap. A match whose modified date does not compare as an instant sorts as the scan sorts it.
   */
  private Found byModified(int first, int end, int offset, int limit) {
    int keep = offset + limit;
    SlotHeap heap = new SlotHeap(keep, descending, table);
    int total = 0;
    for (int slot = first; slot < end; slot++) {
      if (matches(slot)) {
        if (table.modifiedAt(slot) == RecordTable.IRREGULAR) {
          return sorted(first, end, offset, limit);
        }
        heap.offer(slot);
        total++;
      }
    }
    int[] slots = heap.sorted();
    List<Portal.Record> page = new ArrayList<>(Math.min(limit, 256));
    for (int i = offset; i < slots.length; i++) {
      page.add(table.at(slots[i]));
    }
    return new Found(total, page);
  }

  /** Any other sort: the matches sorted as the scan sorts them. */
  private Found sorted(int first, int end, int offset, int limit) {
    List<Portal.Record> found = new ArrayList<>();
    for (int slot = first; slot < end; slot++) {
      if (matches(slot)) {
        found.add(table.at(slot));
      }
    }
    if (sortName != null) {
      String name = sortName;
      Comparator<Portal.Record> by = (a, b) -> Portal.compareNullable(Portal.value(a, name), Portal.value(b, name));
      if (descending) {
        by = by.reversed();
      }
      found.sort(by.thenComparingLong(record -> record.id));
    }
    int total = found.size();
    return new Found(total, List.copyOf(found.subList(Math.min(offset, total), Math.min(total, offset + limit))));
  }

  /**
   * The {@code capacity} slots first by (modified date, id), or by (modified date descending, id): a heap whose
   * top is the last kept, so a slot after it is dropped at once.
   */
  private static final class SlotHeap {
    private final int[] heap;
    private final boolean descending;
    private final RecordTable table;
    private int size;

    SlotHeap(int capacity, boolean descending, RecordTable table) {
      this.heap = new int[capacity];
      this.descending = descending;
      this.table = table;
    }

    /** Negative when slot {@code a} sorts before slot {@code b}. */
    private int compare(int a, int b) {
      int byDate = Long.compare(table.modifiedAt(a), table.modifiedAt(b));
      if (byDate != 0) {
        return descending ? -byDate : byDate;
      }
      return Long.compare(table.idAt(a), table.idAt(b));
    }

    void offer(int slot) {
      if (heap.length == 0) {
        return;
      }
      if (size < heap.length) {
        heap[size] = slot;
        up(size++);
      } else if (compare(slot, heap[0]) < 0) {
        heap[0] = slot;
        down(0);
      }
    }

    private void up(int i) {
      while (i > 0) {
        int parent = (i - 1) / 2;
        if (compare(heap[i], heap[parent]) <= 0) {
          return;
        }
        swap(i, parent);
        i = parent;
      }
    }

    private void down(int i) {
      while (true) {
        int left = 2 * i + 1;
        int largest = i;
        if (left < size && compare(heap[left], heap[largest]) > 0) {
          largest = left;
        }
        if (left + 1 < size && compare(heap[left + 1], heap[largest]) > 0) {
          largest = left + 1;
        }
        if (largest == i) {
          return;
        }
        swap(i, largest);
        i = largest;
      }
    }

    private void swap(int i, int j) {
      int t = heap[i];
      heap[i] = heap[j];
      heap[j] = t;
    }

    /** The kept slots in sort order. */
    int[] sorted() {
      int[] out = new int[size];
      while (size > 0) {
        out[size - 1] = heap[0];
        heap[0] = heap[--size];
        down(0);
      }
      return out;
    }
  }
}
