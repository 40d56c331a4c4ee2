package io.npsconnector.app.web;

import static io.npsconnector.app.web.SurveyFixture.csrf;
import static io.npsconnector.app.web.SurveyFixture.form;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;

import io.npsconnector.core.delivery.email.EmailChannel;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.core.store.WritebackRepository;
import jakarta.mail.internet.MimeMessage;

/**
 * In process, end to end: a due invitation is mailed through SMTP (captured by GreenMail), the score link
 * in the mail is followed, the score and a comment are posted, and the answer is stored with its
 * write-backs queued.
 */
class SurveyEndToEndTest {
  @RegisterExtension
  static final GreenMailExtension SMTP = new GreenMailExtension(new ServerSetup(3025, "127.0.0.1", "smtp"));

  @TempDir Path dir;
  private SurveyFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void aMailedInvitationIsAnsweredThroughItsLinkAndTheAnswerQueuedForTheCrm() throws Exception {
    fixture = new SurveyFixture(dir, 1000, (config, links) -> EmailChannel.create(config, links,
        java.time.Clock.systemUTC()), "");
    Invitation invitation = fixture.sentInvitation("c-7", "Grace", Locale.ENGLISH);
    assertThat(invitation.state()).isEqualTo(InvitationState.SENT);

    MimeMessage[] received = SMTP.getReceivedMessages();
    assertThat(received).hasSize(1);
    MimeMessage mail = received[0];
    assertThat(((jakarta.mail.internet.InternetAddress) mail.getAllRecipients()[0]).getAddress())
        .isEqualTo("c-7@example.com");
    assertThat(invitation.messageId()).contains(mail.getMessageID());
    String text = GreenMailUtil.getWholeMessage(mail);
    Matcher nine = Pattern.compile("http://127\\.0\\.0\\.1/s/[A-Za-z0-9_.-]+\\?score=9").matcher(
        text.replace("=\r\n", "").replace("=3D", "="));
    assertThat(nine.find()).as("a score-9 link in:\n%s", text).isTrue();
    URI link = URI.create(nine.group());

    HttpResponse<String> page = fixture.get(link.getRawPath() + "?" + link.getRawQuery());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("value=\"9\" required checked");
    HttpResponse<String> posted = fixture.post(link.getRawPath(), form("csrf", csrf(page.body()), "score", "9",
        "comment", "Setup took ten minutes"));
    assertThat(posted.statusCode()).isEqualTo(303);
    assertThat(fixture.get(link.getRawPath() + "/thanks").body()).contains("Setup took ten minutes");

    var view = fixture.engine.surveyView(invitation.id()).orElseThrow();
    assertThat(view.score()).contains(9);
    assertThat(view.comment()).contains("Setup took ten minutes");
    assertThat(new InvitationRepository(fixture.database.jdbi()).find(invitation.id()).orElseThrow().state())
        .isEqualTo(InvitationState.ANSWERED);
    List<WritebackRepository.Item> queued = new WritebackRepository(fixture.database.jdbi())
        .forContact(SurveyFixture.CONNECTION, "c-7");
    assertThat(queued).extracting(WritebackRepository.Item::kind).contains(WritebackRepository.Kind.CONTACT_NPS,
        WritebackRepository.Kind.TIMELINE_ACTIVITY);
    assertThat(queued).allSatisfy(item -> assertThat(item.state()).isEqualTo("PENDING"));

    assertThat(fixture.engine.flushWritebacks(SurveyFixture.CONNECTION).failed()).isZero();
    assertThat(fixture.crm.contactNps("c-7")).hasValueSatisfying(nps -> assertThat(nps.score()).isEqualTo(9));
  }
}
