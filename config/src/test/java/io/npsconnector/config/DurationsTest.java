package io.npsconnector.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @Test
  void readsShortAndIsoForms() {
    assertThat(Durations.parse("3d")).contains(Duration.ofDays(3));
    assertThat(Durations.parse("12h")).contains(Duration.ofHours(12));
    assertThat(Durations.parse("30m")).contains(Duration.ofMinutes(30));
    assertThat(Durations.parse("45s")).contains(Duration.ofSeconds(45));
    assertThat(Durations.parse("2w")).contains(Duration.ofDays(14));
    assertThat(Durations.parse("1h30m")).contains(Duration.ofMinutes(90));
    assertThat(Durations.parse("P3D")).contains(Duration.ofDays(3));
    assertThat(Durations.parse("p3d")).contains(Duration.ofDays(3));
    assertThat(Durations.parse("PT12H")).contains(Duration.ofHours(12));
    assertThat(Durations.parse("P1DT2H")).contains(Duration.ofHours(26));
    assertThat(Durations.parse("P2W")).contains(Duration.ofDays(14));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "3", "3 days", "d3", "-3d", "P3X", "PT-5M", "3y", "1.5h", "99999999999999999999d"})
  void refusesAnythingElse(String text) {
    assertThat(Durations.parse(text)).isEmpty();
  }

  @Test
  void formatsInTheShortForm() {
    assertThat(Durations.format(Duration.ofDays(3))).isEqualTo("3d");
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
  }
}
