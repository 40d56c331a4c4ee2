package io.npsconnector.core.engine;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.InvitationRepository.Counting;
import io.npsconnector.core.trigger.Decision;
import io.npsconnector.core.trigger.TriggerEvaluator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;

/**
 * Who would be surveyed in the coming days, and who would not and why, from what the store holds now:
 * the invitations already waiting, the events no trigger pass has decided on yet, and the relationship
 * surveys the coming days would plan. It runs the engine's own trigger passes ({@link TriggerService},
 * the same code the scheduler runs) at the engine's own cadence — every connection's sync interval from
 * now — inside one transaction that it rolls back, so nothing is stored, scheduled or sent, and what it
 * lists is what the engine would do if nothing new came from the CRM. Between passes, invitations that
 * come due go out at their send time as the scheduler would send them: re-checked by the same rules
 * ({@link TriggerEvaluator#recheck}), then counted as sent (or suppressed), so that later passes see
 * them as the engine's would.
 */
public final class Simulator {
  private final NpsConfig config;
  private final Stores stores;
  private final Clock clock;
  private final TriggerEvaluator rules = new TriggerEvaluator();

  public Simulator(NpsConfig config, Database database, Clock clock) {
    this.config = config;
    this.stores = Stores.of(database);
    this.clock = clock;
  }

  /** Where a line of the simulation comes from. */
  public enum Source {
    /** An invitation already in the store, waiting for its send time. */
    SCHEDULED,
    /** A decision on an event the connector has stored but not yet decided on. */
    EVENT,
    /** A relationship survey the trigger would plan on that day. */
    RELATIONSHIP
  }

  /**
   * One contact decided on.
   *
   * @param decidedAt when the pass would decide: now, plus one sync interval for each pass after the first
   * @param sendAt when the invitation would go out; empty for suppressions and collapses
   */
  public record Line(Source source, String connection, String trigger, String contactId, Optional<String> contact,
      Optional<String> eventId, Instant decidedAt, Decision.Outcome outcome, String rule, String reason,
      Optional<Instant> sendAt) {}

  /** The simulation of {@code days} days from {@code from}. */
  public record Simulation(Instant from, Instant until, List<Line> lines) {
    public List<Line> surveyed() {
      return lines.stream().filter(line -> line.outcome() == Decision.Outcome.INVITE).toList();
    }

    public List<Line> notSurveyed() {
      return lines.stream().filter(line -> line.outcome() != Decision.Outcome.INVITE).toList();
    }
  }

  /** Simulates the next {@code days} days on every enabled connection, its lines in one sorted list. */
  public Simulation simulate(int days) {
    List<Line> lines = new ArrayList<>();
    Window window = simulate(days, lines::add);
    lines.sort(ORDER);
    return new Simulation(window.from(), window.until(), List.copyOf(lines));
  }

  /** The order lines are listed in: by send time (decision time without one), connection, contact. */
  public static final Comparator<Line> ORDER = Comparator.comparing((Line line) -> line.sendAt()
      .orElse(line.decidedAt())).thenComparing(Line::connection).thenComparing(Line::contactId);

  /** The span a simulation covers. */
  public record Window(Instant from, Instant until) {}

  /**
   * Simulates the next {@code days} days on every enabled connection, handing each line to {@code sink} as it is
   * decided (connection by connection, not in {@link #ORDER}) and keeping none.
   */
  public Window simulate(int days, java.util.function.Consumer<Line> sink) {
    if (days < 1 || days > 366) {
      throw new IllegalArgumentException("days must be from 1 to 366, got " + days);
    }
    Instant from = clock.instant();
    Instant until = from.plus(Duration.ofDays(days));
    java.util.function.Consumer<Line> lines = line -> {
      if (line.sendAt().filter(sendAt -> !sendAt.isBefore(until)).isEmpty()) {
        sink.accept(line);
      }
    };
    for (ConnectionConfig connection : config.connections()) {
      if (!connection.enabled()) {
        continue;
      }
      stores.invitations().forEachInState(connection.name(), InvitationState.SCHEDULED, invitation -> {
        if (invitation.sendAt().isBefore(until)) {
          lines.accept(new Line(Source.SCHEDULED, connection.name(), invitation.trigger(), invitation.contactId(),
              name(connection.name(), invitation.contactId()), Optional.empty(), invitation.createdAt(),
              Decision.Outcome.INVITE, "scheduled", "invitation " + invitation.id() + " is waiting for its send time",
              Optional.of(invitation.sendAt())));
        }
      });
      stores.jdbi().useHandle(handle -> {
        handle.begin();
        try {
          run(handle, connection, from, until, lines);
        } finally {
          handle.rollback();
        }
      });
    }
    return new Window(from, until);
  }

  /**
   * The passes the scheduler would run on the connection, one per sync interval, as
   * {@link Engine#syncAndTrigger} runs them. Passes that cannot decide anything new are skipped: with
   * no new data from the CRM, a pass can only differ from the one before after a new UTC day, a send,
   * a waiting event's contact being given up, or a contact coming due ({@link TriggerService.Result#nextChange}).
   */
  private void run(Handle handle, ConnectionConfig connection, Instant from, Instant until,
      java.util.function.Consumer<Line> lines) {
    TriggerService triggers = new TriggerService(config, stores, Scheduling.NONE, clock);
    Duration interval = connection.syncInterval();
    Instant at = from;
    while (at.isBefore(until)) {
      sendDue(handle, connection.name(), at);
      Instant pass = at;
      TriggerService.Result events = triggers.evaluatePending(handle, connection.name(), at,
          outcome -> lines.accept(line(handle, Source.EVENT, outcome, pass)));
      TriggerService.Result relationship = triggers.planRelationship(handle, connection.name(), at,
          outcome -> lines.accept(line(handle, Source.RELATIONSHIP, outcome, pass)));
      Instant nextDay = at.atZone(ZoneOffset.UTC).toLocalDate().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant next = Stream.of(events.nextChange(), relationship.nextChange(),
              stores.invitations().nextSendAfter(handle, connection.name(), at))
          .flatMap(Optional::stream).filter(nextDay::isAfter).min(Comparator.naturalOrder()).orElse(nextDay);
      // the first pass of the engine's cadence at or after that, and never the same pass again
      long passes = Math.max(1, ceilDiv(Duration.between(from, next).toNanos(), interval.toNanos())
          - Duration.between(from, at).toNanos() / interval.toNanos());
      at = at.plus(interval.multipliedBy(passes));
    }
  }

  private static long ceilDiv(long dividend, long divisor) {
    return -Math.floorDiv(-dividend, divisor);
  }

  /** Sends, in the rolled-back transaction, every invitation due by {@code at}, at its send time. */
  private void sendDue(Handle handle, String connection, Instant at) {
    stores.invitations().forEachDueBy(handle, connection, at, invitation -> {
      Instant sendAt = invitation.sendAt();
      Optional<TriggerEvaluator.Refusal> refusal = rules.recheck(connection, config.fatigue(),
          stores.contacts().find(handle, connection, invitation.contactId()),
          new StoreSurveyHistory(stores, handle, Counting.beside(invitation.id(), sendAt)), sendAt);
      stores.invitations().transition(handle, invitation.id(), List.of(InvitationState.SCHEDULED),
          refusal.isPresent() ? InvitationState.SUPPRESSED : InvitationState.SENT,
          refusal.map(Object::toString).orElse("sent (simulated)"), sendAt);
    });
  }

  private Line line(Handle handle, Source source, TriggerService.Outcome outcome, Instant at) {
    Decision decision = outcome.decision();
    return new Line(source, decision.connection(), decision.trigger(), decision.contactId(),
        stores.contacts().find(handle, decision.connection(), decision.contactId()).map(Contact::displayName),
        decision.eventId(), at, decision.outcome(), decision.rule(), decision.reason(), decision.sendAt());
  }

  private Optional<String> name(String connection, String contactId) {
    return stores.contacts().find(connection, contactId).map(Contact::displayName);
  }
}
