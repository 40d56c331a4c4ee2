package io.npsconnector.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.npsconnector.core.delivery.Delivery;
import io.npsconnector.core.delivery.DeliveryException;
import io.npsconnector.core.model.Contact;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecordingChannelTest {
  private static final Instant T0 = Instant.parse("2024-03-01T09:00:00Z");

  private final RecordingChannel channel = new RecordingChannel();

  @Test
  void recordsDeliveriesInOrder() {
    channel.send(invitation(1, "c1"));
    channel.send(invitation(2, "c2"));
    channel.send(reminder(1, "c1"));
    channel.send(invitation(1, "c1"));

    assertThat(channel.deliveries()).extracting(Delivery::idempotencyKey)
        .containsExactly("nps-invitation-1", "nps-invitation-2", "nps-reminder-1", "nps-invitation-1");
    assertThat(channel.count()).isEqualTo(4);
    assertThat(channel.distinctKeys()).containsExactly("nps-invitation-1", "nps-invitation-2", "nps-reminder-1");
    assertThat(channel.countFor(1)).isEqualTo(3);
    assertThat(channel.countFor(3)).isZero();
  }

  @Test
  void hasIdEmailUnlessToldOtherwise() {
    assertThat(channel.id()).isEqualTo("email");
    assertThat(new RecordingChannel("webhook").id()).isEqualTo("webhook");
    assertThatThrownBy(() -> new RecordingChannel(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void returnsAReceiptNamingTheIdempotencyKey() {
    assertThat(channel.send(invitation(7, "c1")).messageId()).hasValueSatisfying(id -> assertThat(id)
        .contains("nps-invitation-7"));
  }

  @Test
  void failsTheNextSendsRetriablyWithoutRecordingThem() {
    channel.failNextSends(2);

    assertThatThrownBy(() -> channel.send(invitation(1, "c1")))
        .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retriable()).isTrue());
    assertThatThrownBy(() -> channel.send(invitation(1, "c1"))).isInstanceOf(DeliveryException.class);
    channel.send(invitation(1, "c1"));

    assertThat(channel.count()).isEqualTo(1);
    assertThat(channel.attempts()).hasSize(3);
  }

  @Test
  void failsPermanentlyForARejectedContactOnly() {
    channel.failPermanentlyFor("c2");

    assertThatThrownBy(() -> channel.send(invitation(2, "c2")))
        .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retriable()).isFalse());
    channel.send(invitation(1, "c1"));

    assertThat(channel.deliveries()).extracting(delivery -> delivery.contact().crmId()).containsExactly("c1");
  }

  @Test
  void recordsTheMessageBeforeASimulatedCrash() {
    channel.failAfterSending(1);

    assertThatThrownBy(() -> channel.send(invitation(1, "c1"))).isInstanceOf(RecordingChannel.SimulatedCrash.class)
        .isNotInstanceOf(DeliveryException.class);
    channel.send(invitation(1, "c1"));

    assertThat(channel.countFor(1)).isEqualTo(2);
    assertThat(channel.distinctKeys()).containsExactly("nps-invitation-1");
  }

  @Test
  void holdsASendUntilTheGateIsReleased() throws Exception {
    RecordingChannel.Gate gate = channel.holdNextSend();
    ExecutorService sender = Executors.newSingleThreadExecutor();
    try {
      Future<?> sending = sender.submit(() -> channel.send(invitation(1, "c1")));

      assertThat(gate.awaitReached(Duration.ofSeconds(10))).isTrue();
      assertThat(gate.delivery()).hasValueSatisfying(d -> assertThat(d.invitationId()).isEqualTo(1));
      assertThat(channel.count()).isZero();
      gate.release();
      sending.get(10, TimeUnit.SECONDS);

      assertThat(channel.count()).isEqualTo(1);
      channel.send(invitation(2, "c2")); // the gate held one send only
      assertThat(channel.count()).isEqualTo(2);
    } finally {
      sender.shutdownNow();
    }
  }

  @Test
  void anInterruptedHeldSendSendsNothing() throws Exception {
    RecordingChannel.Gate gate = channel.holdNextSend();
    ExecutorService sender = Executors.newSingleThreadExecutor();
    try {
      Future<?> sending = sender.submit(() -> channel.send(invitation(1, "c1")));
      assertThat(gate.awaitReached(Duration.ofSeconds(10))).isTrue();

      sending.cancel(true);
      sender.shutdown();

      assertThat(sender.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      assertThat(channel.count()).isZero();
      assertThat(channel.attempts()).hasSize(1);
    } finally {
      sender.shutdownNow();
    }
  }

  @Test
  void recordsEverySendFromConcurrentThreads() throws Exception {
    ExecutorService senders = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> sends = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        long invitationId = i;
        sends.add(senders.submit(() -> channel.send(invitation(invitationId, "c" + invitationId))));
      }
      for (Future<?> send : sends) {
        send.get(10, TimeUnit.SECONDS);
      }
    } finally {
      senders.shutdownNow();
    }

    assertThat(channel.count()).isEqualTo(400);
    assertThat(channel.distinctKeys()).hasSize(400);
  }

  private static Delivery invitation(long invitationId, String contactId) {
    return delivery(invitationId, "nps-invitation-" + invitationId, Delivery.Kind.INVITATION, contactId);
  }

  private static Delivery reminder(long invitationId, String contactId) {
    return delivery(invitationId, "nps-reminder-" + invitationId, Delivery.Kind.REMINDER, contactId);
  }

  private static Delivery delivery(long invitationId, String key, Delivery.Kind kind, String contactId) {
    Contact contact = Contact.builder(contactId, T0).email(contactId + "@example.com").build();
    return new Delivery(invitationId, key, kind, "crm", "post-purchase", "default", contact, T0.plus(Duration.ofDays(30)));
  }
}
