package io.npsconnector.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.salesforce.testing.SoapOrg;

/** The org's daily API budget as the adapter spends it: pause and resume marks, and the limit exceeded. */
class SalesforceApiLimitsTest {
  private final OrgFixture fixture = new OrgFixture();
  private final SoapOrg org = fixture.org;

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void aboveThePauseMarkTheSyncPausesWithoutACallWhileWriteBacksGoOn() {
    contact();
    SalesforceAdapter adapter = fixture.adapter();
    org.apiUsage(89_998, 100_000); // the first answer says 89,999: below the mark
    ChangePage first = adapter.readChanges(SyncCursor.START);
    assertThat(adapter.conservingApiBudget()).isFalse();
    int before = org.totalCalls();

    ChangePage second = adapter.readChanges(first.next()); // these answers pass 90,000
    assertThat(adapter.conservingApiBudget()).isTrue();
    int afterPause = org.totalCalls();
    ChangePage paused = adapter.readChanges(second.next());

    assertThat(org.totalCalls()).as("no call while paused").isEqualTo(afterPause);
    assertThat(afterPause).isGreaterThan(before);
    assertThat(paused.next()).isEqualTo(second.next());
    assertThat(paused.hasMore()).isFalse();
    assertThat(paused.apiCalls()).isZero();
    assertThat(adapter.write(List.of(nps())).get(0).success()).isTrue();
    assertThat(org.calls("update")).isEqualTo(1);
  }

  @Test
  void thePausedSyncResumesOnlyBelowTheResumeMark() {
    contact();
    SalesforceAdapter adapter = fixture.adapter();
    org.apiUsage(91_000, 100_000);
    adapter.write(List.of(nps()));
    assertThat(adapter.conservingApiBudget()).isTrue();

    org.apiUsage(85_000, 100_000); // usage fell (the rolling 24 hours moved on), but not below 80 %
    adapter.write(List.of(nps()));
    assertThat(adapter.conservingApiBudget()).as("at 85 %").isTrue();

    org.apiUsage(79_000, 100_000);
    adapter.write(List.of(nps()));
    assertThat(adapter.conservingApiBudget()).as("at 79 %").isFalse();
    int before = org.totalCalls();
    adapter.readChanges(SyncCursor.START);
    assertThat(org.totalCalls()).isGreaterThan(before);
  }

  @Test
  void theMarksComeFromTheConfiguration() {
    fixture.connectionSettings("""
            api-limit:
              pause-at-percent: 50
              resume-below-percent: 40
        """);
    contact();
    SalesforceAdapter adapter = fixture.adapter();
    org.apiUsage(50_000, 100_000);

    adapter.write(List.of(nps()));

    assertThat(adapter.conservingApiBudget()).isTrue();
  }

  @Test
  void requestLimitExceededStopsEveryCallOfTheConnectionUntilTheWaitHasPassed() {
    contact();
    SalesforceAdapter adapter = fixture.adapter();
    org.apiUsage(100_000, 100_000);

    assertThatThrownBy(() -> adapter.readChanges(SyncCursor.START))
        .isInstanceOf(CrmException.Retriable.class)
        .hasMessageContaining("REQUEST_LIMIT_EXCEEDED")
        .satisfies(e -> assertThat(((CrmException.Retriable) e).retryAfter()).contains(Duration.ofHours(1)));
    int calls = org.totalCalls();

    ChangePage paused = adapter.readChanges(SyncCursor.START);
    assertThatThrownBy(() -> adapter.write(List.of(nps()))).isInstanceOf(CrmException.Retriable.class)
        .hasMessageContaining("no call is made until 2025-01-20T13:00:00Z");

    assertThat(paused.contacts()).isEmpty();
    assertThat(paused.next()).isEqualTo(SyncCursor.START);
    assertThat(adapter.conservingApiBudget()).isTrue();
    assertThat(org.totalCalls()).as("no call while the limit is exceeded").isEqualTo(calls);

    org.apiUsage(70_000, 100_000);
    fixture.clock.advance(Duration.ofMinutes(61));
    assertThat(adapter.write(List.of(nps())).get(0).success()).isTrue();
    assertThat(adapter.conservingApiBudget()).isFalse();
    assertThat(adapter.readChanges(SyncCursor.START).contacts()).hasSize(1);
  }

  private void contact() {
    org.put("Contact", SoapOrg.id("003", 1), Instant.parse("2025-01-15T10:00:00Z"), Map.of("LastName", "Lovelace"));
  }

  private static WriteRequest nps() {
    return new WriteRequest.ContactNps("k", SoapOrg.id("003", 1), 9, "promoter",
        Instant.parse("2025-01-19T10:00:00Z"), Optional.empty());
  }
}
