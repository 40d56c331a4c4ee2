package io.npsconnector.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  @Test
  void defaultsAreTheIssuesSetting() {
    Bench.Options options = Bench.parse(new String[0]);

    assertThat(options.contacts()).isEqualTo(100_000);
    assertThat(options.answers()).isEqualTo(10_000);
    assertThat(options.heap()).isEqualTo("256m");
    assertThat(options.searchLimit()).isEqualTo(5);
    assertThat(options.rateLimit()).isEqualTo(100);
    assertThat(options.h2()).isTrue();
    assertThat(options.pg()).isTrue();
    assertThat(options.wants("sync")).isTrue();
    assertThat(options.wants("scale")).as("memory rows only at scale").isFalse();
    assertThat(options.warmJvm()).as("warm-JVM first syncs only when asked").isFalse();
    assertThat(Bench.parse(new String[] {"--only", "sync", "--warm-jvm"}).warmJvm()).isTrue();
  }

  @Test
  void theMemoryRowsRunFromAMillionContactsOrWhenAsked() {
    assertThat(Bench.parse(new String[] {"--contacts", "1,000,000"}).wants("scale")).isTrue();
    assertThat(Bench.parse(new String[] {"--contacts", "10000", "--scale"}).wants("scale")).isTrue();
  }

  @Test
  void onlyRunsTheNamedGroups() {
    Bench.Options options = Bench.parse(new String[] {"--only", "limits,writeback", "--store", "h2"});

    assertThat(options.only()).isEqualTo(Set.of("limits", "writeback"));
    assertThat(options.wants("sync")).isFalse();
    assertThat(options.wants("writeback")).isTrue();
    assertThat(options.pg()).isFalse();
  }

  @Test
  void refusesWhatItDoesNotKnow() {
    assertThatThrownBy(() -> Bench.parse(new String[] {"--only", "everything"}))
        .hasMessageContaining("--only names groups of");
    assertThatThrownBy(() -> Bench.parse(new String[] {"--store", "mysql"})).hasMessageContaining("h2, pg or both");
    assertThatThrownBy(() -> Bench.parse(new String[] {"--contacts", "0"})).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> Bench.parse(new String[] {"--contacts"})).hasMessageContaining("needs a value");
  }

  @Test
  void rowsJudgeTheirRatioAgainstTheTarget() {
    assertThat(Row.atMost("a", "work", "13 s", "bare 10 s", 1.3, 1.3).verdict()).isEqualTo(Row.PASS);
    assertThat(Row.atMost("a", "work", "14 s", "bare 10 s", 1.4, 1.3).verdict()).isEqualTo(Row.FAIL);
    assertThat(Row.atLeast("s", "sends", "150/s", "200/s", 0.75, 1.0).verdict()).isEqualTo(Row.FAIL);
    assertThat(Row.check("c", "429s", "0", "0", true).verdict()).isEqualTo(Row.PASS);
    assertThat(Row.figure("f", "heap", "20 MB").ratioText()).isEqualTo("-");
  }

  @Test
  void theMarkdownTableHasOneLinePerRow() {
    Report report = new Report(Map.of("contacts", "10,000"));
    report.add(Row.atMost("sync-h2-wall", "first sync: wall", "13.00 s", "bare pull 10.00 s", 1.3, 1.3));

    assertThat(report.markdown()).contains("- contacts: 10,000")
        .contains("| first sync: wall | 13.00 s | bare pull 10.00 s | 1.30x | <= 1.30x | PASS |");
  }
}
