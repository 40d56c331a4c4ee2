package io.npsconnector.app.web;

import static io.npsconnector.app.web.SurveyFixture.csrf;
import static io.npsconnector.app.web.SurveyFixture.form;
import static org.assertj.core.api.Assertions.assertThat;

import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.store.FollowUpRepository;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.InvitationRepository;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The follow-up inbox page on the real server: three detractors' tasks in the (fake) CRM, one completed by its
 * owner two hours after the answer, the others overdue three days later; figures per owner and per region.
 */
class FollowUpPageTest {
  private static final String PASSWORD = "correct-horse-battery";
  @TempDir Path dir;
  private SurveyFixture fixture;
  private int events;

  @BeforeEach
  void start() {
    fixture = new SurveyFixture(dir, 1000);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void theInboxNeedsTheAdminSignInAndTheDashboardLinksToIt() {
    assertThat(fixture.get("/admin/follow-ups").statusCode()).isEqualTo(303);
    signIn();
    assertThat(fixture.get("/admin").body()).contains("<a href=\"/admin/follow-ups\">Follow-up inbox</a>");
    assertThat(fixture.get("/admin/follow-ups").body()).contains("No follow-up read back yet.")
        .contains("None open.");
  }

  @Test
  void showsOpenOverdueAndClosedFollowUpsWithTheCloseRateAndMedianTimeToClosePerOwnerAndSegment() {
    detractor("c-1", "Ada", "owner-1", "EMEA");
    detractor("c-2", "<b>Bo</b>", "owner-1", "NA");
    detractor("c-3", "Cy", "owner-2", "EMEA");
    fixture.engine.flushWritebacks(SurveyFixture.CONNECTION);
    fixture.clock.advance(Duration.ofHours(2));
    fixture.crm.completeTask(taskOf("c-1"), "user-1", "Ursula User");
    fixture.clock.advance(Duration.ofDays(3));
    fixture.engine.syncAndTrigger(SurveyFixture.CONNECTION);
    signIn();

    HttpResponse<String> page = fixture.get("/admin/follow-ups");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<h1>Follow-up inbox</h1>")
        .contains("<div class=\"label\">Open</div><div class=\"value\">2</div><div class=\"detail\">2 overdue</div>")
        .contains("<div class=\"label\">Close rate</div><div class=\"value\">33 %</div><div class=\"detail\">n = 3</div>")
        .contains("<div class=\"label\">Median time to close</div><div class=\"value\">2 h 0 min</div>")
        // per owner: owner-1 has one of two closed, owner-2 none of one
        .contains("<th scope=\"row\">Owner owner-1</th><td>2</td><td>1</td><td>1</td><td>1</td><td>0</td><td>50 %</td>"
            + "<td>2 h 0 min</td>")
        .contains("<th scope=\"row\">Owner owner-2</th><td>1</td><td>1</td><td>1</td><td>0</td><td>0</td><td>0 %</td>"
            + "<td>–</td>")
        .contains("Per region")
        .contains("<th scope=\"row\">EMEA</th><td>2</td><td>1</td><td>1</td><td>1</td><td>0</td><td>50 %</td>")
        .contains("<th scope=\"row\">NA</th><td>1</td><td>1</td><td>1</td><td>0</td><td>0</td><td>0 %</td>")
        .contains("<tr class=\"overdue\">").contains("overdue (NOT_STARTED)")
        .contains("completed 2026-03-10 12:00 UTC by Ursula User, 2 h 0 min after the answer")
        .contains("&lt;b&gt;Bo&lt;/b&gt;").doesNotContain("<b>Bo</b>");
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheTwoMiddleTimes() {
    assertThat(FollowUpPage.median(List.of(Duration.ofHours(5), Duration.ofHours(1), Duration.ofHours(3),
        Duration.ofHours(10)))).contains(Duration.ofHours(4));
    assertThat(FollowUpPage.median(List.of(Duration.ofMinutes(7)))).contains(Duration.ofMinutes(7));
    assertThat(FollowUpPage.median(List.of())).isEmpty();
    assertThat(FollowUpPage.duration(Duration.ofHours(50).plusMinutes(10))).isEqualTo("2 d 2 h");
  }

  @Test
  void aDeletedTaskCountsAgainstTheCloseRateAndAWithdrawnOneNotAtAll() {
    Instant answered = Instant.parse("2026-03-01T09:00:00Z");
    List<FollowUpRepository.FollowUp> tasks = List.of(
        task(FollowUpRepository.Status.COMPLETED, answered, Optional.of(answered.plus(Duration.ofHours(30)))),
        task(FollowUpRepository.Status.DELETED, answered, Optional.empty()),
        task(FollowUpRepository.Status.OPEN, answered, Optional.empty()),
        task(FollowUpRepository.Status.WITHDRAWN, answered, Optional.empty()));

    FollowUpPage.View view = FollowUpPage.view(tasks, Optional.empty(), LocalDate.parse("2026-03-02"));

    assertThat(view.tiles().get(2).value()).isEqualTo("33 %"); // 1 of 3: the withdrawn one is not a follow-up
    assertThat(view.tiles().get(3).value()).isEqualTo("1 d 6 h");
    assertThat(view.closedTotal()).isEqualTo(2);
    assertThat(view.open()).singleElement().satisfies(row -> assertThat(row.overdue()).isFalse());
  }

  private static FollowUpRepository.FollowUp task(FollowUpRepository.Status status, Instant answered,
      Optional<Instant> completed) {
    return new FollowUpRepository.FollowUp("crm", "task:" + status, "t-" + status, Optional.of("c"), status,
        Optional.empty(), Optional.of("o"), Optional.empty(), Optional.of(LocalDate.parse("2026-03-02")), completed,
        Optional.empty(), Optional.empty(), answered, Optional.of(answered), OptionalInt.of(2), Optional.of("C"),
        Optional.of("post-purchase"), Map.of());
  }

  private String taskOf(String contactId) {
    return fixture.crm.tasks().stream().filter(task -> task.contactId().equals(contactId)).findFirst()
        .flatMap(task -> fixture.crm.taskId(task.key())).orElseThrow();
  }

  /** A contact with an owner and a region buys, is surveyed and answers 2 now. */
  private void detractor(String contactId, String firstName, String owner, String region) {
    fixture.crm.putContact(Contact.builder(contactId, SurveyFixture.NOW.minusSeconds(3600)).email(contactId
        + "@example.com").firstName(firstName).lastName("Tester").ownerId(owner).segment("region", region).build());
    fixture.crm.addEvent(new InteractionEvent("deal-" + ++events, EventKind.PURCHASE,
        fixture.clock.instant().minusSeconds(600), List.of(contactId), Map.of("amount", "100")));
    fixture.engine.syncAndTrigger(SurveyFixture.CONNECTION);
    InvitationRepository invitations = new InvitationRepository(fixture.database.jdbi());
    Invitation scheduled = invitations.forContact(SurveyFixture.CONNECTION, contactId).stream()
        .filter(invitation -> invitation.state() == InvitationState.SCHEDULED).findFirst().orElseThrow();
    fixture.engine.send(scheduled.id());
    fixture.engine.answer(scheduled.id(), 2, Optional.of("Slow"));
  }

  private void signIn() {
    HttpResponse<String> login = fixture.get("/admin/login");
    HttpResponse<String> signedIn = fixture.post("/admin/login", form("csrf", csrf(login.body()), "password",
        PASSWORD));
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
  }
}
