package io.npsconnector.core.engine;

import io.npsconnector.config.NpsConfig;
import io.npsconnector.config.TriggerConfig;
import io.npsconnector.core.delivery.Channel;
import io.npsconnector.core.delivery.Delivery;
import io.npsconnector.core.delivery.DeliveryException;
import io.npsconnector.core.delivery.DeliveryReceipt;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.store.Invitation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due invitations, reminders and expiries. Every step is idempotent: a send that finds its
 * invitation already sent does nothing; one that finds it claimed by a process that died (SENDING)
 * sends again with the same idempotency key, so channels and receivers can drop the repeat.
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
  enum Outcome { SENT, ALREADY_DONE, SUPPRESSED, RETRY_LATER, FAILED }

  /** The idempotency key of an invitation's message: the same for every attempt. */
  static String invitationKey(long invitationId) {
    return "nps-invitation-" + invitationId;
  }

  static String reminderKey(long invitationId) {
    return "nps-reminder-" + invitationId;
  }

  Outcome send(long invitationId) {
    Optional<Invitation> found = stores.invitations().find(invitationId);
    if (found.isEmpty()) {
      return Outcome.ALREADY_DONE;
    }
    Invitation invitation = found.get();
    if (invitation.state() != InvitationState.SCHEDULED && invitation.state() != InvitationState.SENDING) {
      return Outcome.ALREADY_DONE;
    }
    Optional<Contact> contact = stores.contacts().find(invitation.connection(), invitation.contactId());
    if (invitation.state() == InvitationState.SCHEDULED) {
      Optional<String> suppression = recheck(invitation, contact);
      if (suppression.isPresent()) {
        stores.jdbi().useTransaction(handle -> stores.invitations().transition(handle, invitationId,
            List.of(InvitationState.SCHEDULED), InvitationState.SUPPRESSED, suppression.get(), clock.instant()));
        return Outcome.SUPPRESSED;
      }
      boolean claimed = stores.jdbi().inTransaction(handle -> stores.invitations().transition(handle, invitationId,
          List.of(InvitationState.SCHEDULED), InvitationState.SENDING, "attempt " + (invitation.attempts() + 1),
          clock.instant()));
      if (!claimed) {
        return Outcome.ALREADY_DONE;
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
      return failed(invitation, e);
    }
    hooks.at(EngineHooks.SEND_DELIVERED);
    Instant now = clock.instant();
    stores.jdbi().useTransaction(handle -> {
      if (stores.invitations().transition(handle, invitationId, List.of(InvitationState.SENDING), InvitationState.SENT,
          receipt.messageId().map(id -> "message " + id).orElse("sent"), now)) {
        stores.invitations().setMessage(handle, invitationId, receipt.messageId(), expiresAt);
      }
    });
    config.reminderAfter().ifPresent(after -> scheduling.reminder(invitationId, now.plus(after)));
    scheduling.expiry(invitationId, expiresAt);
    return Outcome.SENT;
  }

  /** Sends the one reminder of an unanswered invitation. */
  Outcome remind(long invitationId) {
    Optional<Invitation> found = stores.invitations().find(invitationId);
    if (found.isEmpty() || found.get().state() != InvitationState.SENT) {
      return Outcome.ALREADY_DONE; // answered, expired, unsubscribed or already reminded
    }
    Invitation invitation = found.get();
    Optional<Contact> contact = stores.contacts().find(invitation.connection(), invitation.contactId());
    Optional<String> stop = optOut(invitation, contact);
    if (stop.isPresent()) {
      LOG.info("invitation {}: no reminder, {}", invitationId, stop.get());
      stores.jdbi().useHandle(handle -> stores.invitations().note(handle, invitationId, InvitationState.SENT,
          "no reminder: " + stop.get(), clock.instant()));
      return Outcome.SUPPRESSED;
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
      return Outcome.FAILED;
    }
    stores.jdbi().useTransaction(handle -> stores.invitations().transition(handle, invitationId,
        List.of(InvitationState.SENT), InvitationState.REMINDED, "reminder sent", clock.instant()));
    return Outcome.SENT;
  }

  /** Expires an invitation nobody answered. */
  void expire(long invitationId) {
    stores.jdbi().useTransaction(handle -> stores.invitations().transition(handle, invitationId,
        List.of(InvitationState.SENT, InvitationState.REMINDED), InvitationState.EXPIRED, "no answer before expiry",
        clock.instant()));
  }

  private Outcome failed(Invitation invitation, DeliveryException e) {
    int attempts = invitation.attempts() + (invitation.state() == InvitationState.SCHEDULED ? 1 : 0);
    Instant now = clock.instant();
    if (e.retriable() && attempts < MAX_ATTEMPTS) {
      Instant retryAt = now.plus(Backoff.after(attempts));
      stores.jdbi().useTransaction(handle -> {
        stores.invitations().transition(handle, invitation.id(), List.of(InvitationState.SENDING),
            InvitationState.SCHEDULED, "attempt " + attempts + " failed, retry at " + retryAt + ": " + e.getMessage(),
            now);
        stores.invitations().reschedule(handle, invitation.id(), retryAt);
      });
      return Outcome.RETRY_LATER; // the caller runs it again: the scheduler's failure backoff, or a test
    }
    stores.jdbi().useTransaction(handle -> stores.invitations().transition(handle, invitation.id(),
        List.of(InvitationState.SENDING), InvitationState.FAILED,
        (e.retriable() ? "gave up after " + attempts + " attempts: " : "refused: ") + e.getMessage(), now));
    LOG.warn("invitation {} failed: {}", invitation.id(), e.getMessage());
    return Outcome.FAILED;
  }

  /** 1, 2, 4, 8 minutes ... capped at an hour. */

  /** Why the invitation must not go out now, if it must not: the rules that can change after scheduling. */
  private Optional<String> recheck(Invitation invitation, Optional<Contact> contact) {
    Optional<String> optOut = optOut(invitation, contact);
    if (optOut.isPresent()) {
      return optOut;
    }
    int days = config.fatigue().days();
    if (days > 0) {
      Optional<Instant> last = stores.invitations().lastSentAt(invitation.connection(), invitation.contactId(),
          invitation.id());
      if (last.isPresent() && last.get().isAfter(clock.instant().minus(Duration.ofDays(days)))) {
        return Optional.of("fatigue: another survey was sent at " + last.get() + ", within the " + days
            + "-day fatigue window");
      }
    }
    return Optional.empty();
  }

  private Optional<String> optOut(Invitation invitation, Optional<Contact> contact) {
    if (contact.isEmpty() || contact.get().deleted()) {
      return Optional.of("deleted: the contact no longer exists in the CRM");
    }
    if (contact.get().email().isEmpty()) {
      return Optional.of("email: the contact has no e-mail address any more");
    }
    if (contact.get().emailOptOut()) {
      return Optional.of("opt-out: the contact opted out of e-mail in the CRM");
    }
    if (stores.unsubscribes().contains(invitation.connection(), invitation.contactId(), contact.get().email())) {
      return Optional.of("unsubscribed: the contact unsubscribed from surveys");
    }
    return Optional.empty();
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
