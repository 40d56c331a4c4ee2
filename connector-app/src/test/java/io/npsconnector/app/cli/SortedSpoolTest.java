package io.npsconnector.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SortedSpoolTest {
  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

  @Test
  void readsRowsBackSortedAcrossSpilledRunsWithTiesInTheOrderPut() {
    List<String> seen = new ArrayList<>();
    try (SortedSpool spool = new SortedSpool(2, List.of("AT", "WHO"))) {
      spool.put(T0.plusSeconds(30), "crm", "c3", List.of("30", "third"));
      spool.put(T0, "crm", "c2", List.of("0", "tie, put first"));
      spool.put(T0.plusSeconds(10), "crm", "c1", List.of("10", "x"));
      spool.put(T0, "crm", "c2", List.of("0", "tie, put second"));
      spool.put(T0, "alpha", "c9", List.of("0", "an earlier connection, a very long name"));
      spool.put(T0.plusNanos(1), "crm", "c0", List.of("0+", "é, more than one byte"));
      spool.put(T0.minusSeconds(5), "crm", "c5", List.of("-5", "first"));

      assertThat(spool.count()).isEqualTo(7);
      assertThat(spool.widths()).containsExactly(2, "an earlier connection, a very long name".length());
      spool.forEachSorted(row -> seen.add(row.cells().get(1)));
    }
    assertThat(seen).containsExactly("first", "an earlier connection, a very long name", "tie, put first",
        "tie, put second", "é, more than one byte", "x", "third");
  }

  @Test
  void anEmptySpoolHandsNothingOver() {
    try (SortedSpool spool = new SortedSpool(3, List.of("AT"))) {
      List<SortedSpool.Row> rows = new ArrayList<>();
      spool.forEachSorted(rows::add);
      assertThat(rows).isEmpty();
      assertThat(spool.widths()).containsExactly(2);
    }
  }
}
