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
 * Sends due invitations, reminders and expiries. Every step is idempotent: a send that finds its
 * invitation already sent does nothing; one that finds it claimed by a process that died (SENDING)
 * sends again with the same idempotency key, so channels and receivers can drop the repeat.
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
  enum Outcome { SENT, ALREADY_DONE, SUPPRESSED, RETRY_LATER, DEFERRED, FAILED }

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
    Optional<Invitation> found = stores.invitations().find(invitationId);
    if (found.isEmpty()) {
      return Attempt.of(Outcome.ALREADY_DONE);
    }
    Invitation invitation = found.get();
    if (invitation.state() != InvitationState.SCHEDULED && invitation.state() != InvitationState.SENDING) {
      return Attempt.of(Outcome.ALREADY_DONE);
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
      LOG.warn("invitation {} was claimed by a process that stopped before recording the send; sending again "
          + "with the same idempotency key", invitationId);
    }
    hooks.at(EngineHooks.SEND_CLAIMED);
    Instant expiresAt = clock.instant().plus(config.invitationExpiry());
    Delivery delivery = new Delivery(invitationId, invitationKey(invitationId), Delivery.Kind.INVITATION,
        invitation.connection(), invitation.trigger(), template(invitation.trigger()), contact.orElseThrow(),
        expiresAt);
    DeliveryReceipt receipt;
    try {
      receipt = channel(invitation.channel()).send(delivery);
    } catch (DeliveryException e) {
      return failed(invitation, delivery.contact(), e);
    }
    hooks.at(EngineHooks.SEND_DELIVERED);
    Instant now = clock.instant();
    stores.jdbi().useTransaction(handle -> {
      if (stores.invitations().transition(handle, invitationId, List.of(InvitationState.SENDING), InvitationState.SENT,
          receipt.messageId().map(id -> "message " + id).orElse("sent"), now)) {
        stores.invitations().setMessage(handle, invitationId, receipt.messageId(), expiresAt);
      }
    });
    config.reminderAfter().ifPresent(after -> scheduling.reminder(invitationId,
        sendTime(invitation, delivery.contact(), now.plus(after))));
    scheduling.expiry(invitationId, expiresAt);
    return Attempt.of(Outcome.SENT);
  }

  /** Sends the one reminder of an unanswered invitation. */
  Attempt remind(long invitationId) {
    Optional<Invitation> found = stores.invitations().find(invitationId);
    if (found.isEmpty() || found.get().state() != InvitationState.SENT) {
      return Attempt.of(Outcome.ALREADY_DONE); // answered, expired, unsubscribed or already reminded
    }
    Invitation invitation = found.get();
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
      channel(invitation.channel()).send(delivery);
    } catch (DeliveryException e) {
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
