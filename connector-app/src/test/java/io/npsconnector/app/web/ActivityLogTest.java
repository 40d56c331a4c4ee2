package io.npsconnector.app.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.testing.FakeCrmAdapter;

/**
 * What {@code run} logs at the shipped default level: one line per sync, send batch and write-back flush of a
 * connection, and a failing CRM once (with its cause) and when it answers again, not per failed run.
 */
class ActivityLogTest {
  @TempDir Path dir;

  @Test
  void eachSyncSendBatchAndFlushIsOneLineAtTheDefaultLevel() {
    try (SurveyFixture fixture = new SurveyFixture(dir, 1000); ProductionLogging logging = new ProductionLogging()) {
      Invitation invitation = fixture.sentInvitation("c-1", "Ada", Locale.ENGLISH); // a sync, then a send
      fixture.engine.answer(invitation.id(), 9, Optional.empty());

      Engine.FlushReport flush = fixture.engine.flushWritebacks(SurveyFixture.CONNECTION);

      assertThat(flush.written()).isPositive();
      List<String> lines = activity(logging);
      assertThat(lines).hasSize(3);
      assertThat(lines.get(0)).matches("hubspot: sync done: contacts=1 events=1 invitations=1 suppressions=0 "
          + "api_calls=" + FakeCrmAdapter.CALLS_PER_PAGE + " duration_ms=\\d+");
      assertThat(lines.get(1)).matches("hubspot: send batch done: attempts=1 sent=1 duration_ms=\\d+");
      assertThat(lines.get(2)).matches("hubspot: write-back flush done: written=" + flush.written()
          + " failed=0 retry_later=0 api_calls=" + flush.calls() + " duration_ms=\\d+");
      assertThat(logging.problems()).isEmpty();
    }
  }

  @Test
  void aFailingCrmIsOneWarningWithItsCauseAndOneLineWhenItAnswersAgain() {
    try (SurveyFixture fixture = new SurveyFixture(dir, 1000); ProductionLogging logging = new ProductionLogging()) {
      fixture.crm.failNextReads(3);
      for (int run = 0; run < 3; run++) {
        assertThatThrownBy(() -> fixture.engine.syncAndTrigger(SurveyFixture.CONNECTION))
            .isInstanceOf(CrmException.Retriable.class);
      }

      fixture.engine.syncAndTrigger(SurveyFixture.CONNECTION);

      assertThat(logging.problems()).singleElement().satisfies(warning -> {
        assertThat(warning.getLevel()).isEqualTo(Level.WARN);
        assertThat(warning.getFormattedMessage()).startsWith("hubspot: readChanges failed: ")
            .contains("HTTP 503: injected failure");
      });
      assertThat(activity(logging)).anySatisfy(line -> assertThat(line)
          .startsWith("hubspot: the CRM answers again after 3 failed runs since " + SurveyFixture.NOW));
    }
  }

  private static List<String> activity(ProductionLogging logging) {
    return logging.events().stream().filter(event -> event.getLoggerName().equals("io.npsconnector.activity"))
        .map(ILoggingEvent::getFormattedMessage).toList();
  }
}
