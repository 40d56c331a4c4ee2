package io.npsconnector.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
  @Test
  void suggestsTheNearestKnownKey() {
    assertThat(Suggestions.didYouMean("trigers", List.of("triggers", "templates")))
        .isEqualTo(" — did you mean 'triggers'?");
    assertThat(Suggestions.didYouMean("Company", List.of("company"))).isEqualTo(" — did you mean 'company'?");
  }

  @Test
  void suggestsNothingWhenNothingIsClose() {
    assertThat(Suggestions.didYouMean("colour", List.of("triggers", "templates"))).isEmpty();
  }

  @Test
  void quietHoursMayWrapMidnight() {
    SendWindowConfig.QuietHours night = new SendWindowConfig.QuietHours(LocalTime.of(20, 0), LocalTime.of(9, 0));
    SendWindowConfig.QuietHours lunch = new SendWindowConfig.QuietHours(LocalTime.of(12, 0), LocalTime.of(13, 0));

    assertThat(night.contains(LocalTime.of(23, 0))).isTrue();
    assertThat(night.contains(LocalTime.of(8, 59))).isTrue();
    assertThat(night.contains(LocalTime.of(9, 0))).isFalse();
    assertThat(night.contains(LocalTime.of(19, 59))).isFalse();
    assertThat(night.contains(LocalTime.of(20, 0))).isTrue();
    assertThat(lunch.contains(LocalTime.of(12, 30))).isTrue();
    assertThat(lunch.contains(LocalTime.of(13, 0))).isFalse();
  }
}
