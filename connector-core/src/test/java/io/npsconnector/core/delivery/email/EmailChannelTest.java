package io.npsconnector.core.delivery.email;

import static io.npsconnector.core.delivery.email.EmailFixtures.CLOCK;
import static io.npsconnector.core.delivery.email.EmailFixtures.INVITATION_ID;
import static io.npsconnector.core.delivery.email.EmailFixtures.LINKS;
import static io.npsconnector.core.delivery.email.EmailFixtures.TOKENS;
import static io.npsconnector.core.delivery.email.EmailFixtures.contact;
import static io.npsconnector.core.delivery.email.EmailFixtures.delivery;
import static io.npsconnector.core.delivery.email.EmailFixtures.invitation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.Delivery;
import io.npsconnector.core.delivery.DeliveryException;
import io.npsconnector.core.delivery.DeliveryReceipt;
import io.npsconnector.core.delivery.SurveyTokens;
import io.npsconnector.core.delivery.SurveyTokens.Purpose;
import io.npsconnector.core.model.Contact;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EmailChannelTest {
  @RegisterExtension
  static final GreenMailExtension GREENMAIL =
      new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  private static final Pattern HTML_SCORE =
      Pattern.compile("href=\"(https://nps\\.example\\.com/s/([A-Za-z0-9_.-]+)\\?score=(\\d+))\"");
  private static final Pattern TEXT_SCORE =
      Pattern.compile("(?m)^(\\d+): (https://nps\\.example\\.com/s/([A-Za-z0-9_.-]+)\\?score=(\\d+))\\r?$");
  private static final Pattern UNSUBSCRIBE = Pattern.compile("https://nps\\.example\\.com/u/([A-Za-z0-9_.-]+)");

  private NpsConfig config;
  private EmailChannel channel;

  @BeforeEach
  void createChannel() {
    config = EmailFixtures.config(GREENMAIL.getSmtp().getPort());
    channel = EmailChannel.create(config, LINKS, CLOCK);
  }

  @Test
  void sendsAnInvitationWithTextAndHtmlScoreLinksUnsubscribeAndHeaders() throws Exception {
    DeliveryReceipt receipt = channel.send(invitation(contact(Locale.ENGLISH)));

    MimeMessage mail = onlyMessage();
    assertThat(channel.id()).isEqualTo("email");
    assertThat(mail.getFrom()).singleElement().isInstanceOfSatisfying(InternetAddress.class, sender -> {
      assertThat(sender.getAddress()).isEqualTo("nps@example.com");
      assertThat(sender.getPersonal()).isEqualTo("Example NPS");
    });
    assertThat(mail.getRecipients(Message.RecipientType.TO)).extracting(a -> ((InternetAddress) a).getAddress())
        .containsExactly("ada@example.com");
    assertThat(mail.getSubject()).isEqualTo("How likely are you to recommend Acme?");
    assertThat(mail.getContentType()).startsWith("multipart/alternative");
    String text = part(mail, "text/plain");
    String html = part(mail, "text/html");
    assertThat(part(mail, "text/plain", true)).containsIgnoringCase("charset=UTF-8");
    assertThat(part(mail, "text/html", true)).containsIgnoringCase("charset=UTF-8");
    assertThat(text).contains("Hi Ada, one click tells us how we are doing.",
        "How likely are you to recommend Acme to a friend or colleague?", "Not at all likely", "Extremely likely");
    assertThat(html).contains("Hi Ada, one click tells us how we are doing.", "Not at all likely",
        "Extremely likely").doesNotContain("<script", "<link", "<img", "<style");

    // eleven distinct score links, labelled 0..10, in both parts, each for this invitation and its score
    List<String> htmlLinks = new ArrayList<>();
    Matcher htmlMatch = HTML_SCORE.matcher(html);
    while (htmlMatch.find()) {
      assertScoreLink(htmlMatch.group(2), htmlMatch.group(3), htmlLinks.size());
      assertThat(html.substring(htmlMatch.end())).matches("(?s)[^>]*>" + htmlLinks.size() + "</a>.*");
      htmlLinks.add(htmlMatch.group(1));
    }
    Map<Integer, String> textLinks = new LinkedHashMap<>();
    Matcher textMatch = TEXT_SCORE.matcher(text);
    while (textMatch.find()) {
      assertScoreLink(textMatch.group(3), textMatch.group(4), Integer.parseInt(textMatch.group(1)));
      textLinks.put(Integer.parseInt(textMatch.group(1)), textMatch.group(2));
    }
    assertThat(htmlLinks).hasSize(11).doesNotHaveDuplicates();
    assertThat(textLinks.keySet()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(List.copyOf(textLinks.values())).isEqualTo(htmlLinks);

    // the unsubscribe link, in both parts and in the RFC 8058 headers
    String unsubscribe = onlyMatch(UNSUBSCRIBE, text);
    assertThat(onlyMatch(UNSUBSCRIBE, html)).isEqualTo(unsubscribe);
    SurveyTokens.Claims claims = TOKENS.verify(unsubscribe.substring(unsubscribe.lastIndexOf('/') + 1),
        Purpose.UNSUBSCRIBE);
    assertThat(claims.invitationId()).isEqualTo(INVITATION_ID);
    assertThat(mail.getHeader("List-Unsubscribe")).containsExactly("<" + unsubscribe + ">");
    assertThat(mail.getHeader("List-Unsubscribe-Post")).containsExactly("List-Unsubscribe=One-Click");

    // the Message-ID comes from the idempotency key and the sender's domain
    assertThat(receipt.messageId()).contains("<nps-inv-42@example.com>");
    assertThat(mail.getHeader("Message-ID")).containsExactly("<nps-inv-42@example.com>");
    assertThat(mail.getSentDate().toInstant()).isEqualTo(EmailFixtures.NOW);
  }

  @Test
  void theHandOverComesWithTheWholeMessageTransmittedAndAFailureToRecordItDeliversNothing() throws Exception {
    IllegalStateException storeDown = new IllegalStateException("the store is down");
    List<Optional<String>> handedOver = new ArrayList<>();

    IllegalStateException thrown = catchThrowableOfType(IllegalStateException.class,
        () -> channel.send(invitation(contact(Locale.ENGLISH)), messageId -> {
          handedOver.add(messageId);
          throw storeDown;
        }));

    assertThat(thrown).as("let through unchanged: not the channel's failure").isSameAs(storeDown);
    assertThat(handedOver).containsExactly(Optional.of("<nps-inv-42@example.com>"));
    // the server had the whole message but never its end mark: it keeps nothing
    assertThat(GREENMAIL.waitForIncomingEmail(1_000, 1)).isFalse();

    List<Optional<String>> recorded = new ArrayList<>();
    DeliveryReceipt receipt = channel.send(invitation(contact(Locale.ENGLISH)), recorded::add);
    assertThat(recorded).containsExactly(receipt.messageId());
    assertThat(GREENMAIL.waitForIncomingEmail(5_000, 1)).isTrue();
    assertThat(GREENMAIL.getReceivedMessages()).hasSize(1);
  }

  @Test
  void aResendCarriesTheSameMessageIdAndAnotherKeyAnotherOne() throws Exception {
    Contact contact = contact(Locale.ENGLISH);
    DeliveryReceipt first = channel.send(delivery("inv-42", Delivery.Kind.INVITATION, contact));
    DeliveryReceipt again = channel.send(delivery("inv-42", Delivery.Kind.INVITATION, contact));
    DeliveryReceipt reminder = channel.send(delivery("inv-42:reminder", Delivery.Kind.REMINDER, contact));

    GREENMAIL.waitForIncomingEmail(5_000, 3);
    MimeMessage[] mails = GREENMAIL.getReceivedMessages();
    assertThat(mails).hasSize(3);
    assertThat(first.messageId()).isPresent().isEqualTo(again.messageId());
    assertThat(reminder.messageId()).isPresent().isNotEqualTo(first.messageId());
    assertThat(mails[0].getMessageID()).isEqualTo(first.messageId().orElseThrow());
    assertThat(mails[1].getMessageID()).isEqualTo(first.messageId().orElseThrow());
    assertThat(mails[2].getMessageID()).isEqualTo(reminder.messageId().orElseThrow())
        .isEqualTo("<nps-inv-42=3Areminder@example.com>");
  }

  @Test
  void sendsFromSeveralThreadsAtOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<DeliveryReceipt>> sends = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        Delivery delivery = delivery("inv-" + i, Delivery.Kind.INVITATION,
            contact().email("contact" + i + "@example.com").locale(i % 2 == 0 ? Locale.ENGLISH : Locale.GERMAN)
                .build());
        sends.add(pool.submit(() -> channel.send(delivery)));
      }
      Set<String> ids = new TreeSet<>();
      for (Future<DeliveryReceipt> send : sends) {
        ids.add(send.get(10, TimeUnit.SECONDS).messageId().orElseThrow());
      }
      assertThat(ids).hasSize(12);
    } finally {
      pool.shutdownNow();
    }
    assertThat(GREENMAIL.waitForIncomingEmail(5_000, 12)).isTrue();
    Set<String> received = new TreeSet<>();
    for (MimeMessage mail : GREENMAIL.getReceivedMessages()) {
      received.add(mail.getMessageID());
    }
    assertThat(received).hasSize(12).contains("<nps-inv-0@example.com>", "<nps-inv-11@example.com>");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      de    | de    | Wie wahrscheinlich empfehlen Sie Acme weiter? | Hallo Ada, ein Klick   | Überhaupt nicht wahrscheinlich
      de-AT | de    | Wie wahrscheinlich empfehlen Sie Acme weiter? | Hallo Ada, ein Klick   | Äußerst wahrscheinlich
      fr    | fr    | Recommanderiez-vous Acme ?                    | Bonjour Ada, un seul   | Pas du tout probable
      es    | es    | ¿Recomendaría Acme?                           | Hola Ada, con un solo  | Nada probable
      pt-BR | pt-BR | Você recomendaria a Acme?                     | Olá Ada, um clique     | Extremamente provável
      pt    | pt-BR | Você recomendaria a Acme?                     | Olá Ada, um clique     | Nada provável
      ja    | en    | How likely are you to recommend Acme?         | Hi Ada, one click      | Not at all likely
      """)
  void writesInTheContactsLanguageFallingBackToEnglish(
      String locale, String language, String subject, String intro, String label) throws Exception {
    channel.send(invitation(contact(Locale.forLanguageTag(locale))));

    MimeMessage mail = onlyMessage();
    assertThat(mail.getSubject()).isEqualTo(subject);
    assertThat(part(mail, "text/plain")).contains(intro, label);
    assertThat(part(mail, "text/html")).contains("<html lang=\"" + language + "\"", intro, label);
    assertThat(mail.getHeader("Content-Language")).containsExactly(language);
  }

  @Test
  void writesEnglishToAContactWithoutALanguage() throws Exception {
    channel.send(invitation(contact().build()));

    assertThat(onlyMessage().getSubject()).isEqualTo("How likely are you to recommend Acme?");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      en    | Reminder: How likely are you to recommend Acme?
      de    | Erinnerung: Wie wahrscheinlich empfehlen Sie Acme weiter?
      fr    | Rappel : Recommanderiez-vous Acme ?
      es    | Recordatorio: ¿Recomendaría Acme?
      pt-BR | Lembrete: Você recomendaria a Acme?
      """)
  void prefixesAReminderInTheContactsLanguage(String locale, String subject) throws Exception {
    channel.send(delivery("inv-42:r", Delivery.Kind.REMINDER, contact(Locale.forLanguageTag(locale))));

    assertThat(onlyMessage().getSubject()).isEqualTo(subject);
  }

  @Test
  void escapesEveryValueInTheHtmlPart() throws Exception {
    EmailChannel smithAndSons = new EmailChannel(config.email().orElseThrow(), "Smith & Sons \"Ltd\"",
        config.templates(), LINKS, CLOCK);

    smithAndSons.send(invitation(contact().firstName("<script>alert(1)</script>").locale(Locale.ENGLISH).build()));

    MimeMessage mail = onlyMessage();
    String html = part(mail, "text/html");
    assertThat(html).contains("Hi &lt;script&gt;alert(1)&lt;/script&gt;, one click",
        "recommend Smith &amp; Sons &quot;Ltd&quot; to a friend").doesNotContain("<script", "Smith & Sons");
    assertThat(part(mail, "text/plain")).contains("Hi <script>alert(1)</script>, one click",
        "recommend Smith & Sons \"Ltd\" to a friend");
    assertThat(mail.getSubject()).isEqualTo("How likely are you to recommend Smith & Sons \"Ltd\"?");
  }

  @Test
  void greetsAContactWithoutAFirstNameWithoutAGap() throws Exception {
    channel.send(invitation(Contact.builder("003-anon", EmailFixtures.NOW).email("anon@example.com")
        .locale(Locale.GERMAN).build()));

    MimeMessage mail = onlyMessage();
    assertThat(part(mail, "text/plain")).contains("Hallo, ein Klick verrät uns").doesNotContain("{first_name}");
    assertThat(part(mail, "text/html")).contains("Hallo, ein Klick verrät uns").doesNotContain("Hallo ,");
  }

  @Test
  void addsTheConfiguredReplyTo() throws Exception {
    NpsConfig withReplyTo = EmailFixtures.config(GREENMAIL.getSmtp().getPort(),
        "    reply-to: feedback@example.com\n");
    EmailChannel.create(withReplyTo, LINKS, CLOCK).send(invitation(contact(Locale.ENGLISH)));

    assertThat(onlyMessage().getReplyTo()).containsExactly(new InternetAddress("feedback@example.com"));
  }

  @Test
  void refusesAContactWithoutAnAddressForGood() {
    DeliveryException e = catchThrowableOfType(DeliveryException.class,
        () -> channel.send(invitation(Contact.builder("003-none", EmailFixtures.NOW).firstName("Ada").build())));

    assertThat(e).isNotNull();
    assertThat(e.retriable()).isFalse();
    assertThat(e).hasMessageContaining("invitation 42").hasMessageContaining("no e-mail address");
    assertThat(GREENMAIL.getReceivedMessages()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"not-an-address", "ada@", "ada lovelace@example.com", "ada@example.com, eve@example.com",
      "Ada <ada@example.com>", "ada@example.com\r\nBcc: eve@example.com"})
  void refusesAnInvalidAddressForGood(String address) {
    DeliveryException e = catchThrowableOfType(DeliveryException.class,
        () -> channel.send(invitation(contact().email(address).build())));

    assertThat(e).isNotNull();
    assertThat(e.retriable()).isFalse();
    assertThat(e).hasMessageContaining("invitation 42").hasMessageContaining("invalid e-mail address");
    assertThat(GREENMAIL.getReceivedMessages()).isEmpty();
  }

  @Test
  void refusesAnUnknownTemplateForGood() {
    Delivery delivery = new Delivery(INVITATION_ID, "inv-42", Delivery.Kind.INVITATION, "hubspot", "trigger-name",
        "no-such-template", contact(Locale.ENGLISH), EmailFixtures.EXPIRES_AT);

    DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> channel.send(delivery));

    assertThat(e).isNotNull();
    assertThat(e.retriable()).isFalse();
    assertThat(e).hasMessageContaining("invitation 42").hasMessageContaining("no-such-template");
  }

  private static void assertScoreLink(String token, String scoreParameter, int expectedScore) {
    assertThat(Integer.parseInt(scoreParameter)).isEqualTo(expectedScore);
    assertThat(TOKENS.verify(token, Purpose.SURVEY).invitationId()).isEqualTo(INVITATION_ID);
  }

  private static String onlyMatch(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    assertThat(matcher.find()).as("a match of %s", pattern).isTrue();
    String match = matcher.group();
    while (matcher.find()) {
      assertThat(matcher.group()).isEqualTo(match);
    }
    return match;
  }

  private static MimeMessage onlyMessage() {
    assertThat(GREENMAIL.waitForIncomingEmail(5_000, 1)).isTrue();
    MimeMessage[] messages = GREENMAIL.getReceivedMessages();
    assertThat(messages).hasSize(1);
    return messages[0];
  }

  private static String part(MimeMessage mail, String type) throws Exception {
    return part(mail, type, false);
  }

  /** The content of the one part of {@code type}, or its content type. */
  private static String part(MimeMessage mail, String type, boolean contentType) throws Exception {
    MimeMultipart multipart = (MimeMultipart) mail.getContent();
    assertThat(multipart.getCount()).isEqualTo(2);
    for (int i = 0; i < multipart.getCount(); i++) {
      BodyPart part = multipart.getBodyPart(i);
      if (part.isMimeType(type)) {
        return contentType ? part.getContentType() : (String) part.getContent();
      }
    }
    throw new AssertionError("no " + type + " part");
  }
}
