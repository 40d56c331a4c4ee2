package io.npsconnector.app.web;

import static io.npsconnector.app.web.SurveyFixture.csrf;
import static io.npsconnector.app.web.SurveyFixture.form;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.store.DecisionRepository;
import io.npsconnector.core.store.DecisionRepository.StoredDecision;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.core.store.TriggerPauseRepository;
import io.npsconnector.core.testing.FakeCrmAdapter;
import io.npsconnector.core.testing.RecordingChannel;

/**
 * The dashboard shows the configuration, and an admin pauses and resumes a trigger there: stored for every
 * instance on the store, audited, and the trigger pass records why it invited nobody.
 */
class TriggerPauseTest {
  private static final String TRIGGER = "post-purchase";
  @TempDir Path dir;
  private SurveyFixture fixture;

  @BeforeEach
  void start() {
    fixture = new SurveyFixture(dir, 1000);
    HttpResponse<String> login = fixture.get("/admin/login");
    assertThat(fixture.post("/admin/login", form("csrf", csrf(login.body()), "password", "correct-horse-battery"))
        .statusCode()).isEqualTo(303);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void theDashboardShowsEachTriggerWithItsSettingsAndEachConnectionWithItsLastSync() {
    purchase("c-1");
    fixture.engine.syncAndTrigger(SurveyFixture.CONNECTION);

    String page = fixture.get("/admin").body();

    assertThat(page).contains("<th scope=\"row\">post-purchase</th><td>purchase</td><td>all</td><td>none</td>"
        + "<td>0s (events up to 14d old)</td><td>100 %</td><td>none</td>"
        + "<td>Mon, Tue, Wed, Thu, Fri, no quiet hours (the contact&#39;s time)</td>"
        + "<td>active</td>")
        .contains("action=\"/admin/triggers/post-purchase/pause\"")
        .contains("1 contacts, 1 events, 1 invited in")
        .contains("<td>" + FakeCrmAdapter.CALLS_PER_PAGE + " calls in the last sync</td>"); // one page
  }

  @Test
  void aPausedTriggerInvitesNobodyOnAnyInstanceRecordsWhyAndInvitesAgainWhenResumed() {
    String csrf = csrf(fixture.get("/admin").body());
    assertThat(fixture.post("/admin/triggers/" + TRIGGER + "/pause", form("csrf", "forged")).statusCode())
        .isEqualTo(403);
    assertThat(fixture.post("/admin/triggers/nothing/pause", form("csrf", csrf)).statusCode()).isEqualTo(404);
    assertThat(fixture.engine.pausedTriggers()).isEmpty();

    HttpResponse<String> paused = fixture.post("/admin/triggers/" + TRIGGER + "/pause", form("csrf", csrf));

    assertThat(paused.statusCode()).isEqualTo(303);
    purchase("c-1");
    fixture.engine.syncAndTrigger(SurveyFixture.CONNECTION);
    assertThat(invitations("c-1")).isZero();
    assertThat(decisions("c-1")).singleElement().satisfies(decision -> {
      assertThat(decision.outcome()).isEqualTo("SUPPRESS");
      assertThat(decision.rule()).isEqualTo("trigger-paused");
      assertThat(decision.reason()).contains("paused by admin from 127.0.0.1");
    });
    assertThat(new io.npsconnector.core.engine.Explainer(fixture.database).explain(SurveyFixture.CONNECTION, "c-1")
        .entries()).anySatisfy(entry -> assertThat(entry.text()).as("what explain prints")
            .startsWith("post-purchase: SUPPRESS by rule 'trigger-paused': trigger 'post-purchase' paused by admin"));
    assertThat(fixture.get("/admin").body()).contains("class=\"paused\">paused by admin from 127.0.0.1 since ")
        .contains("action=\"/admin/triggers/post-purchase/resume\"");

    // a second instance on the same store honours the pause
    Engine other = Engine.builder(fixture.config, fixture.database).adapter(SurveyFixture.CONNECTION, fixture.crm)
        .channel(new RecordingChannel()).clock(fixture.clock).build();
    purchase("c-2");
    other.syncAndTrigger(SurveyFixture.CONNECTION);
    assertThat(invitations("c-2")).isZero();
    assertThat(decisions("c-2")).extracting(StoredDecision::rule).containsExactly("trigger-paused");

    fixture.clock.advance(java.time.Duration.ofMinutes(5));
    HttpResponse<String> resumed = fixture.post("/admin/triggers/" + TRIGGER + "/resume", form("csrf", csrf));

    assertThat(resumed.statusCode()).isEqualTo(303);
    purchase("c-3");
    other.syncAndTrigger(SurveyFixture.CONNECTION);
    assertThat(invitations("c-3")).isEqualTo(1);
    assertThat(decisions("c-3")).extracting(StoredDecision::outcome).containsExactly("INVITE");
    assertThat(new TriggerPauseRepository(fixture.database.jdbi()).audit(TRIGGER))
        .extracting(TriggerPauseRepository.Change::action, TriggerPauseRepository.Change::admin,
            TriggerPauseRepository.Change::at)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("pause", "admin from 127.0.0.1", SurveyFixture.NOW),
            org.assertj.core.groups.Tuple.tuple("resume", "admin from 127.0.0.1",
                SurveyFixture.NOW.plusSeconds(300)));
  }

  private void purchase(String contactId) {
    fixture.crm.putContact(Contact.builder(contactId, SurveyFixture.NOW.minusSeconds(3600))
        .email(contactId + "@example.com").firstName("Ada").lastName("Tester").build());
    fixture.crm.addEvent(new InteractionEvent("deal-" + contactId, EventKind.PURCHASE,
        fixture.clock.instant().minusSeconds(60), List.of(contactId), Map.of("amount", "100")));
  }

  private int invitations(String contactId) {
    return new InvitationRepository(fixture.database.jdbi()).forContact(SurveyFixture.CONNECTION, contactId).size();
  }

  private List<StoredDecision> decisions(String contactId) {
    return new DecisionRepository(fixture.database.jdbi()).forContact(SurveyFixture.CONNECTION, contactId).stream()
        .filter(decision -> decision.trigger().equals(TRIGGER)).toList();
  }

}
