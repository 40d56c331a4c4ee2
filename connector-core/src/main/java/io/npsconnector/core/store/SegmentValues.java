package io.npsconnector.core.store;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a contact's segment values are kept for filtering and grouping: one row per segment, keyed by the value
 * trimmed and case-folded, so that "EMEA", "emea" and "Emea " are one group.
 */
public final class SegmentValues {
  static final int MAX_SEGMENT = 63;
  static final int MAX_VALUE = 255;

  private SegmentValues() {}

  /** The group key of a segment value: trimmed, lower case (locale-independent), cut to the column's size. */
  public static String key(String value) {
    String key = value.strip().toLowerCase(Locale.ROOT);
    return key.length() <= MAX_VALUE ? key : key.substring(0, MAX_VALUE);
  }

  /** The segments worth a row: a name that fits and a value that is not blank, cut to the column's size. */
  public static Map<String, String> rows(Map<String, String> segments) {
    Map<String, String> rows = new LinkedHashMap<>();
    segments.forEach((segment, value) -> {
      if (segment != null && segment.length() <= MAX_SEGMENT && value != null && !value.isBlank()) {
        rows.put(segment, value.length() <= MAX_VALUE ? value : value.substring(0, MAX_VALUE));
      }
    });
    return rows;
  }
}
