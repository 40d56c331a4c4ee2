package io.npsconnector.core.store;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;

/**
 * The CRM's labels of segment values per connection, read once per sync and kept (V19), so that the dashboard
 * shows "Europe, Middle East and Africa" for {@code emea} without calling the CRM on each page view.
 */
public final class SegmentLabelRepository {
  private final Jdbi jdbi;

  public SegmentLabelRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * Replaces the connection's labels with {@code labels} (segment name to CRM value to label); values are keyed
   * case-folded and trimmed, as contacts' values are.
   */
  public void replace(String connection, Map<String, Map<String, String>> labels, Instant now) {
    jdbi.useTransaction(handle -> {
      handle.createUpdate("DELETE FROM segment_labels WHERE connection = :connection")
          .bind("connection", connection).execute();
      var batch = handle.prepareBatch("INSERT INTO segment_labels (connection, segment, value_key, label, read_at) "
          + "VALUES (:connection, :segment, :key, :label, :now)");
      int[] rows = {0};
      labels.forEach((segment, values) -> {
        Map<String, String> keyed = new TreeMap<>();
        values.forEach((value, label) -> {
          if (value != null && !value.isBlank() && label != null && !label.isBlank()) {
            keyed.putIfAbsent(SegmentValues.key(value), Sql.fit(label.strip(), SegmentValues.MAX_VALUE));
          }
        });
        if (segment.length() <= SegmentValues.MAX_SEGMENT) {
          keyed.forEach((key, label) -> {
            batch.bind("connection", connection).bind("segment", segment).bind("key", key).bind("label", label)
                .bind("now", Sql.timestamp(now)).add();
            rows[0]++;
          });
        }
      });
      if (rows[0] > 0) {
        batch.execute();
      }
    });
  }

  /** The connection's labels: segment name to value key to label. */
  public Map<String, Map<String, String>> labels(String connection) {
    Map<String, Map<String, String>> labels = new TreeMap<>();
    jdbi.useHandle(handle -> handle.createQuery("SELECT segment, value_key, label FROM segment_labels "
            + "WHERE connection = :connection")
        .bind("connection", connection)
        .map((rs, ctx) -> new String[] {rs.getString("segment"), rs.getString("value_key"), rs.getString("label")})
        .forEach(row -> labels.computeIfAbsent(row[0], segment -> new TreeMap<>()).put(row[1], row[2])));
    return labels;
  }
}
