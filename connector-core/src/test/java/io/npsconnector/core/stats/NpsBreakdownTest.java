package io.npsconnector.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.npsconnector.core.model.Score;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NpsBreakdownTest {
  @Test
  void talliesEachKeyAndOverall() {
    NpsBreakdown<String> breakdown = NpsBreakdown.sorted();
    breakdown.add("EMEA", Score.of(10));
    breakdown.add("EMEA", Score.of(3));
    breakdown.add("APAC", Score.of(8));

    assertThat(breakdown.groups()).containsExactly(
        Map.entry("APAC", NpsTally.of(0, 1, 0)),
        Map.entry("EMEA", NpsTally.of(1, 0, 1)));
    assertThat(breakdown.overall()).isEqualTo(NpsTally.of(1, 1, 1));
  }

  @Test
  void periodKeysComeOutChronologicallyAcrossTheYearEnd() {
    NpsBreakdown<String> breakdown = NpsBreakdown.sorted();
    for (String date : List.of("2027-01-04", "2026-12-31", "2024-12-30", "2026-11-22", "2027-01-01")) {
      breakdown.add(CalendarPeriod.WEEK.key(LocalDate.parse(date)), Score.of(9));
    }

    assertThat(breakdown.groups().keySet()).containsExactly("2025-W01", "2026-W47", "2026-W53", "2027-W01");
    assertThat(breakdown.groups().get("2026-W53").n()).isEqualTo(2);
  }

  @Test
  void compositeKeysSortByTheGivenOrder() {
    NpsBreakdown<List<String>> breakdown = NpsBreakdown.sortedBy(
        Comparator.<List<String>, String>comparing(key -> key.get(0)).thenComparing(key -> key.get(1)));
    breakdown.add(List.of("2026-Q4", "EMEA"), Score.of(9));
    breakdown.add(List.of("2026-Q3", "EMEA"), Score.of(9));
    breakdown.add(List.of("2026-Q4", "AMER"), Score.of(9));

    assertThat(breakdown.groups().keySet()).containsExactly(
        List.of("2026-Q3", "EMEA"), List.of("2026-Q4", "AMER"), List.of("2026-Q4", "EMEA"));
  }

  @Test
  void emptyBreakdownHasNoGroupsAndAnEmptyOverall() {
    NpsBreakdown<String> breakdown = NpsBreakdown.sorted();

    assertThat(breakdown.groups()).isEmpty();
    assertThat(breakdown.overall()).isEqualTo(NpsTally.EMPTY);
  }

  @Test
  void groupsAreReadOnly() {
    NpsBreakdown<String> breakdown = NpsBreakdown.sorted();

    assertThatThrownBy(() -> breakdown.groups().put("x", NpsTally.EMPTY))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
