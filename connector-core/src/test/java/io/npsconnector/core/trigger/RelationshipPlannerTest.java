package io.npsconnector.core.trigger;

import static io.npsconnector.core.trigger.TriggerFixtures.CONNECTION;
import static io.npsconnector.core.trigger.TriggerFixtures.contact;
import static io.npsconnector.core.trigger.TriggerFixtures.purchaseTrigger;
import static io.npsconnector.core.trigger.TriggerFixtures.relationshipTrigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.npsconnector.config.TriggerConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.trigger.RelationshipPlanner.Candidate;
import io.npsconnector.core.trigger.RelationshipPlanner.Plan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RelationshipPlannerTest {
  private static final Instant NOW = Instant.parse("2026-11-18T10:00:00Z");
  private static final Duration QUARTER = Duration.ofDays(90);

  private final RelationshipPlanner planner = new RelationshipPlanner();
  private final InMemorySurveyHistory history = new InMemorySurveyHistory();

  private static List<Candidate> neverSurveyed(int count) {
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      candidates.add(new Candidate(contact(String.format("c-%04d", i)).build(), Optional.empty()));
    }
    return candidates;
  }

  private static List<String> ids(Plan plan) {
    return plan.chosen().stream().map(Contact::crmId).toList();
  }

  private Plan plan(TriggerConfig trigger, List<Candidate> candidates, int plannedToday) {
    return planner.plan(trigger, CONNECTION, candidates, history, plannedToday, NOW);
  }

  @Test
  void trickles900NeverSurveyedContactsTenADayOverAQuarter() {
    Plan plan = plan(relationshipTrigger(QUARTER).build(), neverSurveyed(900), 0);

    assertThat(plan.chosen()).hasSize(10);
    assertThat(plan.due()).isEqualTo(900);
    assertThat(plan.quota()).isEqualTo(10);
    assertThat(plan.later()).isEqualTo(890);
  }

  @Test
  void roundsTheDailyQuotaUp() {
    assertThat(plan(relationshipTrigger(QUARTER).build(), neverSurveyed(901), 0).chosen()).hasSize(11);
    assertThat(plan(relationshipTrigger(QUARTER).build(), neverSurveyed(3), 0).chosen()).hasSize(1);
  }

  @Test
  void staysUnderTheDailyCap() {
    Plan plan = plan(relationshipTrigger(QUARTER).dailyCap(4).build(), neverSurveyed(900), 0);

    assertThat(plan.chosen()).hasSize(4);
    assertThat(plan.later()).isEqualTo(896);
  }

  @Test
  void takesOffWhatWasAlreadyPlannedToday() {
    TriggerConfig trigger = relationshipTrigger(QUARTER).build();

    assertThat(plan(trigger, neverSurveyed(900), 6).chosen()).hasSize(4);
    assertThat(plan(trigger, neverSurveyed(900), 10).chosen()).isEmpty();
    assertThat(plan(trigger, neverSurveyed(900), 25).quota()).isZero();
  }

  @Test
  void surveysTheBaseEvenlyInTheSteadyState() {
    // 890 contacts surveyed within the quarter, 10 due again: all 10 go today
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 0; i < 900; i++) {
      Instant last = i < 10 ? NOW.minus(Duration.ofDays(91)) : NOW.minus(Duration.ofDays(1 + i % 89));
      candidates.add(new Candidate(contact(String.format("c-%04d", i)).build(), Optional.of(last)));
    }

    Plan plan = plan(relationshipTrigger(QUARTER).build(), candidates, 0);

    assertThat(plan.due()).isEqualTo(10);
    assertThat(plan.chosen()).hasSize(10);
    assertThat(plan.later()).isZero();
  }

  @Test
  void surveysEveryContactOncePerPeriodAtAnEvenPace() {
    TriggerConfig trigger = relationshipTrigger(QUARTER).build();
    Map<String, Instant> lastSurveyed = new HashMap<>();
    Map<String, Integer> surveys = new HashMap<>();
    List<Integer> perDay = new ArrayList<>();
    for (int day = 0; day < 180; day++) {
      // one pass a day, a minute later each day as a scheduler would drift
      Instant now = NOW.plus(Duration.ofDays(day)).plus(Duration.ofMinutes(day));
      List<Candidate> candidates = new ArrayList<>();
      for (int i = 0; i < 900; i++) {
        String id = String.format("c-%04d", i);
        candidates.add(new Candidate(contact(id).build(), Optional.ofNullable(lastSurveyed.get(id))));
      }
      Plan plan = planner.plan(trigger, CONNECTION, candidates, history, 0, now);
      perDay.add(plan.chosen().size());
      for (Contact chosen : plan.chosen()) {
        lastSurveyed.put(chosen.crmId(), now);
        surveys.merge(chosen.crmId(), 1, Integer::sum);
      }
    }

    assertThat(perDay).containsOnly(10);
    assertThat(surveys).hasSize(900).allSatisfy((id, count) -> assertThat(count).isEqualTo(2));
  }

  @Test
  void leavesOutContactsSurveyedWithinThePeriod() {
    List<Candidate> candidates = List.of(
        new Candidate(contact("recent").build(), Optional.of(NOW.minus(Duration.ofDays(30)))),
        new Candidate(contact("exactly-a-period-ago").build(), Optional.of(NOW.minus(QUARTER))),
        new Candidate(contact("old").build(), Optional.of(NOW.minus(Duration.ofDays(91)))));

    Plan plan = plan(relationshipTrigger(Duration.ofDays(1)).build(), candidates, 0);
    Plan quarterly = plan(relationshipTrigger(QUARTER).build(), candidates, 0);

    assertThat(ids(plan)).containsExactly("old", "exactly-a-period-ago", "recent");
    assertThat(quarterly.due()).isEqualTo(1);
    assertThat(ids(quarterly)).containsExactly("old");
  }

  @Test
  void choosesNeverSurveyedFirstThenTheOldestSurvey() {
    List<Candidate> candidates = List.of(
        new Candidate(contact("surveyed-200-days-ago").build(), Optional.of(NOW.minus(Duration.ofDays(200)))),
        new Candidate(contact("surveyed-100-days-ago").build(), Optional.of(NOW.minus(Duration.ofDays(100)))),
        new Candidate(contact("never").build(), Optional.empty()),
        new Candidate(contact("surveyed-400-days-ago").build(), Optional.of(NOW.minus(Duration.ofDays(400)))));

    Plan plan = plan(relationshipTrigger(Duration.ofDays(1)).build(), candidates, 0);

    assertThat(ids(plan)).containsExactly("never", "surveyed-400-days-ago", "surveyed-200-days-ago",
        "surveyed-100-days-ago");
  }

  @Test
  void takesTheNextDueContactsInOrderWhenTheRulesRefuseMoreThanItKeptAtFirst() {
    TriggerConfig trigger = relationshipTrigger(QUARTER).build();
    List<Candidate> candidates = neverSurveyed(900);
    List<String> order = candidates.stream().map(candidate -> candidate.contact().crmId())
        .sorted(Comparator.comparingDouble(id -> Sampling.position(CONNECTION, "quarterly", id))).toList();
    int[] walks = {0};
    Iterable<Candidate> counted = () -> {
      walks[0]++;
      return candidates.iterator();
    };

    // the rules refuse the first 100 chosen: far more than the first read keeps (twice the quota of 10, and some)
    int[] decided = {0};
    Plan plan = planner.plan(trigger, CONNECTION, counted, history, 0, NOW, contact -> ++decided[0] > 100);

    assertThat(ids(plan)).isEqualTo(order.subList(0, 110));
    assertThat(plan.quota()).isEqualTo(10);
    assertThat(plan.due()).isEqualTo(900);
    assertThat(plan.later()).isEqualTo(790);
    assertThat(walks[0]).as("one count, then reads of the next picks").isBetween(3, 5);
  }

  @Test
  void goesThroughTheBaseOnceWhenTodaysQuotaIsPlanned() {
    int[] walks = {0};
    Iterable<Candidate> counted = () -> {
      walks[0]++;
      return neverSurveyed(900).iterator();
    };

    Plan plan = planner.plan(relationshipTrigger(QUARTER).build(), CONNECTION, counted, history, 10, NOW);

    assertThat(plan.chosen()).isEmpty();
    assertThat(plan.due()).isEqualTo(900);
    assertThat(walks[0]).isEqualTo(1);
  }

  @Test
  void breaksTiesByTheStableHashWhateverTheInputOrder() {
    TriggerConfig trigger = relationshipTrigger(QUARTER).build();
    List<Candidate> candidates = neverSurveyed(900);
    List<Candidate> shuffled = new ArrayList<>(candidates);
    Collections.shuffle(shuffled, new Random(7));

    List<String> expected = candidates.stream().map(candidate -> candidate.contact().crmId())
        .sorted(Comparator.comparingDouble(id -> Sampling.position(CONNECTION, "quarterly", id)))
        .limit(10).toList();

    assertThat(ids(plan(trigger, candidates, 0))).isEqualTo(expected);
    assertThat(ids(plan(trigger, shuffled, 0))).isEqualTo(expected);
  }

  @Test
  void leavesOutContactsItCouldNeverSurveySoTheyTakeNoPlace() {
    history.unsubscribe(CONNECTION, "unsubscribed");
    List<Candidate> candidates = new ArrayList<>(List.of(
        new Candidate(contact("deleted").deleted(true).build(), Optional.empty()),
        new Candidate(Contact.builder("no-email", TriggerFixtures.MODIFIED).build(), Optional.empty()),
        new Candidate(contact("opted-out").emailOptOut(true).build(), Optional.empty()),
        new Candidate(contact("unsubscribed").segment("region", "EMEA").build(), Optional.empty()),
        new Candidate(contact("apac").segment("region", "APAC").build(), Optional.empty()),
        new Candidate(contact("emea").segment("region", "EMEA").build(),
            Optional.of(NOW.minus(Duration.ofDays(365))))));

    Plan plan = plan(relationshipTrigger(Duration.ofDays(1)).filter("region = EMEA").build(), candidates, 0);

    assertThat(ids(plan)).containsExactly("emea");
    assertThat(plan.due()).isEqualTo(1);
  }

  @Test
  void leavesOutContactsOutsideTheSample() {
    TriggerConfig sampled = relationshipTrigger(Duration.ofDays(1)).samplingRate(0.25).build();

    Plan plan = plan(sampled, neverSurveyed(1_000), 0);

    assertThat(plan.chosen()).allSatisfy(contact ->
        assertThat(Sampling.position(CONNECTION, "quarterly", contact.crmId())).isLessThan(0.25));
    assertThat(plan.chosen()).hasSizeBetween(200, 300);
  }

  @Test
  void refusesATriggerThatIsNotARelationshipTrigger() {
    assertThatThrownBy(() -> plan(purchaseTrigger().build(), neverSurveyed(1), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trigger 'post-purchase' is a purchase trigger; only relationship triggers are planned");
    assertThatThrownBy(() -> plan(relationshipTrigger(QUARTER).build(), neverSurveyed(1), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
