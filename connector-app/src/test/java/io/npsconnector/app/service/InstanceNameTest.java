package io.npsconnector.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.npsconnector.config.SchedulerConfig;

class InstanceNameTest {
  @Test
  void theDefaultIsTheHostAndThePortTheSameAtEveryRestart() {
    assertThat(InstanceName.derived("web-1.eu.example.com", 8080)).isEqualTo("web-1.eu.example.com-8080")
        .isEqualTo(InstanceName.derived("web-1.eu.example.com", 8080));
    assertThat(InstanceName.derived("web-1", 8081)).isNotEqualTo(InstanceName.derived("web-1", 8080));
  }

  @Test
  void aHostNameIsMadeAValidInstanceName() {
    assertThat(InstanceName.derived("_Web 1:2", 80)).isEqualTo("web-1-2-80");
    assertThat(InstanceName.derived("", 80)).isEqualTo("npsconnector-80");
    String longest = InstanceName.derived("h".repeat(300), 65_535);
    assertThat(longest).hasSizeLessThanOrEqualTo(SchedulerConfig.MAX_NAME_LENGTH).endsWith("-65535");
  }

  @Test
  void onAnyFreePortThePortPartIsRandom() {
    assertThat(InstanceName.derived("web-1", 0)).matches("web-1-[0-9a-f]{8}")
        .isNotEqualTo(InstanceName.derived("web-1", 0));
  }
}
