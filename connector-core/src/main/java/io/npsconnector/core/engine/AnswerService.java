package io.npsconnector.core.engine;

import io.npsconnector.config.FollowUpTaskConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.model.Score;
import io.npsconnector.core.spi.PriorWrite;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.core.store.AnswerRepository;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.ProvisionalScoreRepository;
import io.npsconnector.core.store.WritebackRepository;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Records answers and unsubscribes. An answer, its invitation's new state and every write-back it
 * causes are committed in one transaction, so none can be lost without the others. An answer to an
 * invitation whose send is unconfirmed (handed to the channel, outcome not recorded) first completes the
 * send's record: sent at its hand-over time, with the message id and expiry stored then. The answer's alerts are
 * queued in the same transaction (only answers recorded here alert: a score is recorded once it is confirmed).
 */
final class AnswerService {
  static final List<InvitationState> ANSWERABLE = List.of(InvitationState.SENDING, InvitationState.SENT,
      InvitationState.REMINDED, InvitationState.ANSWERED);

  /** The line a follow-up task gets when a changed answer no longer calls for it. */
  static final String NO_LONGER_NEEDED = "Closed by npsconnector: the contact changed the answer, and it no longer "
      + "calls for a follow-up.";

  private final NpsConfig config;
  private final Stores stores;
  private final Clock clock;
  private final EngineHooks hooks;
  private final java.util.function.Predicate<String> keepsResponses;
  private final AccountRollups rollups;
  private final AlertService alerts;

  /**
   * @param keepsResponses whether a connection's CRM keeps one record per answer
   * @param alerts queues the answer's alerts in its transaction
   */
  AnswerService(NpsConfig config, Stores stores, Clock clock, EngineHooks hooks,
      java.util.function.Predicate<String> keepsResponses, AlertService alerts) {
    this.alerts = alerts;
    this.config = config;
    this.keepsResponses = keepsResponses;
    this.stores = stores;
    this.clock = clock;
    this.hooks = hooks;
    this.rollups = new AccountRollups(config, stores, clock);
  }

  /** Why an answer was not taken. */
  static final class AnswerRefused extends RuntimeException {
    AnswerRefused(String message) {
      super(message);
    }
  }

  /**
   * Stores the answer to an invitation, or updates it when the respondent submits again.
   *
   * @return the answer's id
   * @throws AnswerRefused when the invitation does not exist, was never sent, or has expired
   */
  long record(long invitationId, int score, Optional<String> comment) {
    Score.of(score); // refuses anything outside 0-10 before a transaction opens
    Instant now = clock.instant();
    long answerId = stores.jdbi().inTransaction(handle -> {
      // one-click scores still open are settled by the form: the one it repeats is confirmed, others superseded
      stores.provisionals().lock(handle, invitationId);
      for (ProvisionalScoreRepository.Provisional open : stores.provisionals().forInvitation(handle, invitationId)) {
        if (open.state() == ProvisionalScoreRepository.State.PROVISIONAL) {
          stores.provisionals().decide(handle, open.id(), open.score() == score
              ? ProvisionalScoreRepository.State.CONFIRMED : ProvisionalScoreRepository.State.SUPERSEDED,
              "the form was submitted with score " + score, now);
        }
      }
      return recordIn(handle, invitationId, score, comment, AnswerRepository.Confirmation.FORM, now);
    });
    hooks.at(EngineHooks.ANSWER_STORED);
    return answerId;
  }

  /** Whether the invitation takes an answer at {@code now}; the reason when it does not. */
  static Optional<String> refusal(Invitation invitation, Instant now) {
    if (!ANSWERABLE.contains(invitation.state())) {
      return Optional.of("invitation " + invitation.id() + " is " + invitation.state().name().toLowerCase(Locale.ROOT)
          + " and takes no answer");
    }
    if (invitation.expiresAt().isPresent() && !now.isBefore(invitation.expiresAt().get())) {
      return Optional.of("invitation " + invitation.id() + " expired at " + invitation.expiresAt().get());
    }
    return Optional.empty();
  }

  /**
   * Stores the answer in the caller's transaction, with its invitation's state and write-backs.
   *
   * @throws AnswerRefused when the invitation does not exist, was never sent, or has expired
   */
  long recordIn(Handle handle, long invitationId, int score, Optional<String> comment,
      AnswerRepository.Confirmation confirmedBy, Instant now) {
    Invitation invitation = stores.invitations().find(handle, invitationId)
        .orElseThrow(() -> new AnswerRefused("invitation " + invitationId + " does not exist"));
    Optional<String> refused = refusal(invitation, now);
    if (refused.isPresent()) {
      throw new AnswerRefused(refused.get());
    }
    long id = stores.answers().upsert(handle, invitationId, score, comment, now, confirmedBy);
    if (invitation.state() == InvitationState.SENDING && invitation.handedOverAt().isPresent()) {
      // the respondent has the message, so its send happened: recorded at its hand-over, as the sender would
      stores.invitations().completeUnconfirmed(handle, invitationId, "sent: handed to the channel at "
          + invitation.handedOverAt().get() + invitation.messageId().map(m -> " as " + m).orElse("")
          + ", answered before the send was recorded", now);
    }
    if (!stores.invitations().transition(handle, invitationId, List.of(InvitationState.SENDING,
        InvitationState.SENT, InvitationState.REMINDED), InvitationState.ANSWERED, "score " + score, now)) {
      stores.invitations().note(handle, invitationId, InvitationState.ANSWERED, "answer updated: score " + score, now);
    }
    Contact contact = stores.contacts().find(handle, invitation.connection(), invitation.contactId())
        .orElseThrow(() -> new AnswerRefused("contact " + invitation.contactId() + " is unknown"));
    queueWritebacks(handle, invitation, contact, id, score, comment, now);
    alerts.queue(handle, invitation, contact, id, score, comment, now);
    return id;
  }

  /** Puts the contact on our unsubscribe list; pending reminders then stop at their re-check. */
  void unsubscribe(long invitationId) {
    stores.jdbi().useTransaction(handle -> {
      Invitation invitation = stores.invitations().find(handle, invitationId)
          .orElseThrow(() -> new AnswerRefused("invitation " + invitationId + " does not exist"));
      Optional<String> email = stores.contacts().find(handle, invitation.connection(), invitation.contactId())
          .flatMap(Contact::email);
      Instant now = clock.instant();
      stores.unsubscribes().add(handle, invitation.connection(), invitation.contactId(), email, now);
      if (config.writeback().emailOptOut()) {
        stores.writebacks().enqueue(handle, invitation.connection(), new WriteRequest.EmailOptOut(
            "opt-out:" + invitation.contactId(), invitation.contactId(), email), now);
      }
    });
  }

  private void queueWritebacks(Handle handle, Invitation invitation, Contact contact, long answerId, int score,
      Optional<String> comment, Instant now) {
    String connection = invitation.connection();
    String category = Score.of(score).category().id();
    stores.writebacks().enqueue(handle, connection, new WriteRequest.ContactNps("contact:" + contact.crmId(),
        contact.crmId(), score, category, now, comment), now);
    contact.accountId().ifPresent(account -> stores.writebacks().enqueue(handle, connection,
        accountRollup(handle, connection, account, now), now));
    FollowUpTaskConfig task = config.writeback().followUpTasks().get(category);
    AnswerTexts texts = new AnswerTexts(contact, score, category, invitation.trigger(), comment);
    String taskKey = "task:" + answerId;
    if (task != null) {
      LocalDate due = now.plus(task.dueIn()).atZone(ZoneOffset.UTC).toLocalDate();
      stores.writebacks().enqueue(handle, connection, new WriteRequest.FollowUpTask(taskKey,
          contact.crmId(), contact.ownerId(), texts.taskSubject(task.subject()), texts.taskDescription(), due,
          task.priority().name().toLowerCase(Locale.ROOT)), now);
    } else {
      // a resubmitted answer left the categories that get a task: the task it had is closed, not deleted
      stores.writebacks().find(handle, connection, WritebackRepository.Kind.FOLLOW_UP_TASK, taskKey)
          .map(item -> (WriteRequest.FollowUpTask) item.request())
          .ifPresent(open -> stores.writebacks().enqueue(handle, connection, new WriteRequest.FollowUpTask(taskKey,
              open.contactId(), open.ownerId(), open.subject(), texts.taskDescription() + "\n" + NO_LONGER_NEEDED,
              open.dueDate(), open.priority(), true, PriorWrite.NONE), now));
    }
    if (config.writeback().timelineActivity()) {
      stores.writebacks().enqueue(handle, connection, new WriteRequest.TimelineActivity("activity:" + answerId,
          contact.crmId(), texts.timelineSubject(), texts.timelineBody(), now), now);
    }
    if (keepsResponses.test(connection)) {
      stores.writebacks().enqueue(handle, connection, new WriteRequest.Response(
          DeliveryService.invitationKey(invitation.id()), contact.crmId(), contact.accountId(), score, category,
          comment, invitation.trigger(), invitation.channel(), now), now);
    }
  }

  /**
   * The account's roll-up with this answer. The flush computes it again when it writes; queueing the
   * current figure makes every answer change the queued row, so that a flush writing the account at
   * the same time cannot mark this answer's roll-up done.
   */
  private WriteRequest.AccountNps accountRollup(Handle handle, String connection, String account, Instant now) {
    return rollups.compute(handle, connection, account, now);
  }
}
