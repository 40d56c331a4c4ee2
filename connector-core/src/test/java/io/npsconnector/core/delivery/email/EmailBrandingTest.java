package io.npsconnector.core.delivery.email;

import static io.npsconnector.core.delivery.email.EmailFixtures.CLOCK;
import static io.npsconnector.core.delivery.email.EmailFixtures.LINKS;
import static io.npsconnector.core.delivery.email.EmailFixtures.contact;
import static io.npsconnector.core.delivery.email.EmailFixtures.invitation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.npsconnector.config.BrandColour;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.DeliveryException;
import io.npsconnector.core.delivery.MailLinks;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The logo and brand colour in the mail, the AA text on it, and test mails: rendered, and sent for real. */
class EmailBrandingTest {
  @RegisterExtension
  static final GreenMailExtension GREENMAIL =
      new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  private static final Pattern SCORE_STYLE = Pattern.compile("title=\"[^\"]*\" style=\"([^\"]*)\">(\\d+)</a>");
  private static final Pattern STYLE_COLOUR = Pattern.compile("(border:1px solid|background-color:|color:)"
      + "\\s?(#[0-9A-F]{6})");

  private static NpsConfig config(int port, String colour) {
    return EmailFixtures.config(port, """
        branding:
          logo-url: https://cdn.example.com/acme-logo.png
          logo-width: 180
          logo-height: 40
          colour: "%s"
        """.formatted(colour));
  }

  private static MailLinks testLinks() {
    List<URI> scores = new ArrayList<>();
    for (int score = 0; score <= 10; score++) {
      scores.add(URI.create("https://nps.example.com/t/TESTTOKEN?score=" + score));
    }
    return new MailLinks(scores, URI.create("https://nps.example.com/t/TESTTOKEN/u"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"#0B5FFF", "#FFFF00", "#D3D3D3", "#1F4FD1", "#FF7F50", "#00A86B", "#808080", "#FFFFFF",
      "#000000"})
  void theLogoAndColourAreInTheMailAndTheTextOnTheColourReachesAa(String hex) {
    EmailChannel channel = EmailChannel.create(config(25, hex), LINKS, CLOCK);

    EmailChannel.RenderedMail mail = channel.render(invitation(contact(Locale.ENGLISH)),
        MailLinks.of(LINKS, EmailFixtures.INVITATION_ID, EmailFixtures.EXPIRES_AT), false, Optional.empty());

    assertThat(mail.html()).contains("<img src=\"https://cdn.example.com/acme-logo.png\" alt=\"Acme\" width=\"180\" "
        + "height=\"40\"").contains("max-width:180px;max-height:40px;")
        .contains("background-color:" + hex + ";border-radius:6px 6px 0 0;"); // the header bar
    Matcher score = SCORE_STYLE.matcher(mail.html());
    int links = 0;
    while (score.find()) {
      links++;
      Matcher colours = STYLE_COLOUR.matcher(score.group(1));
      String border = null;
      String background = null;
      String text = null;
      while (colours.find()) {
        switch (colours.group(1)) {
          case "border:1px solid" -> border = colours.group(2);
          case "background-color:" -> background = colours.group(2);
          default -> text = colours.group(2);
        }
      }
      assertThat(background).isEqualTo(hex);
      BrandColour brand = BrandColour.parse(background).value();
      assertThat(BrandColour.contrast(BrandColour.parse(text).value(), brand)).as("text %s on %s", text, background)
          .isGreaterThanOrEqualTo(4.5);
      // the link's edge stands out from the white card (WCAG non-text contrast asks 3:1)
      assertThat(BrandColour.contrast(BrandColour.parse(border).value(), BrandColour.WHITE))
          .isGreaterThanOrEqualTo(3.0);
    }
    assertThat(links).isEqualTo(11);
  }

  @Test
  void withoutBrandingTheMailHasNoImageAndTheNeutralScoreLinks() {
    EmailChannel channel = EmailChannel.create(EmailFixtures.config(25), LINKS, CLOCK);

    String html = channel.render(invitation(contact(Locale.ENGLISH)),
        MailLinks.of(LINKS, EmailFixtures.INVITATION_ID, EmailFixtures.EXPIRES_AT), false, Optional.empty()).html();

    assertThat(html).doesNotContain("<img").contains("background-color:#f9fafb;color:#111827;");
  }

  @Test
  void aRenderedMailIsTheWholeMessageAsAnEmlFile() throws Exception {
    EmailChannel channel = EmailChannel.create(config(25, "#0B5FFF"), LINKS, CLOCK);

    EmailChannel.RenderedMail rendered = channel.render(invitation(contact(Locale.GERMAN)),
        MailLinks.of(LINKS, EmailFixtures.INVITATION_ID, EmailFixtures.EXPIRES_AT), false, Optional.empty());

    MimeMessage eml = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(rendered.eml()));
    assertThat(eml.getSubject()).isEqualTo(rendered.subject()).contains("Acme");
    assertThat(rendered.languageTag()).isEqualTo("de");
    assertThat(((InternetAddress) eml.getRecipients(Message.RecipientType.TO)[0]).getAddress())
        .isEqualTo("ada@example.com");
    assertThat(eml.getHeader("Message-ID")[0]).isEqualTo("<nps-inv-42@example.com>");
    assertThat(part(eml, "text/html")).contains("cdn.example.com/acme-logo.png");
    assertThat(eml.getHeader(EmailChannel.TEST_HEADER)).isNull();
  }

  @Test
  void aTestMailReachesTheGivenAddressMarkedAsATestWithTheTestLinks() throws Exception {
    EmailChannel channel = EmailChannel.create(config(GREENMAIL.getSmtp().getPort(), "#0B5FFF"), LINKS, CLOCK);

    channel.sendTest(invitation(contact(Locale.ENGLISH)), testLinks(), "admin@example.org");

    MimeMessage[] received = GREENMAIL.getReceivedMessages();
    assertThat(received).hasSize(1);
    MimeMessage mail = received[0];
    assertThat(((InternetAddress) mail.getRecipients(Message.RecipientType.TO)[0]).getAddress())
        .isEqualTo("admin@example.org");
    assertThat(mail.getSubject()).isEqualTo("[TEST] How likely are you to recommend Acme?");
    assertThat(mail.getHeader("X-NPS-Test")).containsExactly("true");
    assertThat(mail.getHeader("Message-ID")[0]).startsWith("<nps-test-").endsWith("@example.com>");
    String text = part(mail, "text/plain");
    String html = part(mail, "text/html");
    assertThat(text).startsWith(EmailContent.TEST_NOTICE + "\r\n\r\nHi Ada,").contains("10: https://nps.example.com/t/TESTTOKEN?score=10")
        .doesNotContain("/s/");
    assertThat(html).contains(EmailContent.TEST_NOTICE).contains("href=\"https://nps.example.com/t/TESTTOKEN?score=0\"")
        .doesNotContain("/s/").doesNotContain("/u/");
    assertThat(mail.getHeader("List-Unsubscribe")).containsExactly("<https://nps.example.com/t/TESTTOKEN/u>");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not an address", "a@b", "two@example.com, three@example.com", "x <y@example.com>"})
  void aTestMailToSomethingThatIsNotOneAddressIsRefusedBeforeConnecting(String to) {
    EmailChannel channel = EmailChannel.create(config(GREENMAIL.getSmtp().getPort(), "#0B5FFF"), LINKS, CLOCK);

    DeliveryException refused = catchThrowableOfType(DeliveryException.class,
        () -> channel.sendTest(invitation(contact(Locale.ENGLISH)), testLinks(), to));

    assertThat(refused).hasMessageContaining("is not an e-mail address");
    assertThat(EmailChannel.addressProblem(to)).isPresent();
    assertThat(GREENMAIL.getReceivedMessages()).isEmpty();
  }

  private static String part(MimeMessage mail, String type) throws Exception {
    MimeMultipart multipart = (MimeMultipart) mail.getContent();
    for (int i = 0; i < multipart.getCount(); i++) {
      BodyPart part = multipart.getBodyPart(i);
      if (part.isMimeType(type)) {
        return (String) part.getContent();
      }
    }
    throw new AssertionError("no " + type + " part");
  }
}
