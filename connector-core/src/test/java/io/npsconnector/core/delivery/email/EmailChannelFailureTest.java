package io.npsconnector.core.delivery.email;

import static io.npsconnector.core.delivery.email.EmailFixtures.CLOCK;
import static io.npsconnector.core.delivery.email.EmailFixtures.LINKS;
import static io.npsconnector.core.delivery.email.EmailFixtures.SMTP_PASSWORD;
import static io.npsconnector.core.delivery.email.EmailFixtures.contact;
import static io.npsconnector.core.delivery.email.EmailFixtures.invitation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.DeliveryException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** How SMTP failures map to permanent and retriable delivery failures, against small fake servers. */
class EmailChannelFailureTest {
  private static final Duration SHORT = Duration.ofMillis(500);

  private static EmailChannel channel(NpsConfig config) {
    return new EmailChannel(config.email().orElseThrow(), config.company(), config.templates(), LINKS, CLOCK,
        SHORT, SHORT);
  }

  private static DeliveryException failure(EmailChannel channel) {
    DeliveryException e = catchThrowableOfType(DeliveryException.class,
        () -> channel.send(invitation(contact(Locale.ENGLISH))));
    assertThat(e).as("a DeliveryException").isNotNull();
    return e;
  }

  @Test
  void aRecipientRefusedWith5xxIsPermanentAndQuotesTheServer() throws IOException {
    try (FakeSmtpServer server =
        FakeSmtpServer.answeringRcpt("550 5.1.1 <x@example.com>: Recipient address rejected")) {
      DeliveryException e = failure(channel(EmailFixtures.config(server.port())));

      assertThat(e.retriable()).isFalse();
      assertThat(e).hasMessageContaining("invitation 42")
          .hasMessageContaining("550 5.1.1 <x@example.com>: Recipient address rejected");
      assertThat(server.commands).anyMatch(command -> command.startsWith("RCPT TO:<ada@example.com>"))
          .noneMatch(command -> command.equals("DATA"));
    }
  }

  @Test
  void aRecipientDeferredWith4xxIsRetriable() throws IOException {
    try (FakeSmtpServer server = FakeSmtpServer.answeringRcpt("451 4.3.0 try again later")) {
      DeliveryException e = failure(channel(EmailFixtures.config(server.port())));

      assertThat(e.retriable()).isTrue();
      assertThat(e).hasMessageContaining("invitation 42").hasMessageContaining("451 4.3.0 try again later");
    }
  }

  @Test
  void anAcceptedRecipientOnTheFakeServerIsSent() throws IOException {
    // the control for the two tests above: the fake server itself lets a good conversation through
    try (FakeSmtpServer server = FakeSmtpServer.answeringRcpt("250 2.1.5 OK");
        EmailChannel channel = channel(EmailFixtures.config(server.port()))) {
      assertThat(channel.send(invitation(contact(Locale.ENGLISH))).messageId())
          .contains("<nps-inv-42@example.com>");
      channel.close(); // the connection is kept open between mails until then
      assertThat(server.commands).contains("DATA", "QUIT");
    }
  }

  @Test
  void aClosedPortIsRetriable() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = socket.getLocalPort();
    }

    DeliveryException e = failure(channel(EmailFixtures.config(port)));

    assertThat(e.retriable()).isTrue();
    assertThat(e).hasMessageContaining("invitation 42").hasMessageContaining("could not connect")
        .hasMessageContaining("127.0.0.1:" + port);
  }

  @Test
  void aServerThatNeverAnswersTimesOutRetriably() throws IOException {
    try (FakeSmtpServer server = FakeSmtpServer.silent()) {
      long start = System.nanoTime();
      DeliveryException e = failure(channel(EmailFixtures.config(server.port())));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(e.retriable()).isTrue();
      assertThat(e).hasMessageContaining("invitation 42").hasMessageContaining("timed out");
      assertThat(took).isGreaterThanOrEqualTo(SHORT.minusMillis(50)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void noAnswerToTheEndOfTheMessageLeavesTheOutcomeUnknownAfterTheHandOver() throws IOException {
    try (FakeSmtpServer server = FakeSmtpServer.answeringData(null)) {
      List<Optional<String>> handedOver = new ArrayList<>();
      DeliveryException e = catchThrowableOfType(DeliveryException.class,
          () -> channel(EmailFixtures.config(server.port())).send(invitation(contact(Locale.ENGLISH)),
              handedOver::add));

      assertThat(handedOver).containsExactly(Optional.of("<nps-inv-42@example.com>"));
      assertThat(e.outcomeUnknown()).isTrue();
      assertThat(e.retriable()).isFalse();
      assertThat(e).hasMessageContaining("invitation 42").hasMessageContaining("did not say whether it took it");
      assertThat(server.commands).contains("DATA");
    }
  }

  @Test
  void aRefusalOfTheMessageIsRetriableNotUnknown() throws IOException {
    try (FakeSmtpServer server = FakeSmtpServer.answeringData("451 4.3.0 queue full")) {
      DeliveryException e = failure(channel(EmailFixtures.config(server.port())));

      assertThat(e.outcomeUnknown()).isFalse();
      assertThat(e.retriable()).isTrue();
      assertThat(e).hasMessageContaining("451 4.3.0 queue full");
    }
  }

  @Test
  void aServerThatNeverAnswersIsNeverHandedTheMessage() throws IOException {
    try (FakeSmtpServer server = FakeSmtpServer.silent()) {
      List<Optional<String>> handedOver = new ArrayList<>();
      DeliveryException e = catchThrowableOfType(DeliveryException.class,
          () -> channel(EmailFixtures.config(server.port())).send(invitation(contact(Locale.ENGLISH)),
              handedOver::add));

      assertThat(e.outcomeUnknown()).isFalse();
      assertThat(handedOver).isEmpty();
    }
  }

  @Test
  void aRefusedLoginIsRetriableAndNeverShowsThePassword() throws IOException {
    try (FakeSmtpServer server = FakeSmtpServer.refusingLogin()) {
      NpsConfig config = EmailFixtures.config(server.port(),
          "    user: nps-mailer\n    password: ${SMTP_PASSWORD}\n");
      EmailChannel channel = channel(config);

      DeliveryException e = failure(channel);

      assertThat(server.commands).anyMatch(command -> command.startsWith("AUTH"));
      assertThat(e.retriable()).isTrue();
      assertThat(e).hasMessageContaining("nps-mailer").hasMessageContaining("535");
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      assertThat(trace.toString()).doesNotContain(SMTP_PASSWORD);
      assertThat(channel.toString()).doesNotContain(SMTP_PASSWORD);
    }
  }
}
