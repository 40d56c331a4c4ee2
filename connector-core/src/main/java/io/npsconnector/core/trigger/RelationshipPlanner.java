package io.npsconnector.core.trigger;

import io.npsconnector.config.TriggerConfig;
import io.npsconnector.config.TriggerConfig.TriggerType;
import io.npsconnector.core.model.Contact;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * Picks today's contacts for a periodic relationship survey, so that a base of N contacts is surveyed
 * about N / period a day instead of all at once.
 *
 * <p>Contract: pure and deterministic (no clock, no writes), thread-safe. A contact is due when it was
 * never surveyed or last surveyed before {@code now - period}. The day's quota is
 * {@code ceil(N / periodDays)}, N being the candidates this trigger could survey at all, capped by the
 * trigger's daily cap; what the engine already planned today (UTC) for this trigger is taken off, so
 * calling this on every pass does not plan the quota again. Due contacts are taken oldest survey first,
 * never-surveyed first of all, ties broken by the same stable hash as sampling, then by CRM id.
 * Contacts {@link TriggerEvaluator} would refuse on every pass no matter when (deleted, no e-mail
 * address, CRM opt-out, filter not met, not sampled, on our unsubscribe list) are left out, so that
 * they never hold a place that someone else could have taken. Each chosen contact still goes through
 * {@link TriggerEvaluator#evaluate} with an empty event, which may suppress it (fatigue, account
 * fatigue, daily cap): given that decision ({@code decide}), the planner takes the next due contact in
 * its place, so that one pass plans the whole day's quota and later passes of the day find nothing to
 * add — a day plans the same however often the engine runs, and {@code simulate} can predict it.
 * Throws {@link IllegalArgumentException} for a trigger that is not a relationship trigger with a
 * period, or a negative {@code plannedToday}.
 */
public final class RelationshipPlanner {
  private static final long SECONDS_PER_DAY = Duration.ofDays(1).toSeconds();

  public RelationshipPlanner() {}

  /**
   * A contact the trigger may survey.
   *
   * @param lastSurveyedAt its latest invitation sent or scheduled, by any trigger; empty if never
   */
  public record Candidate(Contact contact, Optional<Instant> lastSurveyedAt) {
    public Candidate {
      Objects.requireNonNull(contact, "contact");
      Objects.requireNonNull(lastSurveyedAt, "lastSurveyedAt");
    }
  }

  /**
   * Today's pick.
   *
   * @param chosen the contacts decided on, in order: the invited ones and those the rules refused
   * @param due the surveyable contacts that are due, chosen ones included
   * @param quota how many this pass could choose: the day's quota less what was planned today
   * @param later the due contacts left for later passes and days
   * @param nextDue when the next surveyable contact that is not due yet becomes due; empty when none will
   */
  public record Plan(List<Contact> chosen, int due, int quota, int later, Optional<Instant> nextDue) {
    public Plan {
      chosen = List.copyOf(chosen);
      Objects.requireNonNull(nextDue, "nextDue");
    }
  }

  /**
   * Today's relationship surveys for one connection.
   *
   * @param candidates every contact of the connection, with its last survey, not only the due ones: the
   *     quota spreads the whole base over the period
   * @param plannedToday invitations of this trigger the engine already planned since the start of
   *     {@code now}'s UTC day
   */
  public Plan plan(TriggerConfig trigger, String connection, Iterable<Candidate> candidates, SurveyHistory history,
      int plannedToday, Instant now) {
    return plan(trigger, connection, candidates, history, plannedToday, now, contact -> true);
  }

  /**
   * As {@link #plan(TriggerConfig, String, Iterable, SurveyHistory, int, Instant)}, deciding on each chosen
   * contact in turn: {@code decide} returns true when the contact was invited, false when the rules
   * refused it, and then the next due contact is chosen, until the quota is invited or none is left.
   *
   * <p>The candidates are streamed, never held: they are gone through once to count the base and the due
   * contacts, and once more (only when the quota is not planned yet) keeping just the next due contacts
   * in order, about twice the quota left; should the rules refuse so many that these run out, the next ones
   * after the last taken are read again. So {@code candidates} must give the same contacts each time it is
   * iterated, with their current last survey (a store query per iteration does).
   */
  public Plan plan(TriggerConfig trigger, String connection, Iterable<Candidate> candidates, SurveyHistory history,
      int plannedToday, Instant now, Predicate<Contact> decide) {
    Objects.requireNonNull(decide, "decide");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(candidates, "candidates");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(now, "now");
    if (trigger.on() != TriggerType.RELATIONSHIP) {
      throw new IllegalArgumentException("trigger '" + trigger.name() + "' is a " + trigger.on().id()
          + " trigger; only relationship triggers are planned");
    }
    if (trigger.period().isEmpty() || trigger.period().get().isZero() || trigger.period().get().isNegative()) {
      throw new IllegalArgumentException("relationship trigger '" + trigger.name() + "' needs a positive period, got "
          + trigger.period().map(Object::toString).orElse("none"));
    }
    if (plannedToday < 0) {
      throw new IllegalArgumentException("plannedToday must not be negative, got " + plannedToday);
    }
    Duration period = trigger.period().get();
    Instant dueBefore = now.minus(period);

    int surveyable = 0;
    int dueTotal = 0;
    Optional<Instant> nextDue = Optional.empty();
    for (Candidate candidate : candidates) {
      if (!surveyable(trigger, connection, candidate.contact())) {
        continue;
      }
      surveyable++;
      if (due(candidate, dueBefore)) {
        dueTotal++;
      } else {
        Instant becomesDue = candidate.lastSurveyedAt().get().plus(period);
        nextDue = nextDue.filter(next -> next.isBefore(becomesDue)).or(() -> Optional.of(becomesDue));
      }
    }

    int perDay = (int) Math.min(Integer.MAX_VALUE, ceilDiv(surveyable * SECONDS_PER_DAY, period.toSeconds()));
    int quota = Math.max(0, Math.min(perDay, trigger.dailyCap().orElse(Integer.MAX_VALUE)) - plannedToday);

    List<Contact> chosen = new ArrayList<>();
    int unsubscribed = 0;
    int invited = 0;
    Optional<Ranked> last = Optional.empty();
    boolean more = quota > 0 && dueTotal > 0;
    while (more) {
      // the next due contacts after the last one taken, in order: twice what is left to plan, so that a few
      // refusals do not need another read
      int wanted = (int) Math.min(Integer.MAX_VALUE - 1L, 2L * (quota - invited) + 16);
      List<Ranked> next = next(trigger, connection, candidates, dueBefore, last, wanted);
      for (Ranked ranked : next) {
        if (invited >= quota) {
          break;
        }
        last = Optional.of(ranked);
        Contact contact = ranked.candidate().contact();
        // asked only while picking: one store read per chosen contact, not one per contact of the base
        if (TriggerEvaluator.unsubscribed(connection, contact, history).isPresent()) {
          unsubscribed++;
        } else {
          chosen.add(contact);
          invited += decide.test(contact) ? 1 : 0;
        }
      }
      more = invited < quota && next.size() == wanted;
    }
    int dueCount = dueTotal - unsubscribed;
    return new Plan(chosen, dueCount, quota, dueCount - chosen.size(), nextDue);
  }

  /** Whether the trigger could survey the contact at all, on any pass, no matter when. */
  private static boolean surveyable(TriggerConfig trigger, String connection, Contact contact) {
    return TriggerEvaluator.reachability(contact).isEmpty()
        && FilterMatcher.firstUnmet(trigger.filter(), contact, Optional.empty()).isEmpty()
        && TriggerEvaluator.sampling(connection, trigger, contact).isEmpty();
  }

  private static boolean due(Candidate candidate, Instant dueBefore) {
    return candidate.lastSurveyedAt().map(last -> last.isBefore(dueBefore)).orElse(true);
  }

  /** The first {@code limit} due surveyable candidates after {@code after}, in order, kept in a bounded heap. */
  private static List<Ranked> next(TriggerConfig trigger, String connection, Iterable<Candidate> candidates,
      Instant dueBefore, Optional<Ranked> after, int limit) {
    PriorityQueue<Ranked> kept = new PriorityQueue<>(Ranked.ORDER.reversed());
    for (Candidate candidate : candidates) {
      if (!due(candidate, dueBefore) || !surveyable(trigger, connection, candidate.contact())) {
        continue;
      }
      Ranked ranked = new Ranked(candidate, Sampling.position(connection, trigger.name(), candidate.contact().crmId()));
      if (after.isPresent() && Ranked.ORDER.compare(ranked, after.get()) <= 0) {
        continue;
      }
      if (kept.size() < limit) {
        kept.add(ranked);
      } else if (Ranked.ORDER.compare(ranked, kept.peek()) < 0) {
        kept.poll();
        kept.add(ranked);
      }
    }
    List<Ranked> next = new ArrayList<>(kept);
    next.sort(Ranked.ORDER);
    return next;
  }

  private static long ceilDiv(long dividend, long divisor) {
    return -Math.floorDiv(-dividend, divisor);
  }

  /** A due candidate with its place in the stable order. */
  private record Ranked(Candidate candidate, double position) {
    static final Comparator<Ranked> ORDER = Comparator
        .comparing((Ranked ranked) -> ranked.candidate().lastSurveyedAt().orElse(Instant.MIN))
        .thenComparingDouble(Ranked::position)
        .thenComparing(ranked -> ranked.candidate().contact().crmId());
  }
}
