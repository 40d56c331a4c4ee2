package io.npsconnector.hubspot.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {
  @Test
  void readsHubSpotsShapesAsTheGeneralParserDoes() {
    for (String value : List.of("2025-03-03T09:00:00Z", "2025-03-03T09:00:00.5Z", "2025-03-03T09:00:00.123Z",
        "2024-02-29T23:59:59.999999999Z", "1970-01-01T00:00:00Z", "2026-12-31T00:00:00.000001Z")) {
      assertThat(IsoInstants.parse(value)).as(value).isEqualTo(Instant.parse(value));
      assertThat(ContactMapping.instant(Optional.of(value))).as(value).contains(Instant.parse(value));
    }
  }

  @Test
  void leavesEverythingElseToTheGeneralParser() {
    for (String value : List.of("2025-03-03T09:00:00+01:00", "2025-03-03 09:00:00Z", "2025-13-03T09:00:00Z",
        "2023-02-29T09:00:00Z", "2025-03-03T24:00:00Z", "2025-03-03T09:00:00.Z", "2025-03-03T09:00:00.1234567890Z",
        "2025-03-0xT09:00:00Z", "yesterday", "")) {
      assertThat(IsoInstants.parse(value)).as(value).isNull();
    }
    assertThat(ContactMapping.instant(Optional.of("2025-03-03T09:00:00+01:00")))
        .contains(Instant.parse("2025-03-03T08:00:00Z"));
    assertThat(ContactMapping.instant(Optional.of("1741000000000"))).contains(Instant.ofEpochMilli(1741000000000L));
    assertThat(ContactMapping.instant(Optional.of("2023-02-29T09:00:00Z"))).isEmpty();
  }
}
