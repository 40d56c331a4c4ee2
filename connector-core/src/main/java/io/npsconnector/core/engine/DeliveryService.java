package io.npsconnector.core.engine;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.config.TriggerConfig;
import io.npsconnector.core.delivery.Channel;
import io.npsconnector.core.delivery.Delivery;
import io.npsconnector.core.delivery.DeliveryException;
import io.npsconnector.core.delivery.DeliveryReceipt;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.InvitationRepository.Counting;
import io.npsconnector.core.trigger.TriggerEvaluator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due invitations, reminders and expiries; each invitation's message at most once, and its send always
 * recorded. Every step is idempotent: a send that finds its invitation already sent only makes sure its
 * reminder and expiry are scheduled. The attempt is recorded (the hand-over: time, message id, expiry) at the
 * last moment before the channel can deliver; one that finds it claimed by a process that died (SENDING) sends
 * again, with the same idempotency key, only when that process had not handed the message over; otherwise it
 * records the send as made at its hand-over time (sent, unconfirmed) and does not send again. An answer that
 * comes first completes the record the same way ({@link AnswerService}).
 *
 * <p>Whether an invitation may still go, and when, is the trigger rules' to say, not this class's: the
 * re-check at send time and before a reminder is {@link TriggerEvaluator#recheck} and
 * {@link TriggerEvaluator#recheckReminder}; first sends, retries and reminders are placed in the
 * recipient's send window by {@link TriggerEvaluator#sendTime}, and one that comes due outside it
 * (a late scheduler, a changed window) waits for the window to open.
 */
final class DeliveryService {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryService.class);
  static final int MAX_ATTEMPTS = 5;

  private final NpsConfig config;
  private final Stores stores;
  private final Map<String, Channel> channels;
  private final Scheduling scheduling;
  private final Clock clock;
  private final EngineHooks hooks;
  private final TriggerEvaluator rules = new TriggerEvaluator();

  DeliveryService(NpsConfig config, Stores stores, Map<String, Channel> channels, Scheduling scheduling, Clock clock,
      EngineHooks hooks) {
    this.config = config;
    this.stores = stores;
    this.channels = Map.copyOf(channels);
    this.scheduling = scheduling;
    this.clock = clock;
    this.hooks = hooks;
  }

  /** What became of one send call. */
  enum Outcome {
    SENT,
    /** Handed to the channel, outcome unknown (the process died, the receiver never answered): recorded as sent. */
    SENT_UNCONFIRMED,
    ALREADY_DONE, SUPPRESSED, RETRY_LATER, DEFERRED, FAILED
  }

  /** What became of one call, and when to call again (for {@link Outcome#RETRY_LATER} and {@link Outcome#DEFERRED}). */
  record Attempt(Outcome outcome, Optional<Instant> again) {
    static Attempt of(Outcome outcome) {
      return new Attempt(outcome, Optional.empty());
    }

    static Attempt at(Outcome outcome, Instant again) {
      return new Attempt(outcome, Optional.of(again));
    }
  }

  /** The idempotency key of an invitation's message: the same for every attempt. */
  static String invitationKey(long invitationId) {
    return "nps-invitation-" + invitationId;
  }

  static String reminderKey(long invitationId) {
    return "nps-reminder-" + invitationId;
  }

  Attempt send(long invitationId) {
    return send(invitationId, stores.invitations().find(invitationId));
  }

  /** As {@link #send(long)}, with the invitation's record as just read ({@code found}, empty when there is none). */
  Attempt send(long invitationId, Optional<Invitation> found) {
    if (found.isEmpty()) {
      return Attempt.of(Outcome.ALREADY_DONE);
    }
    Invitation invitation = found.get();
    if (invitation.state() == InvitationState.SENT) {
      // a process that died after recording the send may not have scheduled what follows it
      scheduleFollowUps(invitation);
      return Attempt.of(Outcome.ALREADY_DONE);
    }
    if (invitation.state() != InvitationState.SCHEDULED && invitation.state() != InvitationState.SENDING) {
      return Attempt.of(Outcome.ALREADY_DONE);
    }
    if (invitation.handedOverAt().isPresent()) {
      return completeUnconfirmed(invitationId, "handed to the channel by a process that stopped before recording "
          + "the outcome");
    }
    Optional<Contact> contact = stores.contacts().find(invitation.connection(), invitation.contactId());
    if (invitation.state() == InvitationState.SCHEDULED) {
      Instant now = clock.instant();
      Optional<TriggerEvaluator.Refusal> refusal = stores.jdbi().withHandle(handle -> rules.recheck(
          invitation.connection(), config.fatigue(), contact,
          new StoreSurveyHistory(stores, handle, Counting.beside(invitationId, now)), now));
      if (refusal.isPresent()) {
        stores.jdbi().useTransaction(handle -> stores.invitations().transition(handle, invitationId,
            List.of(InvitationState.SCHEDULED), InvitationState.SUPPRESSED, refusal.get().toString(), now));
        return Attempt.of(Outcome.SUPPRESSED);
      }
      Instant window = sendTime(invitation, contact.get(), now);
      if (window.isAfter(now)) {
        stores.jdbi().useTransaction(handle -> stores.invitations().reschedule(handle, invitationId, window));
        LOG.info("invitation {} came due outside the recipient's send window; it waits until {}", invitationId,
            window);
        return Attempt.at(Outcome.DEFERRED, window);
      }
      boolean claimed = stores.jdbi().inTransaction(handle -> stores.invitations().transition(handle, invitationId,
          List.of(InvitationState.SCHEDULED), InvitationState.SENDING, "attempt " + (invitation.attempts() + 1),
          clock.instant()));
      if (!claimed) {
        return Attempt.of(Outcome.ALREADY_DONE);
      }
    } else {
      LOG.warn("invitation {} was claimed by a process that stopped before handing the message to the channel; "
          + "sending it now", invitationId);
    }
    hooks.at(EngineHooks.SEND_CLAIMED);
    Instant expiresAt = clock.instant().plus(config.invitationExpiry());
    Delivery delivery = new Delivery(invitationId, invitationKey(invitationId), Delivery.Kind.INVITATION,
        invitation.connection(), invitation.trigger(), template(invitation.trigger()), contact.orElseThrow(),
        expiresAt);
    DeliveryReceipt receipt;
    try {
      receipt = channel(invitation.channel()).send(delivery, messageId -> handOver(invitationId, messageId,
          expiresAt));
    } catch (HandOverRefused e) {
      LOG.warn("invitation {}: not sent, {}", invitationId, e.getMessage());
      return Attempt.of(Outcome.ALREADY_DONE);
    } catch (DeliveryException e) {
      if (e.outcomeUnknown()) {
        return completeUnconfirmed(invitationId, e.getMessage());
      }
      return failed(invitation, delivery.contact(), e);
    }
    hooks.at(EngineHooks.SEND_DELIVERED);
    Instant now = clock.instant();
    boolean recorded = stores.jdbi().inTransaction(handle -> stores.invitations().recordSent(handle, invitationId,
        receipt.messageId(), expiresAt, receipt.messageId().map(id -> "message " + id).orElse("sent"), now));
    hooks.at(EngineHooks.SEND_RECORDED);
    if (recorded) {
      // sent now, with this expiry, to this contact: what follows needs no second read of either record
      scheduleFollowUps(invitation, delivery.contact(), now, expiresAt);
    } else {
      stores.invitations().find(invitationId).ifPresent(this::scheduleFollowUps);
    }
    return Attempt.of(Outcome.SENT);
  }

  /**
   * Records the attempt of an invitation's message just before it can leave: from the commit on, the message
   * is never sent again whatever happens to this process ({@link #completeUnconfirmed}).
   *
   * @throws HandOverRefused when the invitation is no longer this process's to send
   */
  private void handOver(long invitationId, Optional<String> messageId, Instant expiresAt) {
    boolean recorded = stores.jdbi().inTransaction(handle -> stores.invitations().handOver(handle, invitationId,
        messageId, expiresAt, clock.instant()));
    if (!recorded) {
      throw new HandOverRefused("another process handed its message over, or it is no longer being sent");
    }
    hooks.at(EngineHooks.SEND_HANDED_OVER);
  }

  /**
   * An invitation whose message was handed over and whose outcome is unknown (the process that handed it over
   * died before recording it, or the receiver never answered the whole message): the message may have
   * arrived, so it is recorded as sent (at most once), at its hand-over time, with the message id and expiry
   * it carried, and not sent again.
   */
  private Attempt completeUnconfirmed(long invitationId, String why) {
    Optional<Invitation> handedOver = stores.invitations().find(invitationId)
        .filter(invitation -> invitation.handedOverAt().isPresent());
    if (handedOver.isEmpty()) {
      return Attempt.of(Outcome.ALREADY_DONE);
    }
    Instant at = handedOver.get().handedOverAt().get();
    String detail = "sent, unconfirmed: " + why + "; handed over at " + at
        + handedOver.get().messageId().map(id -> " as " + id).orElse("") + "; not sent again";
    boolean completed = stores.jdbi().inTransaction(handle -> stores.invitations().completeUnconfirmed(handle,
        invitationId, detail, clock.instant()));
    if (!completed) {
      return Attempt.of(Outcome.ALREADY_DONE);
    }
    LOG.warn("invitation {}: {}", invitationId, detail);
    stores.invitations().find(invitationId).ifPresent(this::scheduleFollowUps);
    return Attempt.of(Outcome.SENT_UNCONFIRMED);
  }

  /** Schedules the reminder and the expiry of a sent invitation from its record (both idempotent). */
  private void scheduleFollowUps(Invitation sent) {
    if (sent.state() != InvitationState.SENT || sent.sentAt().isEmpty()) {
      return; // answered (or otherwise finished) meanwhile: nothing follows
    }
    Instant sentAt = sent.sentAt().get();
    Instant expiresAt = sent.expiresAt().orElseGet(() -> sentAt.plus(config.invitationExpiry()));
    Optional<Contact> contact = config.reminderAfter().isPresent()
        ? stores.contacts().find(sent.connection(), sent.contactId()) : Optional.empty();
    scheduleFollowUps(sent, contact, sentAt, expiresAt);
  }

  /** As {@link #scheduleFollowUps(Invitation)}, for a send just recorded, with its contact, time and expiry. */
  private void scheduleFollowUps(Invitation sent, Contact contact, Instant sentAt, Instant expiresAt) {
    scheduleFollowUps(sent, Optional.of(contact), sentAt, expiresAt);
  }

  private void scheduleFollowUps(Invitation sent, Optional<Contact> contact, Instant sentAt, Instant expiresAt) {
    Optional<Instant> reminder = config.reminderAfter()
        .flatMap(after -> contact.map(found -> sendTime(sent, found, sentAt.plus(after))));
    scheduling.followUps(sent.id(), reminder, expiresAt);
  }

  /** The invitation is no longer this process's to send: it sends nothing. */
  private static final class HandOverRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HandOverRefused(String message) {
      super(message);
    }
  }

  /** Sends the one reminder of an unanswered invitation. */
  Attempt remind(long invitationId) {
    Optional<Invitation> found = stores.invitations().find(invitationId);
    if (found.isEmpty() || found.get().state() != InvitationState.SENT) {
      return Attempt.of(Outcome.ALREADY_DONE); // answered, expired, unsubscribed or already reminded
    }
    Invitation invitation = found.get();
    if (invitation.remindedAt().isPresent()) {
      return reminderUnconfirmed(invitationId, "handed to the channel at " + invitation.remindedAt().get()
          + " by a process that stopped before recording the outcome");
    }
    Optional<Contact> contact = stores.contacts().find(invitation.connection(), invitation.contactId());
    Optional<TriggerEvaluator.Refusal> stop = stores.jdbi().withHandle(handle -> rules.recheckReminder(
        invitation.connection(), contact, new StoreSurveyHistory(stores, handle)));
    if (stop.isPresent()) {
      LOG.info("invitation {}: no reminder, {}", invitationId, stop.get());
      stores.jdbi().useHandle(handle -> stores.invitations().note(handle, invitationId, InvitationState.SENT,
          "no reminder: " + stop.get(), clock.instant()));
      return Attempt.of(Outcome.SUPPRESSED);
    }
    Instant window = sendTime(invitation, contact.get(), clock.instant());
    if (window.isAfter(clock.instant())) {
      return Attempt.at(Outcome.DEFERRED, window); // the reminder waits for the recipient's send window
    }
    Delivery delivery = new Delivery(invitationId, reminderKey(invitationId), Delivery.Kind.REMINDER,
        invitation.connection(), invitation.trigger(), template(invitation.trigger()), contact.orElseThrow(),
        invitation.expiresAt().orElse(clock.instant().plus(config.invitationExpiry())));
    try {
      channel(invitation.channel()).send(delivery, messageId -> {
        if (!stores.jdbi().inTransaction(handle -> stores.invitations().handOverReminder(handle, invitationId,
            clock.instant()))) {
          throw new HandOverRefused("the reminder was handed over by another process, or the invitation moved on");
        }
      });
    } catch (HandOverRefused e) {
      LOG.warn("invitation {}: no reminder, {}", invitationId, e.getMessage());
      return Attempt.of(Outcome.ALREADY_DONE);
    } catch (DeliveryException e) {
      if (e.outcomeUnknown()) {
        return reminderUnconfirmed(invitationId, e.getMessage());
      }
      stores.jdbi().useTransaction(handle -> stores.invitations().voidReminderHandOver(handle, invitationId));
      if (e.retriable()) {
        throw e; // the scheduler tries the reminder again later
      }
      LOG.warn("invitation {}: reminder refused permanently: {}", invitationId, e.getMessage());
      return Attempt.of(Outcome.FAILED);
    }
    stores.jdbi().useTransaction(handle -> stores.invitations().transition(handle, invitationId,
        List.of(InvitationState.SENT), InvitationState.REMINDED, "reminder sent", clock.instant()));
    return Attempt.of(Outcome.SENT);
  }

  /** A reminder handed over whose outcome is unknown: recorded as sent at its hand-over, never sent again. */
  private Attempt reminderUnconfirmed(long invitationId, String why) {
    String detail = "reminder sent, unconfirmed: " + why + "; not sent again";
    boolean recorded = stores.jdbi().inTransaction(handle -> stores.invitations().transition(handle, invitationId,
        List.of(InvitationState.SENT), InvitationState.REMINDED, detail, clock.instant()));
    if (!recorded) {
      return Attempt.of(Outcome.ALREADY_DONE);
    }
    LOG.warn("invitation {}: {}", invitationId, detail);
    return Attempt.of(Outcome.SENT_UNCONFIRMED);
  }

  /** Expires an invitation nobody answered. */
  void expire(long invitationId) {
    stores.jdbi().useTransaction(handle -> stores.invitations().transition(handle, invitationId,
        List.of(InvitationState.SENT, InvitationState.REMINDED), InvitationState.EXPIRED, "no answer before expiry",
        clock.instant()));
  }

  private Attempt failed(Invitation invitation, Contact contact, DeliveryException e) {
    int attempts = invitation.attempts() + (invitation.state() == InvitationState.SCHEDULED ? 1 : 0);
    Instant now = clock.instant();
    if (e.retriable() && attempts < MAX_ATTEMPTS) {
      Instant retryAt = sendTime(invitation, contact, now.plus(Backoff.after(attempts)));
      stores.jdbi().useTransaction(handle -> {
        stores.invitations().transition(handle, invitation.id(), List.of(InvitationState.SENDING),
            InvitationState.SCHEDULED, "attempt " + attempts + " failed, retry at " + retryAt + ": " + e.getMessage(),
            now);
        stores.invitations().reschedule(handle, invitation.id(), retryAt);
      });
      return Attempt.at(Outcome.RETRY_LATER, retryAt); // the scheduler runs it again then, or a test
    }
    stores.jdbi().useTransaction(handle -> stores.invitations().transition(handle, invitation.id(),
        List.of(InvitationState.SENDING), InvitationState.FAILED,
        (e.retriable() ? "gave up after " + attempts + " attempts: " : "refused: ") + e.getMessage(), now));
    LOG.warn("invitation {} failed: {}", invitation.id(), e.getMessage());
    return Attempt.of(Outcome.FAILED);
  }

  /** The first instant from {@code earliest} in the recipient's send window. */
  private Instant sendTime(Invitation invitation, Contact contact, Instant earliest) {
    ZoneId connectionZone = config.connection(invitation.connection()).map(ConnectionConfig::timeZone)
        .orElse(ZoneOffset.UTC);
    return TriggerEvaluator.sendTime(config.sendWindow(), contact, connectionZone, earliest);
  }

  private String template(String trigger) {
    return templateOf(config, trigger);
  }

  /** The template a trigger's messages use; the default one for a trigger no longer configured. */
  static String templateOf(io.npsconnector.config.NpsConfig config, String trigger) {
    return config.triggers().stream().filter(t -> t.name().equals(trigger)).findFirst()
        .map(TriggerConfig::template).orElse(TriggerConfig.DEFAULT_TEMPLATE);
  }

  private Channel channel(String id) {
    Channel channel = channels.get(id);
    if (channel == null) {
      throw new DeliveryException("channel '" + id + "' is not configured", false, null);
    }
    return channel;
  }
}
