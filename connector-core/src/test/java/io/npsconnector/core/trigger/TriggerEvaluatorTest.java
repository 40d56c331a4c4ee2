package io.npsconnector.core.trigger;

import static io.npsconnector.core.trigger.TriggerFixtures.BERLIN;
import static io.npsconnector.core.trigger.TriggerFixtures.CONNECTION;
import static io.npsconnector.core.trigger.TriggerFixtures.MODIFIED;
import static io.npsconnector.core.trigger.TriggerFixtures.always;
import static io.npsconnector.core.trigger.TriggerFixtures.connection;
import static io.npsconnector.core.trigger.TriggerFixtures.contact;
import static io.npsconnector.core.trigger.TriggerFixtures.fatigue;
import static io.npsconnector.core.trigger.TriggerFixtures.personFatigue;
import static io.npsconnector.core.trigger.TriggerFixtures.officeHours;
import static io.npsconnector.core.trigger.TriggerFixtures.purchase;
import static io.npsconnector.core.trigger.TriggerFixtures.purchaseTrigger;
import static io.npsconnector.core.trigger.TriggerFixtures.relationshipTrigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.npsconnector.config.FatigueConfig;
import io.npsconnector.config.TriggerConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.trigger.Decision.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TriggerEvaluatorTest {
  /** A Wednesday, 11:00 in Berlin. */
  private static final Instant NOW = Instant.parse("2026-11-18T10:00:00Z");
  private static final Duration TWO_DAYS = Duration.ofDays(2);
  /** Yesterday's purchase plus a two-day delay: Thursday 11:00 in Berlin, inside office hours. */
  private static final Instant SEND_AT = Instant.parse("2026-11-19T10:00:00Z");

  private final TriggerEvaluator evaluator = new TriggerEvaluator();
  private final InMemorySurveyHistory history = new InMemorySurveyHistory();

  private Decision decide(TriggerConfig trigger, Contact contact, InteractionEvent event) {
    return decide(trigger, fatigue(90), contact, event);
  }

  private Decision decide(TriggerConfig trigger, FatigueConfig fatigue, Contact contact, InteractionEvent event) {
    return evaluator.evaluate(trigger, connection(BERLIN), fatigue, officeHours(), contact, Optional.of(event), history,
        NOW);
  }

  private static InteractionEvent yesterdaysPurchase(Map<String, String> attributes) {
    return purchase("006-1", NOW.minus(Duration.ofDays(1)), attributes);
  }

  private static TriggerConfig twoDaysAfterPurchase() {
    return purchaseTrigger().delay(TWO_DAYS).build();
  }

  @Test
  void invitesEligibleContactAtEventTimePlusDelay() {
    Decision decision = decide(twoDaysAfterPurchase(), contact("003A").build(), yesterdaysPurchase(Map.of()));

    assertThat(decision).isEqualTo(new Decision("post-purchase", CONNECTION, "003A", Optional.of("006-1"),
        Outcome.INVITE, "eligible", "all rules passed; sends Thu 2026-11-19 11:00 Europe/Berlin (2026-11-19T10:00:00Z)",
        Optional.of(SEND_AT), Optional.empty()));
    assertThat(decision.invites()).isTrue();
  }

  @Test
  void sendsNowWhenTheDelayHasAlreadyPassed() {
    Decision decision = decide(purchaseTrigger().delay(Duration.ofHours(1)).build(), contact("003A").build(),
        yesterdaysPurchase(Map.of()));

    assertThat(decision.sendAt()).contains(NOW);
  }

  @Test
  void movesTheSendTimeOutOfQuietHoursAndSaysSo() {
    InteractionEvent lateEvening = purchase("006-1", Instant.parse("2026-11-17T20:30:00Z"), Map.of());

    Decision decision = decide(twoDaysAfterPurchase(), contact("003A").build(), lateEvening);

    assertThat(decision.sendAt()).contains(Instant.parse("2026-11-20T08:00:00Z"));
    assertThat(decision.reason()).isEqualTo("all rules passed; sends Fri 2026-11-20 09:00 Europe/Berlin "
        + "(2026-11-20T08:00:00Z), moved into the send window from Thu 2026-11-19 21:30");
  }

  @Nested
  class Filter {
    @Test
    void skipsEventBelowTheAmountThreshold() {
      Decision decision = decide(purchaseTrigger().filter("amount >= 1000").build(), contact("003A").build(),
          yesterdaysPurchase(Map.of("amount", "500")));

      assertThat(decision.outcome()).isEqualTo(Outcome.SUPPRESS);
      assertThat(decision.rule()).isEqualTo("filter");
      assertThat(decision.reason()).isEqualTo("filter 'amount >= 1000' not met: amount is 500");
      assertThat(decision.sendAt()).isEmpty();
    }

    @Test
    void failsANumericConditionWhenTheValueIsMissing() {
      Decision decision = decide(purchaseTrigger().filter("amount >= 1000").build(), contact("003A").build(),
          yesterdaysPurchase(Map.of("pipeline", "default")));

      assertThat(decision.reason()).isEqualTo("filter 'amount >= 1000' not met: amount is missing");
    }

    @Test
    void failsANumericConditionWhenTheValueIsNotANumber() {
      Decision decision = decide(purchaseTrigger().filter("amount >= 1000").build(), contact("003A").build(),
          yesterdaysPurchase(Map.of("amount", "n/a")));

      assertThat(decision.reason()).isEqualTo("filter 'amount >= 1000' not met: amount is 'n/a', not a number");
    }

    @Test
    void comparesNumbersAsNumbersNotAsText() {
      TriggerConfig trigger = purchaseTrigger().filter("amount >= 1000").filter("seats > 9").filter("discount < 0.5")
          .filter("priority <= 3").build();

      Decision decision = decide(trigger, contact("003A").build(),
          yesterdaysPurchase(Map.of("amount", "1000.00", "seats", "12", "discount", " 0.25 ", "priority", "3")));

      assertThat(decision.rule()).isEqualTo("eligible");
    }

    @Test
    void comparesTextIgnoringCase() {
      InteractionEvent event = yesterdaysPurchase(Map.of("pipeline", "Enterprise"));

      assertThat(decide(purchaseTrigger().filter("pipeline = enterprise").build(), contact("003A").build(), event)
          .rule()).isEqualTo("eligible");
      assertThat(decide(purchaseTrigger().filter("pipeline != ENTERPRISE").build(), contact("003A").build(), event)
          .reason()).isEqualTo("filter 'pipeline != ENTERPRISE' not met: pipeline is Enterprise");
    }

    @Test
    void readsEventAttributesWhoseCaseDiffersFromTheCondition() {
      Decision decision = decide(purchaseTrigger().filter("amount >= 1000").build(), contact("003A").build(),
          yesterdaysPurchase(Map.of("Amount", "2000")));

      assertThat(decision.rule()).isEqualTo("eligible");
    }

    @Test
    void matchesListsIgnoringCase() {
      TriggerConfig inList = purchaseTrigger().filter("contact.region in [EMEA, APAC]").build();
      TriggerConfig notInList = purchaseTrigger().filter("contact.region not in [EMEA, APAC]").build();
      InteractionEvent event = yesterdaysPurchase(Map.of());

      assertThat(decide(inList, contact("003A").segment("region", "emea").build(), event).rule())
          .isEqualTo("eligible");
      assertThat(decide(inList, contact("003A").segment("region", "LATAM").build(), event).reason())
          .isEqualTo("filter 'contact.region in [EMEA, APAC]' not met: contact.region is LATAM");
      assertThat(decide(inList, contact("003A").build(), event).reason())
          .isEqualTo("filter 'contact.region in [EMEA, APAC]' not met: contact.region is missing");
      assertThat(decide(notInList, contact("003A").build(), event).rule()).isEqualTo("eligible");
      assertThat(decide(notInList, contact("003A").segment("region", "Apac").build(), event).reason())
          .isEqualTo("filter 'contact.region not in [EMEA, APAC]' not met: contact.region is Apac");
    }

    @Test
    void readsTheContactsOwnFields() {
      TriggerConfig trigger = purchaseTrigger().filter("contact.email-opt-out = false")
          .filter("contact.locale = de-DE").filter("contact.time-zone = Asia/Tokyo")
          .filter("contact.account-name = acme").filter("contact.owner present").filter("contact.account-id = 001")
          .filter("contact.first-name = ada").filter("contact.last-name = Lovelace")
          .filter("contact.email = ADA@example.com").filter("contact.phone absent").build();
      Contact contact = Contact.builder("003A", MODIFIED).email("ada@example.com").firstName("Ada")
          .lastName("Lovelace").locale(Locale.GERMANY).timeZone(ZoneId.of("Asia/Tokyo")).ownerId("005X")
          .account("001", "Acme").build();

      assertThat(decide(trigger, contact, yesterdaysPurchase(Map.of())).rule()).isEqualTo("eligible");
    }

    @Test
    void treatsABlankValueAsMissing() {
      InteractionEvent event = yesterdaysPurchase(Map.of("coupon", "  "));

      assertThat(decide(purchaseTrigger().filter("coupon present").build(), contact("003A").build(), event).reason())
          .isEqualTo("filter 'coupon present' not met: coupon is missing");
      assertThat(decide(purchaseTrigger().filter("coupon absent").build(), contact("003A").build(), event).rule())
          .isEqualTo("eligible");
      assertThat(decide(purchaseTrigger().filter("contact.phone present").build(), contact("003A").build(), event)
          .reason()).isEqualTo("filter 'contact.phone present' not met: contact.phone is missing");
    }

    @Test
    void reportsTheFirstConditionThatFails() {
      TriggerConfig trigger = purchaseTrigger().filter("amount >= 1000").filter("pipeline = enterprise").build();

      Decision decision = decide(trigger, contact("003A").build(),
          yesterdaysPurchase(Map.of("amount", "5000", "pipeline", "smb")));

      assertThat(decision.reason()).isEqualTo("filter 'pipeline = enterprise' not met: pipeline is smb");
    }
  }

  @Test
  void suppressesEventOlderThanTheMaxEventAge() {
    InteractionEvent old = purchase("006-1", Instant.parse("2026-11-01T10:00:00Z"), Map.of());

    TriggerConfig trigger = purchaseTrigger().maxEventAge(Duration.ofDays(14)).build();

    Decision decision = decide(trigger, contact("003A").build(), old);

    assertThat(decision.rule()).isEqualTo("max-event-age");
    assertThat(decision.reason())
        .isEqualTo("the event is 17 days old (2026-11-01); the trigger's max event age is 14d");
  }

  @Test
  void acceptsAnEventExactlyAsOldAsTheMaxEventAge() {
    InteractionEvent borderline = purchase("006-1", NOW.minus(Duration.ofDays(14)), Map.of());

    assertThat(decide(purchaseTrigger().maxEventAge(Duration.ofDays(14)).build(), contact("003A").build(), borderline)
        .rule()).isEqualTo("eligible");
  }

  @Test
  void suppressesContactDeletedInTheCrm() {
    Decision decision = decide(twoDaysAfterPurchase(), contact("003A").deleted(true).build(),
        yesterdaysPurchase(Map.of()));

    assertThat(decision.rule()).isEqualTo("deleted");
    assertThat(decision.reason()).isEqualTo("the contact is deleted in the CRM");
  }

  @Test
  void suppressesContactWithoutEmailAddress() {
    Decision decision = decide(twoDaysAfterPurchase(), Contact.builder("003A", MODIFIED).email("  ").build(),
        yesterdaysPurchase(Map.of()));

    assertThat(decision.rule()).isEqualTo("email");
    assertThat(decision.reason()).isEqualTo("the contact has no e-mail address");
  }

  @Test
  void suppressesContactOptedOutInTheCrm() {
    Decision decision = decide(twoDaysAfterPurchase(), contact("003A").emailOptOut(true).build(),
        yesterdaysPurchase(Map.of()));

    assertThat(decision.rule()).isEqualTo("opt-out");
    assertThat(decision.reason()).isEqualTo("the contact opted out of e-mail in the CRM");
  }

  @Test
  void suppressesContactOnOurUnsubscribeList() {
    history.unsubscribe(CONNECTION, "003A").unsubscribeEmail(CONNECTION, "grace@example.com");

    Decision byId = decide(twoDaysAfterPurchase(), contact("003A").build(), yesterdaysPurchase(Map.of()));
    Decision byEmail = decide(twoDaysAfterPurchase(), contact("003B").email("Grace@example.com").build(),
        yesterdaysPurchase(Map.of()));

    assertThat(byId.rule()).isEqualTo("unsubscribed");
    assertThat(byId.reason()).isEqualTo("the contact unsubscribed from our surveys");
    assertThat(byEmail.rule()).isEqualTo("unsubscribed");
  }

  @Test
  void collapsesABurstOfEventsIntoThePendingInvitation() {
    history.pending(CONNECTION, "003A", 42);

    Decision decision = decide(twoDaysAfterPurchase(), contact("003A").build(), yesterdaysPurchase(Map.of()));

    assertThat(decision.outcome()).isEqualTo(Outcome.COLLAPSE);
    assertThat(decision.rule()).isEqualTo("collapse");
    assertThat(decision.reason()).isEqualTo("collapsed into invitation 42, already scheduled for this contact");
    assertThat(decision.collapsedInto()).contains(42L);
    assertThat(decision.sendAt()).isEmpty();
  }

  @Nested
  class Fatigue {
    @Test
    void skipsContactSurveyedWithinFatigueWindow() {
      history.surveyed(CONNECTION, "003A", Instant.parse("2026-11-06T10:00:00Z"));

      Decision decision = decide(twoDaysAfterPurchase(), contact("003A").build(), yesterdaysPurchase(Map.of()));

      assertThat(decision.outcome()).isEqualTo(Outcome.SUPPRESS);
      assertThat(decision.rule()).isEqualTo("fatigue");
      assertThat(decision.reason()).isEqualTo("surveyed 12 days ago (2026-11-06); the fatigue window is 90 days");
    }

    @Test
    void measuresTheFatigueWindowBackFromTheSendTime() {
      Instant windowStart = SEND_AT.minus(Duration.ofDays(90));
      InMemorySurveyHistory justOutside = new InMemorySurveyHistory().surveyed(CONNECTION, "003A", windowStart);
      InMemorySurveyHistory justInside = new InMemorySurveyHistory()
          .surveyed(CONNECTION, "003A", windowStart.plusSeconds(1));

      assertThat(evaluator.evaluate(twoDaysAfterPurchase(), connection(BERLIN), fatigue(90), officeHours(),
          contact("003A").build(), Optional.of(yesterdaysPurchase(Map.of())), justOutside, NOW).rule())
          .isEqualTo("eligible");
      assertThat(evaluator.evaluate(twoDaysAfterPurchase(), connection(BERLIN), fatigue(90), officeHours(),
          contact("003A").build(), Optional.of(yesterdaysPurchase(Map.of())), justInside, NOW).rule())
          .isEqualTo("fatigue");
    }

    @Test
    void zeroFatigueDaysTurnsTheRuleOff() {
      history.surveyed(CONNECTION, "003A", NOW.minus(Duration.ofHours(1)));

      Decision decision = decide(twoDaysAfterPurchase(), fatigue(0), contact("003A").build(),
          yesterdaysPurchase(Map.of()));

      assertThat(decision.rule()).isEqualTo("eligible");
    }

    @Test
    void countsASurveyStillToComeAndSaysWhen() {
      history.surveyed(CONNECTION, "003A", NOW.plus(Duration.ofDays(3)));

      Decision decision = decide(twoDaysAfterPurchase(), contact("003A").build(), yesterdaysPurchase(Map.of()));

      assertThat(decision.reason())
          .isEqualTo("has a survey planned in 3 days (2026-11-21); the fatigue window is 90 days");
    }

    @Test
    void countsPerPersonTheSameAddressSurveyedThroughAnotherConnection() {
      history.personSurveyed("ADA@Example.com", "salesforce-us", Instant.parse("2026-11-06T10:00:00Z"));
      Contact ada = contact("003A").email("ada@example.com").build();

      Decision perPerson = decide(twoDaysAfterPurchase(), personFatigue(90), ada, yesterdaysPurchase(Map.of()));
      Decision perConnection = decide(twoDaysAfterPurchase(), fatigue(90), ada, yesterdaysPurchase(Map.of()));

      assertThat(perPerson.rule()).isEqualTo("fatigue");
      assertThat(perPerson.reason()).isEqualTo("surveyed 12 days ago (2026-11-06) through connection 'salesforce-us'; "
          + "the fatigue window is 90 days, counted per person (same e-mail address in every connection)");
      assertThat(perConnection.rule()).isEqualTo("eligible");
    }

    @Test
    void recheckAtSendTimeAppliesAccountFatigueAsTheTriggerPassDoes() {
      history.accountSurveyed(CONNECTION, "001", NOW.minus(Duration.ofDays(2)));
      Contact acmeBuyer = contact("003A").account("001", "Acme").build();

      Optional<TriggerEvaluator.Refusal> refusal = evaluator.recheck(CONNECTION, fatigue(90, 30),
          Optional.of(acmeBuyer), history, NOW);

      assertThat(refusal).map(TriggerEvaluator.Refusal::rule).contains("account-fatigue");
      assertThat(refusal.orElseThrow().toString()).startsWith("account-fatigue: account Acme (001) surveyed 2 days ago");
    }

    @Test
    void recheckBeforeAReminderIgnoresFatigueButNotAnOptOut() {
      history.surveyed(CONNECTION, "003A", NOW.minus(Duration.ofDays(1)));

      assertThat(evaluator.recheckReminder(CONNECTION, Optional.of(contact("003A").build()), history)).isEmpty();
      assertThat(evaluator.recheckReminder(CONNECTION, Optional.of(contact("003A").emailOptOut(true).build()),
          history)).map(TriggerEvaluator.Refusal::rule).contains("opt-out");
      assertThat(evaluator.recheckReminder(CONNECTION, Optional.empty(), history))
          .map(TriggerEvaluator.Refusal::rule).contains("deleted");
    }

    @Test
    void skipsContactWhoseAccountWasSurveyedWithinTheAccountWindow() {
      history.accountSurveyed(CONNECTION, "001", Instant.parse("2026-11-13T10:00:00Z"));

      Contact acmeBuyer = contact("003A").account("001", "Acme").build();

      Decision decision = decide(twoDaysAfterPurchase(), fatigue(90, 30), acmeBuyer, yesterdaysPurchase(Map.of()));

      assertThat(decision.rule()).isEqualTo("account-fatigue");
      assertThat(decision.reason())
          .isEqualTo("account Acme (001) surveyed 5 days ago (2026-11-13); the account fatigue window is 30 days");
    }

    @Test
    void ignoresTheAccountWhenAccountFatigueIsOffOrTheContactHasNoAccount() {
      history.accountSurveyed(CONNECTION, "001", NOW.minus(Duration.ofDays(5)));

      assertThat(decide(twoDaysAfterPurchase(), fatigue(90), contact("003A").account("001", "Acme").build(),
          yesterdaysPurchase(Map.of())).rule()).isEqualTo("eligible");
      assertThat(decide(twoDaysAfterPurchase(), fatigue(90, 30), contact("003A").build(),
          yesterdaysPurchase(Map.of())).rule()).isEqualTo("eligible");
    }
  }

  @Nested
  class SamplingRule {
    @Test
    void skipsContactOutsideTheSampleWithItsPosition() {
      // 003B falls at 0.4389... for this connection and trigger (see SamplingTest)
      Decision decision = decide(purchaseTrigger().samplingRate(0.25).build(), contact("003B").build(),
          yesterdaysPurchase(Map.of()));

      assertThat(decision.rule()).isEqualTo("sampling");
      assertThat(decision.reason()).isEqualTo("not sampled: falls at 0.43 with a sampling rate of 25%");
    }

    @Test
    void invitesContactInsideTheSample() {
      // 003A falls at 0.0356...
      assertThat(decide(purchaseTrigger().samplingRate(0.25).build(), contact("003A").build(),
          yesterdaysPurchase(Map.of())).rule()).isEqualTo("eligible");
    }

    @Test
    void showsEnoughDecimalsToPlaceTheContactAboveTheRate() {
      assertThat(decide(purchaseTrigger().samplingRate(0.4385).build(), contact("003B").build(),
          yesterdaysPurchase(Map.of())).reason())
          .isEqualTo("not sampled: falls at 0.4389 with a sampling rate of 43.85%");
    }

    @Test
    void decidesTheSameOnEveryRun() {
      TriggerConfig trigger = purchaseTrigger().samplingRate(0.5).build();
      List<String> first = new ArrayList<>();
      List<String> second = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        Contact contact = contact("c-" + i).build();
        first.add(decide(trigger, contact, yesterdaysPurchase(Map.of())).rule());
        second.add(new TriggerEvaluator().evaluate(trigger, connection(BERLIN), fatigue(90), officeHours(), contact,
            Optional.of(yesterdaysPurchase(Map.of())), new InMemorySurveyHistory(), NOW.plus(Duration.ofHours(3)))
            .rule());
      }

      assertThat(second).isEqualTo(first);
      assertThat(first).contains("sampling", "eligible");
    }
  }

  @Test
  void suppressesOnceTheDailyCapIsReachedOnTheSendDay() {
    history.planned(CONNECTION, "post-purchase", LocalDate.of(2026, 11, 19), 50);

    Decision decision = decide(purchaseTrigger().delay(TWO_DAYS).dailyCap(50).build(), contact("003A").build(),
        yesterdaysPurchase(Map.of()));

    assertThat(decision.rule()).isEqualTo("daily-cap");
    assertThat(decision.reason())
        .isEqualTo("the daily cap of 50 is reached for 2026-11-19 (UTC): 50 invitations planned");
  }

  @Test
  void countsTheDailyCapOnTheSendDayNotToday() {
    history.planned(CONNECTION, "post-purchase", LocalDate.of(2026, 11, 18), 50)
        .planned(CONNECTION, "post-purchase", LocalDate.of(2026, 11, 19), 49)
        .planned(CONNECTION, "other-trigger", LocalDate.of(2026, 11, 19), 500);

    Decision decision = decide(purchaseTrigger().delay(TWO_DAYS).dailyCap(50).build(), contact("003A").build(),
        yesterdaysPurchase(Map.of()));

    assertThat(decision.rule()).isEqualTo("eligible");
  }

  @Test
  void firstFailingRuleDecidesInTheDocumentedOrder() {
    List<String> order = List.of("filter", "max-event-age", "deleted", "email", "opt-out", "unsubscribed", "collapse",
        "fatigue", "account-fatigue", "sampling", "daily-cap", "eligible");
    List<String> decided = new ArrayList<>();
    for (int fixed = 0; fixed < order.size(); fixed++) {
      decided.add(failingAllRulesFrom(fixed).rule());
    }

    assertThat(decided).containsExactlyElementsOf(order);
  }

  /** A case where the rules at positions {@code fixed} and later (in the documented order) all fail. */
  private Decision failingAllRulesFrom(int fixed) {
    TriggerConfig trigger = purchaseTrigger().delay(TWO_DAYS).filter("amount >= 1000")
        .samplingRate(fixed > 9 ? 1 : 0.25).dailyCap(10).build();
    InteractionEvent event = purchase("006-1", NOW.minus(Duration.ofDays(fixed > 1 ? 1 : 20)),
        Map.of("amount", fixed > 0 ? "5000" : "500"));
    Contact.Builder contact = Contact.builder("003B", MODIFIED).account("001", "Acme").deleted(fixed <= 2)
        .emailOptOut(fixed <= 4);
    if (fixed > 3) {
      contact.email("grace@example.com");
    }
    InMemorySurveyHistory past = new InMemorySurveyHistory();
    if (fixed <= 5) {
      past.unsubscribe(CONNECTION, "003B");
    }
    if (fixed <= 6) {
      past.pending(CONNECTION, "003B", 7);
    }
    if (fixed <= 7) {
      past.surveyed(CONNECTION, "003B", NOW.minus(Duration.ofDays(10)));
    }
    if (fixed <= 8) {
      past.accountSurveyed(CONNECTION, "001", NOW.minus(Duration.ofDays(5)));
    }
    if (fixed <= 10) {
      past.planned(CONNECTION, "post-purchase", LocalDate.of(2026, 11, 19), 10);
    }
    return evaluator.evaluate(trigger, connection(BERLIN), fatigue(90, 30), officeHours(), contact.build(),
        Optional.of(event), past, NOW);
  }

  @Test
  void sendsInTheContactsOwnTimeZone() {
    // Wednesday 12:00 UTC: 21:00 in Tokyo (quiet until 09:00), 07:00 in New York (quiet until 09:00)
    InteractionEvent event = purchase("006-1", Instant.parse("2026-11-18T12:00:00Z"), Map.of());
    TriggerConfig trigger = purchaseTrigger().build();
    Instant now = Instant.parse("2026-11-18T12:00:00Z");

    Decision tokyo = evaluator.evaluate(trigger, connection(BERLIN), fatigue(90), officeHours(),
        contact("003A").timeZone(ZoneId.of("Asia/Tokyo")).build(), Optional.of(event), history, now);
    Decision newYork = evaluator.evaluate(trigger, connection(BERLIN), fatigue(90), officeHours(),
        contact("003A").timeZone(ZoneId.of("America/New_York")).build(), Optional.of(event), history, now);

    assertThat(tokyo.sendAt()).contains(Instant.parse("2026-11-19T00:00:00Z"));
    assertThat(newYork.sendAt()).contains(Instant.parse("2026-11-18T14:00:00Z"));
  }

  @Test
  void usesTheConnectionsTimeZoneForContactsWithoutOne() {
    InteractionEvent event = purchase("006-1", Instant.parse("2026-11-18T12:00:00Z"), Map.of());

    Decision decision = evaluator.evaluate(purchaseTrigger().build(), connection(ZoneId.of("Asia/Tokyo")), fatigue(90),
        officeHours(), contact("003A").build(), Optional.of(event), history, Instant.parse("2026-11-18T12:00:00Z"));

    assertThat(decision.sendAt()).contains(Instant.parse("2026-11-19T00:00:00Z"));
  }

  @Test
  void surveysRelationshipContactsFromNowWithoutAnEvent() {
    TriggerConfig quarterly = relationshipTrigger(Duration.ofDays(90)).filter("region = EMEA").build();

    Decision invited = evaluator.evaluate(quarterly, connection(BERLIN), fatigue(90), always(),
        contact("003A").segment("region", "emea").build(), Optional.empty(), history, NOW);
    Decision filtered = evaluator.evaluate(quarterly, connection(BERLIN), fatigue(90), always(),
        contact("003A").segment("region", "APAC").build(), Optional.empty(), history, NOW);

    assertThat(invited.rule()).isEqualTo("eligible");
    assertThat(invited.sendAt()).contains(NOW);
    assertThat(invited.eventId()).isEmpty();
    assertThat(filtered.reason()).isEqualTo("filter 'contact.region = EMEA' not met: contact.region is APAC");
  }

  @Test
  void refusesAnEventThatDoesNotFitTheTrigger() {
    Contact contact = contact("003A").build();
    InteractionEvent ticket = new InteractionEvent("500-1", EventKind.SUPPORT, NOW, List.of("003A"), Map.of());

    assertThatThrownBy(() -> evaluator.evaluate(purchaseTrigger().build(), connection(BERLIN), fatigue(90),
        officeHours(), contact, Optional.empty(), history, NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trigger 'post-purchase' is a purchase trigger and needs an event, got none");
    assertThatThrownBy(() -> evaluator.evaluate(purchaseTrigger().build(), connection(BERLIN), fatigue(90),
        officeHours(), contact, Optional.of(ticket), history, NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trigger 'post-purchase' is a purchase trigger, got a support event (500-1)");
    assertThatThrownBy(() -> evaluator.evaluate(relationshipTrigger(Duration.ofDays(90)).build(), connection(BERLIN),
        fatigue(90), officeHours(), contact, Optional.of(ticket), history, NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trigger 'quarterly' is a relationship trigger and takes no event, got support 500-1");
  }

  @Test
  void decisionKeepsSendTimeAndCollapseTargetConsistentWithItsOutcome() {
    assertThatThrownBy(() -> new Decision("t", "c", "1", Optional.empty(), Outcome.INVITE, "eligible", "ok",
        Optional.empty(), Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Decision("t", "c", "1", Optional.empty(), Outcome.SUPPRESS, "fatigue", "no",
        Optional.of(NOW), Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Decision("t", "c", "1", Optional.empty(), Outcome.COLLAPSE, "collapse", "no",
        Optional.empty(), Optional.empty())).isInstanceOf(IllegalArgumentException.class);
  }
}
