package io.npsconnector.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.npsconnector.core.testing.TestClock;

class RefusalLogTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-03-10T10:00:00Z"));
  private final List<String> lines = new ArrayList<>();
  private final RefusalLog refusals = new RefusalLog(clock, Duration.ofMinutes(1), lines::add);

  @Test
  void refusalsWithinAnIntervalBecomeOneSummaryLineOfCounts() {
    for (int i = 0; i < 1000; i++) {
      refusals.refused(401, "/webhooks/…");
      clock.advance(Duration.ofMillis(50));
    }
    assertThat(lines).as("50 s: still within the interval").isEmpty();
    clock.advance(Duration.ofSeconds(10));
    refusals.refused(404, "/s/{token} (forged token)");
    refusals.refused(404, "/s/{token} (forged token)");

    assertThat(lines).containsExactly(
        "refused 1001 requests in the last 60 s: 401 /webhooks/… x1000, 404 /s/{token} (forged token) x1");
    assertThat(refusals.counts()).containsExactly(java.util.Map.entry("404 /s/{token} (forged token)", 1L));
  }

  @Test
  void flushWritesWhatWasCountedAndNothingWhenNothingWas() {
    refusals.flush();
    refusals.refused(413, "/admin/…");
    refusals.refused(413, "/admin/…");
    refusals.refused(400, "(unparsed request)");
    clock.advance(Duration.ofSeconds(5));

    refusals.flush();

    assertThat(lines).containsExactly("refused 3 requests in the last 5 s: 400 (unparsed request) x1, "
        + "413 /admin/… x2");
  }

  @Test
  void routesAreCountedByClassWithoutTokensOrNames() {
    assertThat(RefusalLog.routeOf("/s/abc.def/thanks")).isEqualTo("/s/{token}");
    assertThat(RefusalLog.routeOf("/u/abc.def")).isEqualTo("/u/{token}");
    assertThat(RefusalLog.routeOf("/webhooks/hubspot/secret-name")).isEqualTo("/webhooks/…");
    assertThat(RefusalLog.routeOf("/admin")).isEqualTo("/admin");
    assertThat(RefusalLog.routeOf("/admin/login")).isEqualTo("/admin/…");
    assertThat(RefusalLog.routeOf("/wp-login.php")).isEqualTo("other");
    assertThat(RefusalLog.routeOf("/administrator")).isEqualTo("other");
  }
}
