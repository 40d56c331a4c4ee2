package io.npsconnector.core.engine;

import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.Score;
import io.npsconnector.core.store.AnswerRepository;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.DecisionRepository;
import io.npsconnector.core.store.EventRepository;
import io.npsconnector.core.store.FollowUpRepository;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.core.store.WritebackRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Everything the store knows about one contact, in time order: events seen, trigger decisions with
 * their rules and reasons, invitations and each state they went through, answers, write-backs, alerts.
 */
public final class Explainer {
  private final Stores stores;
  private final java.time.Clock clock;

  public Explainer(Database database) {
    this(database, java.time.Clock.systemUTC());
  }

  /** @param clock what "now" is for an open task's overdue mark */
  public Explainer(Database database, java.time.Clock clock) {
    this.stores = Stores.of(database);
    this.clock = clock;
  }

  /** One line of a contact's story. */
  public record Entry(Instant at, String kind, String text) {}

  /** The contact as stored, and its story; empty when the store has never seen it. */
  public record Explanation(Optional<Contact> contact, List<Entry> entries) {}

  public Explanation explain(String connection, String contactId) {
    Optional<Contact> contact = stores.contacts().find(connection, contactId);
    List<Entry> entries = new ArrayList<>();
    List<DecisionRepository.StoredDecision> decisions = stores.decisions().forContact(connection, contactId);
    stores.events().forContact(connection, contactId).forEach(event -> entries.add(eventEntry(event)));
    for (DecisionRepository.StoredDecision decision : decisions) {
      entries.add(new Entry(decision.decidedAt(), "decision", decision.trigger() + ": " + decision.outcome()
          + decision.invitationId().map(id -> " (invitation " + id + ")").orElse("")
          + " by rule '" + decision.rule() + "': " + decision.reason()));
    }
    for (Invitation invitation : stores.invitations().forContact(connection, contactId)) {
      for (InvitationRepository.HistoryEntry step : stores.invitations().history(invitation.id())) {
        entries.add(new Entry(step.at(), "invitation", "invitation " + invitation.id() + " (" + invitation.trigger()
            + ", " + invitation.channel() + ") " + step.state().name().toLowerCase(Locale.ROOT)
            + step.detail().map(detail -> ": " + detail).orElse("")));
      }
      stores.answers().forInvitation(invitation.id()).ifPresent(answer -> entries.add(answerEntry(answer)));
    }
    for (WritebackRepository.Item item : stores.writebacks().forContact(connection, contactId)) {
      entries.add(new Entry(item.updatedAt(), "write-back", writeback(item)));
    }
    for (FollowUpRepository.FollowUp followUp : stores.followUps().forContact(connection, contactId)) {
      entries.add(followUpEntry(followUp, clock.instant()));
    }
    for (io.npsconnector.core.store.AlertRepository.Alert alert : stores.alerts().forContact(connection, contactId)) {
      entries.add(new Entry(alert.sentAt().orElse(alert.createdAt()), "alert", alert(alert)));
    }
    entries.sort(Comparator.comparing(Entry::at));
    return new Explanation(contact, entries);
  }

  /** What the row writes and where it stands: written, waiting (with its next try) or failed for good. */
  private static String writeback(WritebackRepository.Item item) {
    String what = switch (item.kind()) {
      case CONTACT_NPS -> "contact NPS fields";
      case ACCOUNT_NPS -> "account NPS roll-up";
      case FOLLOW_UP_TASK -> "follow-up task";
      case TIMELINE_ACTIVITY -> "timeline activity";
      case EMAIL_OPT_OUT -> "e-mail opt-out";
      case RESPONSE -> "response record";
    };
    String attempts = item.attempts() + " attempt" + (item.attempts() == 1 ? "" : "s");
    String error = item.errorCode().map(code -> ": " + code + item.errorMessage().map(m -> " " + m).orElse(""))
        .orElse("");
    return switch (item.state()) {
      case "DONE" -> what + " written to the CRM" + (item.attempts() > 1 ? " after " + attempts : "");
      case "FAILED" -> what + " FAILED after " + attempts + ", not retried" + error;
      default -> what + (item.attempts() == 0 ? " waiting for the next write-back"
          : " waiting after " + attempts + ", next try at " + item.nextAttemptAt() + error);
    };
  }

  /**
   * The follow-up task as last read back from the CRM: who closed it and when, or whose it is, open since when
   * and whether it is overdue, or that it was deleted in the CRM or withdrawn by the engine.
   */
  static Entry followUpEntry(FollowUpRepository.FollowUp task, Instant now) {
    String what = "follow-up task " + task.crmTaskId();
    String owner = "owner " + task.owner();
    String read = " (read back " + task.readAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")";
    return switch (task.status()) {
      case COMPLETED -> new Entry(task.completedAt().orElse(task.readAt()), "follow-up", what + " completed"
          + task.completedByName().or(task::completedById).map(by -> " by " + by
              + task.completedByName().flatMap(name -> task.completedById().map(id -> " (" + id + ")")).orElse(""))
              .orElse("") + ", " + owner + task.answeredAt().flatMap(answered -> task.completedAt()
              .map(done -> ", " + hours(java.time.Duration.between(answered, done)) + " after the answer")).orElse("")
          + read);
      case OPEN -> new Entry(task.readAt(), "follow-up", what + " OPEN" + task.answeredAt().map(at -> " since "
          + at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).orElse("") + ", " + owner
          + task.dueDate().map(due -> (task.overdue(now.atZone(java.time.ZoneOffset.UTC).toLocalDate())
              ? ", OVERDUE (due " + due + ")" : ", due " + due)).orElse("") + task.crmStatus().map(s -> ", CRM status " + s)
              .orElse("") + read);
      case DELETED -> new Entry(task.readAt(), "follow-up", what + " DELETED in the CRM, " + owner + read);
      case WITHDRAWN -> new Entry(task.readAt(), "follow-up", what + " withdrawn: closed by npsconnector, the "
          + "contact changed the answer to one without a follow-up");
    };
  }

  private static String hours(java.time.Duration duration) {
    long hours = duration.toHours();
    return hours >= 48 ? (hours / 24) + " days" : hours + " h";
  }

  /** The alert of an answer to one destination: sent (to whom), waiting, or given up with the reason. */
  private static String alert(io.npsconnector.core.store.AlertRepository.Alert alert) {
    String what = "alert to " + alert.destination() + " about answer " + alert.answerId();
    String error = alert.lastError().map(e -> ": " + e).orElse("");
    return switch (alert.state()) {
      case SENT -> what + " sent" + alert.recipient().map(to -> " to " + to).orElse("")
          + (alert.attempts() > 1 ? " after " + alert.attempts() + " attempts" : "");
      case FAILED -> what + " FAILED after " + alert.attempts() + " attempt" + (alert.attempts() == 1 ? "" : "s")
          + error;
      case PENDING -> what + " waiting" + (alert.attempts() == 0 ? "" : " after " + alert.attempts()
          + " attempt" + (alert.attempts() == 1 ? "" : "s") + ", next try at " + alert.nextAttemptAt() + error);
    };
  }

  private static Entry eventEntry(EventRepository.StoredEvent stored) {
    String attributes = stored.event().attributes().entrySet().stream()
        .map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining(", "));
    return new Entry(stored.event().occurredAt(), "event", stored.event().kind().id() + " " + stored.event().crmId()
        + (attributes.isEmpty() ? "" : " (" + attributes + ")"));
  }

  private static Entry answerEntry(AnswerRepository.Answer answer) {
    return new Entry(answer.answeredAt(), "answer", "score " + answer.score() + " ("
        + Score.of(answer.score()).category().id() + ")" + answer.comment().map(c -> ": \"" + c + "\"").orElse("")
        + (answer.updatedAt().equals(answer.answeredAt()) ? "" : ", last changed " + answer.updatedAt()));
  }
}
