package io.npsconnector.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfidenceIntervalTest {
  @Test
  void containsItsBounds() {
    ConfidenceInterval ci = ConfidenceInterval.of(-10, 20);

    assertThat(ci.contains(-10)).isTrue();
    assertThat(ci.contains(20)).isTrue();
    assertThat(ci.contains(0)).isTrue();
    assertThat(ci.contains(20.5)).isFalse();
  }

  @Test
  void refusesReversedBounds() {
    assertThatThrownBy(() -> ConfidenceInterval.of(5, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be finite with low <= high, got [5.0, 4.0]");
  }

  @Test
  void refusesNaN() {
    assertThatThrownBy(() -> ConfidenceInterval.of(Double.NaN, 4)).isInstanceOf(IllegalArgumentException.class);
  }
}
