package io.npsconnector.core.spi.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.npsconnector.core.spi.SyncCursor;

/**
 * Adapter cursors kept as compact JSON in {@link SyncCursor#value()}: a record of the adapter's own, with a
 * start value that encodes as {@link SyncCursor#START}.
 */
public final class JsonCursors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonCursors() {}

  /**
   * @param what names the cursor in the error ("a HubSpot sync cursor")
   * @throws IllegalArgumentException when the text is not such a cursor
   */
  public static <T> T decode(SyncCursor cursor, Class<T> type, T start, String what) {
    if (cursor.isStart()) {
      return start;
    }
    try {
      return JSON.readValue(cursor.value(), type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not " + what + ": " + cursor.value(), e);
    }
  }

  public static <T> SyncCursor encode(T value, T start) {
    if (value.equals(start)) {
      return SyncCursor.START;
    }
    try {
      return new SyncCursor(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the cursor " + value, e);
    }
  }
}
