package io.npsconnector.core.trigger;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.Durations;
import io.npsconnector.config.FatigueConfig;
import io.npsconnector.config.SendWindowConfig;
import io.npsconnector.config.TriggerConfig;
import io.npsconnector.config.TriggerConfig.TriggerType;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.InteractionEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether one trigger surveys one contact, for one event (purchase, support) or none
 * (relationship), and when.
 *
 * <p>Contract: pure and deterministic — no clock, no randomness, no writes; everything it knows comes
 * from its arguments and the {@link SurveyHistory} reads, so the same inputs always give the same
 * {@link Decision}, and re-running a pass after a crash decides the same. Thread-safe. The rules run
 * in a fixed order and the first that refuses decides: filter, max event age, deleted contact, e-mail
 * address, CRM opt-out, our unsubscribe list, collapse into a pending invitation; then the send time
 * is computed ({@code max(now, event time + delay)}, or {@code now} for relationship surveys, moved
 * into the send window in the contact's time zone, else the connection's) and fatigue, account
 * fatigue, sampling and the daily cap are judged against it. It does not check that the trigger is
 * enabled or applies to the connection, nor de-duplicate per trigger and event: that is the
 * engine's. Throws {@link IllegalArgumentException} when the event does not fit the trigger (an event
 * for a relationship trigger, none or one of another kind for a purchase or support trigger).
 *
 * <p>The same rules judge an invitation again when it is due ({@link #recheck}) and before its
 * reminder ({@link #recheckReminder}); {@link #sendTime} places sends, retries and reminders in the
 * send window. Fatigue counts per person (every contact with the e-mail address, in every
 * connection) or per contact of one connection, as {@link FatigueConfig#scope()} says.
 */
public final class TriggerEvaluator {
  static final String FILTER = "filter";
  static final String MAX_EVENT_AGE = "max-event-age";
  static final String DELETED = "deleted";
  static final String EMAIL = "email";
  static final String OPT_OUT = "opt-out";
  static final String UNSUBSCRIBED = "unsubscribed";
  static final String COLLAPSE = "collapse";
  static final String FATIGUE = "fatigue";
  static final String ACCOUNT_FATIGUE = "account-fatigue";
  static final String SAMPLING = "sampling";
  static final String DAILY_CAP = "daily-cap";
  static final String ELIGIBLE = "eligible";

  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", Locale.ROOT);

  public TriggerEvaluator() {}

  /** The decision for {@code contact} (and {@code event}) under {@code trigger} at {@code now}. */
  public Decision evaluate(TriggerConfig trigger, ConnectionConfig connection, FatigueConfig fatigue,
      SendWindowConfig window, Contact contact, Optional<InteractionEvent> event, SurveyHistory history,
      Instant now) {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(fatigue, "fatigue");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(contact, "contact");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(now, "now");
    checkEvent(trigger, event);
    Outcomes outcomes = new Outcomes(trigger.name(), connection.name(), contact.crmId(),
        event.map(InteractionEvent::crmId));

    Optional<Refusal> refusal = FilterMatcher.firstUnmet(trigger.filter(), contact, event)
        .map(reason -> new Refusal(FILTER, reason))
        .or(() -> eventAge(trigger, event, now))
        .or(() -> reachability(contact))
        .or(() -> unsubscribed(connection.name(), contact, history));
    if (refusal.isPresent()) {
      return outcomes.suppress(refusal.get());
    }
    Optional<Long> pending = history.pendingInvitation(connection.name(), contact.crmId());
    if (pending.isPresent()) {
      return outcomes.collapse(pending.get(), "collapsed into invitation " + pending.get()
          + ", already scheduled for this contact");
    }

    ZoneId zone = zone(contact, connection.timeZone());
    Instant earliest = event.map(e -> max(now, e.occurredAt().plus(trigger.delay()))).orElse(now);
    Instant sendAt = sendTime(window, contact, connection.timeZone(), earliest);

    refusal = fatigue(connection.name(), contact, fatigue, history, sendAt, now)
        .or(() -> accountFatigue(connection.name(), contact, fatigue, history, sendAt, now))
        .or(() -> sampling(connection.name(), trigger, contact))
        .or(() -> dailyCap(connection.name(), trigger, history, sendAt));
    if (refusal.isPresent()) {
      return outcomes.suppress(refusal.get());
    }
    String when = "all rules passed; sends " + LOCAL.format(sendAt.atZone(zone)) + " " + zone.getId()
        + " (" + sendAt + ")";
    if (!sendAt.equals(earliest)) {
      when += ", moved into the send window from " + LOCAL.format(earliest.atZone(zone));
    }
    return outcomes.invite(sendAt, when);
  }

  /**
   * The rules that can change after an invitation was scheduled, judged again when it is due by the
   * same code as {@link #evaluate}: deleted (or no longer stored), e-mail address, CRM opt-out, our
   * unsubscribe list, fatigue and account fatigue at {@code now}. {@code history} must leave the
   * invitation itself out, and those due after it. Empty when it may go.
   */
  public Optional<Refusal> recheck(String connection, FatigueConfig fatigue, Optional<Contact> contact,
      SurveyHistory history, Instant now) {
    Objects.requireNonNull(fatigue, "fatigue");
    Objects.requireNonNull(now, "now");
    return recheckReminder(connection, contact, history)
        .or(() -> fatigue(connection, contact.orElseThrow(), fatigue, history, now, now))
        .or(() -> accountFatigue(connection, contact.orElseThrow(), fatigue, history, now, now));
  }

  /**
   * Before a reminder: whether the contact can still be reached (stored, not deleted, an address, no
   * opt-out, not unsubscribed). Fatigue does not apply: the reminder belongs to a survey already sent.
   */
  public Optional<Refusal> recheckReminder(String connection, Optional<Contact> contact, SurveyHistory history) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(contact, "contact");
    Objects.requireNonNull(history, "history");
    if (contact.isEmpty()) {
      return Optional.of(new Refusal(DELETED, "the contact no longer exists in the CRM"));
    }
    return reachability(contact.get()).or(() -> unsubscribed(connection, contact.get(), history));
  }

  /**
   * The first instant at or after {@code earliest} inside the send window, read in the contact's time
   * zone, else {@code connectionZone}: for first sends, retries and reminders alike.
   */
  public static Instant sendTime(SendWindowConfig window, Contact contact, ZoneId connectionZone, Instant earliest) {
    return SendWindow.of(window).next(earliest, zone(contact, connectionZone));
  }

  private static ZoneId zone(Contact contact, ZoneId connectionZone) {
    return contact.timeZone().orElse(connectionZone);
  }

  /**
   * A refusal by one rule, with its reason.
   *
   * @param rule the stable id of the rule, as in {@link Decision#rule()}
   */
  public record Refusal(String rule, String reason) {
    /** As stored in an invitation's history: {@code rule: reason}. */
    @Override
    public String toString() {
      return rule + ": " + reason;
    }
  }

  /**
   * The contact-only rules that refuse the same way on every pass (deleted, no e-mail, CRM opt-out),
   * which {@link RelationshipPlanner} also uses so that such contacts never take a place in the quota.
   */
  static Optional<Refusal> reachability(Contact contact) {
    if (contact.deleted()) {
      return Optional.of(new Refusal(DELETED, "the contact is deleted in the CRM"));
    }
    if (contact.email().isEmpty()) {
      return Optional.of(new Refusal(EMAIL, "the contact has no e-mail address"));
    }
    if (contact.emailOptOut()) {
      return Optional.of(new Refusal(OPT_OUT, "the contact opted out of e-mail in the CRM"));
    }
    return Optional.empty();
  }

  static Optional<Refusal> unsubscribed(String connection, Contact contact, SurveyHistory history) {
    return history.unsubscribed(connection, contact.crmId(), contact.email())
        ? Optional.of(new Refusal(UNSUBSCRIBED, "the contact unsubscribed from our surveys"))
        : Optional.empty();
  }

  static Optional<Refusal> sampling(String connection, TriggerConfig trigger, Contact contact) {
    double rate = trigger.samplingRate();
    if (rate >= 1) {
      return Optional.empty();
    }
    double position = Sampling.position(connection, trigger.name(), contact.crmId());
    if (Sampling.sampled(position, rate)) {
      return Optional.empty();
    }
    return Optional.of(new Refusal(SAMPLING, "not sampled: falls at " + position(position, rate)
        + " with a sampling rate of " + BigDecimal.valueOf(rate).movePointRight(2).stripTrailingZeros().toPlainString()
        + "%"));
  }

  private static void checkEvent(TriggerConfig trigger, Optional<InteractionEvent> event) {
    if (trigger.on() == TriggerType.RELATIONSHIP) {
      if (event.isPresent()) {
        throw new IllegalArgumentException("trigger '" + trigger.name() + "' is a relationship trigger and takes no "
            + "event, got " + event.get().kind().id() + " " + event.get().crmId());
      }
    } else if (event.isEmpty()) {
      throw new IllegalArgumentException("trigger '" + trigger.name() + "' is a " + trigger.on().id()
          + " trigger and needs an event, got none");
    } else if (!event.get().kind().id().equals(trigger.on().id())) {
      throw new IllegalArgumentException("trigger '" + trigger.name() + "' is a " + trigger.on().id()
          + " trigger, got a " + event.get().kind().id() + " event (" + event.get().crmId() + ")");
    }
  }

  private static Optional<Refusal> eventAge(TriggerConfig trigger, Optional<InteractionEvent> event, Instant now) {
    if (event.isEmpty() || trigger.maxEventAge().isEmpty()) {
      return Optional.empty();
    }
    Duration maxAge = trigger.maxEventAge().get();
    Instant occurredAt = event.get().occurredAt();
    if (!occurredAt.isBefore(now.minus(maxAge))) {
      return Optional.empty();
    }
    return Optional.of(new Refusal(MAX_EVENT_AGE, "the event is " + span(Duration.between(occurredAt, now)) + " old ("
        + day(occurredAt) + "); the trigger's max event age is " + Durations.format(maxAge)));
  }

  private static Optional<Refusal> fatigue(String connection, Contact contact, FatigueConfig fatigue,
      SurveyHistory history, Instant sendAt, Instant now) {
    if (fatigue.days() <= 0) {
      return Optional.empty();
    }
    if (fatigue.scope() == FatigueConfig.Scope.PERSON && contact.email().isPresent()) {
      return history.lastPersonSurveyedAt(contact.email().get())
          .filter(last -> within(last.at(), fatigue.days(), sendAt))
          .map(last -> new Refusal(FATIGUE, surveyed("", last.at(), now)
              + (last.connection().equals(connection) ? "" : " through connection '" + last.connection() + "'")
              + "; the fatigue window is " + days(fatigue.days()) + ", counted per person (same e-mail address "
              + "in every connection)"));
    }
    return history.lastSurveyedAt(connection, contact.crmId())
        .filter(last -> within(last, fatigue.days(), sendAt))
        .map(last -> new Refusal(FATIGUE, surveyed("", last, now) + "; the fatigue window is "
            + days(fatigue.days())));
  }

  private static Optional<Refusal> accountFatigue(String connection, Contact contact, FatigueConfig fatigue,
      SurveyHistory history, Instant sendAt, Instant now) {
    if (fatigue.accountDays().isEmpty() || contact.accountId().isEmpty()) {
      return Optional.empty();
    }
    int days = fatigue.accountDays().get();
    String account = contact.accountName().map(name -> name + " (" + contact.accountId().get() + ")")
        .orElse(contact.accountId().get());
    return history.lastAccountSurveyedAt(connection, contact.accountId().get())
        .filter(last -> within(last, days, sendAt))
        .map(last -> new Refusal(ACCOUNT_FATIGUE, surveyed("account " + account + " ", last, now)
            + "; the account fatigue window is " + days(days)));
  }

  private static Optional<Refusal> dailyCap(String connection, TriggerConfig trigger, SurveyHistory history,
      Instant sendAt) {
    if (trigger.dailyCap().isEmpty()) {
      return Optional.empty();
    }
    int cap = trigger.dailyCap().get();
    LocalDate day = day(sendAt);
    int planned = history.invitationsPlanned(connection, trigger.name(), day);
    if (planned < cap) {
      return Optional.empty();
    }
    return Optional.of(new Refusal(DAILY_CAP, "the daily cap of " + cap + " is reached for " + day + " (UTC): "
        + planned + " invitation" + (planned == 1 ? "" : "s") + " planned"));
  }

  /** True when {@code last} falls less than {@code days} days before {@code sendAt} (or after it). */
  private static boolean within(Instant last, int days, Instant sendAt) {
    return last.isAfter(sendAt.minus(Duration.ofDays(days)));
  }

  /** "surveyed 12 days ago (2026-11-10)", or for a survey still to come "has a survey planned in 3 days (...)". */
  private static String surveyed(String subject, Instant last, Instant now) {
    if (last.isAfter(now)) {
      return subject + "has a survey planned in " + span(Duration.between(now, last)) + " (" + day(last) + ")";
    }
    return subject + "surveyed " + span(Duration.between(last, now)) + " ago (" + day(last) + ")";
  }

  /** A span as people say it: whole days, else hours, else minutes. */
  private static String span(Duration span) {
    if (span.toDays() >= 1) {
      return days(span.toDays());
    }
    if (span.toHours() >= 1) {
      return span.toHours() + (span.toHours() == 1 ? " hour" : " hours");
    }
    return span.toMinutes() + (span.toMinutes() == 1 ? " minute" : " minutes");
  }

  private static String days(long days) {
    return days + (days == 1 ? " day" : " days");
  }

  private static LocalDate day(Instant instant) {
    return LocalDate.ofInstant(instant, ZoneOffset.UTC);
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** The position with as few decimals as show it on the right side of the rate (0.73, 0.2501). */
  private static String position(double position, double rate) {
    BigDecimal exact = new BigDecimal(position);
    BigDecimal shown = exact;
    for (int scale = 2; scale <= 16; scale++) {
      shown = exact.setScale(scale, RoundingMode.DOWN);
      if (shown.compareTo(BigDecimal.valueOf(rate)) > 0) {
        break;
      }
    }
    return shown.toPlainString();
  }

  /** Builds the decisions of one evaluation. */
  private record Outcomes(String trigger, String connection, String contactId, Optional<String> eventId) {
    Decision suppress(Refusal refusal) {
      return new Decision(trigger, connection, contactId, eventId, Decision.Outcome.SUPPRESS, refusal.rule(),
          refusal.reason(), Optional.empty(), Optional.empty());
    }

    Decision collapse(long into, String reason) {
      return new Decision(trigger, connection, contactId, eventId, Decision.Outcome.COLLAPSE, COLLAPSE, reason,
          Optional.empty(), Optional.of(into));
    }

    Decision invite(Instant sendAt, String reason) {
      return new Decision(trigger, connection, contactId, eventId, Decision.Outcome.INVITE, ELIGIBLE, reason,
          Optional.of(sendAt), Optional.empty());
    }
  }
}
