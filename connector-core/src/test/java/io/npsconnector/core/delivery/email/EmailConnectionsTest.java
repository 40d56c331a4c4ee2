package io.npsconnector.core.delivery.email;

import static io.npsconnector.core.delivery.email.EmailFixtures.CLOCK;
import static io.npsconnector.core.delivery.email.EmailFixtures.LINKS;
import static io.npsconnector.core.delivery.email.EmailFixtures.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.npsconnector.config.BrandingConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.Delivery;
import io.npsconnector.core.delivery.DeliveryException;
import io.npsconnector.core.delivery.HandOver;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SMTP connections kept open between mails, at most {@code max-connections} at once, and the
 * {@code max-per-second} cap: what the servers received, how many connections they saw, and that a connection
 * the server drops costs neither a mail nor a duplicate.
 */
class EmailConnectionsTest {
  @RegisterExtension
  static final GreenMailExtension GREENMAIL =
      new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static EmailChannel channel(int port, int maxConnections) {
    return channel(port, maxConnections, SendRate.NONE);
  }

  private static EmailChannel channel(int port, int maxConnections, SendRate rate) {
    NpsConfig config = EmailFixtures.config(port, "    max-connections: " + maxConnections);
    return new EmailChannel(config.email().orElseThrow(), config.company(), config.templates(), BrandingConfig.NONE,
        LINKS, CLOCK, TIMEOUT, TIMEOUT, Duration.ofMinutes(5), rate);
  }

  /** The invitation {@code n}: its own key, so its own Message-ID. */
  private static Delivery invitation(int n) {
    return EmailFixtures.delivery("inv-" + n, Delivery.Kind.INVITATION, contact(Locale.ENGLISH));
  }

  private static String messageId(int n) {
    return "<nps-inv-" + n + "@example.com>";
  }

  @Test
  void consecutiveMailsShareOneConnection() throws Exception {
    try (EmailChannel channel = channel(GREENMAIL.getSmtp().getPort(), 4)) {
      for (int n = 0; n < 12; n++) {
        assertThat(channel.send(invitation(n)).messageId()).contains(messageId(n));
      }

      assertThat(channel.connectionsOpened()).isEqualTo(1);
    }
    List<String> received = new ArrayList<>();
    for (MimeMessage message : GREENMAIL.getReceivedMessages()) {
      received.add(message.getMessageID());
    }
    List<String> expected = new ArrayList<>();
    for (int n = 0; n < 12; n++) {
      expected.add(messageId(n));
    }
    assertThat(received).containsExactlyElementsOf(expected);
  }

  @Test
  void closingTheChannelEndsItsKeptConnectionsWithQuit() throws Exception {
    try (FakeSmtpServer server = FakeSmtpServer.answeringRcpt("250 2.1.5 OK")) {
      EmailChannel channel = channel(server.port(), 2);
      channel.send(invitation(1));
      channel.send(invitation(2));
      assertThat(server.commands).doesNotContain("QUIT");

      channel.close();

      assertThat(server.commands).filteredOn("QUIT"::equals).hasSize(1);
      assertThat(server.accepted).containsExactly(messageId(1), messageId(2));
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @Test
  void concurrentSendsNeverExceedTheConnectionLimit() throws Exception {
    int threads = 6;
    int perThread = 5;
    try (FakeSmtpServer server = FakeSmtpServer.answeringRcpt("250 2.1.5 OK").slow(20);
        EmailChannel channel = channel(server.port(), 2)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> sends = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t * perThread;
        sends.add(pool.submit(() -> {
          start.await();
          for (int n = first; n < first + perThread; n++) {
            channel.send(invitation(n));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> send : sends) {
        send.get(1, TimeUnit.MINUTES);
      }
      pool.shutdown();

      assertThat(server.accepted).hasSize(threads * perThread).doesNotHaveDuplicates();
      assertThat(server.mostOpen()).as("connections open at once").isLessThanOrEqualTo(2);
      assertThat(server.connections()).as("connections opened").isLessThanOrEqualTo(2);
      assertThat(channel.mostConcurrentSends()).as("sends at once").isBetween(1, 2);
      assertThat(channel.connectionsOpened()).isEqualTo(server.connections());
    }
  }

  @Test
  void aConnectionTheServerDropsIsReopenedWithoutLosingOrRepeatingAMail() throws Exception {
    List<String> handedOver = Collections.synchronizedList(new ArrayList<>());
    try (FakeSmtpServer server = FakeSmtpServer.answeringRcpt("250 2.1.5 OK").droppingAfter(3);
        EmailChannel channel = channel(server.port(), 1)) {
      for (int n = 0; n < 10; n++) {
        assertThat(channel.send(invitation(n), id -> handedOver.add(id.orElseThrow())).messageId())
            .contains(messageId(n));
      }

      List<String> expected = new ArrayList<>();
      for (int n = 0; n < 10; n++) {
        expected.add(messageId(n));
      }
      assertThat(server.accepted).as("each mail once, in order").containsExactlyElementsOf(expected);
      assertThat(handedOver).as("one hand-over per mail").containsExactlyElementsOf(expected);
      assertThat(server.connections()).as("a new connection after every third mail").isEqualTo(4);
    }
  }

  @Test
  void aKeptConnectionLostAfterTheWholeMessageIsNotRetriedItsOutcomeIsUnknown() throws Exception {
    AtomicInteger handOvers = new AtomicInteger();
    HandOver counting = id -> handOvers.incrementAndGet();
    try (FakeSmtpServer server = FakeSmtpServer.answeringRcpt("250 2.1.5 OK").vanishingAt(2);
        EmailChannel channel = channel(server.port(), 1)) {
      channel.send(invitation(1), counting);

      DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> channel.send(invitation(2), counting));

      assertThat(e).isNotNull();
      assertThat(e.outcomeUnknown()).isTrue();
      assertThat(handOvers).hasValue(2);
      assertThat(server.connections()).as("not sent again on a new connection").isEqualTo(1);
      assertThat(server.commands).filteredOn("DATA"::equals).hasSize(2);
    }
  }

  @Test
  void theRateCapGivesNoMoreSendsThanItsPermitsAcrossThreads() throws Exception {
    // three permits for an hour, no waiting: the fourth send and later get none, whichever thread asks
    SendRate cap = SendRate.of(RateLimiterConfig.custom().limitForPeriod(3).limitRefreshPeriod(Duration.ofHours(1))
        .timeoutDuration(Duration.ZERO).build());
    try (FakeSmtpServer server = FakeSmtpServer.answeringRcpt("250 2.1.5 OK");
        EmailChannel channel = channel(server.port(), 4, cap)) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      ConcurrentLinkedQueue<DeliveryException> refused = new ConcurrentLinkedQueue<>();
      List<Future<?>> sends = new ArrayList<>();
      for (int n = 0; n < 8; n++) {
        int id = n;
        sends.add(pool.submit(() -> {
          try {
            channel.send(invitation(id));
          } catch (DeliveryException e) {
            refused.add(e);
          }
        }));
      }
      for (Future<?> send : sends) {
        send.get(1, TimeUnit.MINUTES);
      }
      pool.shutdown();

      assertThat(server.accepted).hasSize(3);
      assertThat(refused).hasSize(5).allSatisfy(e -> {
        assertThat(e.retriable()).isTrue();
        assertThat(e.outcomeUnknown()).isFalse();
        assertThat(e).hasMessageContaining("channels.email.max-per-second").hasMessageContaining("nothing was sent");
      });
      assertThat(server.commands).filteredOn(command -> command.startsWith("MAIL")).hasSize(3);
    }
  }

  @Test
  void theConfiguredCapIsPerSecond() {
    assertThat(SendRate.perSecond(Optional.of(25)).describe()).contains("25 mails per 1000 ms");
    assertThat(SendRate.perSecond(Optional.empty()).describe()).isEmpty();
    assertThat(SendRate.NONE.acquire()).isTrue();
  }

  @Test
  void aFailedHandOverClosesTheConnectionAndTheNextMailGetsANewOne() throws Exception {
    try (FakeSmtpServer server = FakeSmtpServer.answeringRcpt("250 2.1.5 OK");
        EmailChannel channel = channel(server.port(), 1)) {
      channel.send(invitation(1));
      IllegalStateException refused = new IllegalStateException("the store is down");
      Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> channel.send(invitation(2), id -> {
        throw refused;
      }));
      channel.send(invitation(3));

      assertThat(thrown).isSameAs(refused);
      assertThat(server.accepted).containsExactly(messageId(1), messageId(3));
      assertThat(server.connections()).isEqualTo(2);
    }
  }
}
