package io.npsconnector.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.npsconnector.core.model.Category;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.stats.NpsTally;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The filtered reports and the responses feed, run on H2 and on PostgreSQL by the subclasses. */
abstract class ReportContract {
  static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

  Database database;
  ContactRepository contacts;
  InvitationRepository invitations;
  AnswerRepository answers;
  ReportRepository reports;

  abstract Database open();

  @BeforeEach
  void setUp() {
    database = open();
    contacts = new ContactRepository(database.jdbi());
    invitations = new InvitationRepository(database.jdbi());
    answers = new AnswerRepository(database.jdbi());
    reports = new ReportRepository(database.jdbi());
    contact("east", "c1", "EMEA");
    contact("east", "c2", "emea");
    contact("west", "c3", "Emea ");
    contact("west", "c4", "APAC");
    contact("west", "c5", null);
    answer("east", "won", "c1", 10, 1, "Great support, 100% happy");
    answer("east", "onboarded", "c2", 3, 2, "Too slow_ever");
    answer("west", "won", "c3", 8, 3, null);
    answer("west", "won", "c4", 6, 4, "slow invoices");
    answer("west", "onboarded", "c5", 9, 5, "100 percent");
    answer("east", "won", "c1", 0, 6, "SLOW SLOW");
  }

  @AfterEach
  void tearDown() {
    database.close();
  }

  @Test
  void filtersByTimeTriggerConnectionAndCategory() {
    assertThat(scores(AnswerFilter.ALL)).containsExactly(10, 3, 8, 6, 9, 0);
    assertThat(scores(AnswerFilter.ALL.withFrom(at(2)).withTo(at(5)))).as("from inclusive, to exclusive")
        .containsExactly(3, 8, 6);
    assertThat(scores(AnswerFilter.ALL.withTrigger("won"))).containsExactly(10, 8, 6, 0);
    assertThat(scores(AnswerFilter.ALL.withConnection("west").withTrigger("won"))).containsExactly(8, 6);
    assertThat(scores(AnswerFilter.ALL.withCategory(Category.DETRACTOR))).containsExactly(3, 6, 0);
    assertThat(scores(AnswerFilter.ALL.withCategory(Category.PASSIVE))).containsExactly(8);
    assertThat(scores(AnswerFilter.ALL.withCategory(Category.PROMOTER))).containsExactly(10, 9);
    assertThat(reports.count(AnswerFilter.ALL.withTrigger("won"))).isEqualTo(4);
    assertThat(reports.count(AnswerFilter.ALL.withTrigger("nothing"))).isZero();
  }

  @Test
  void caseVariantsOfASegmentValueAreOneGroup() {
    assertThat(scores(AnswerFilter.ALL.withSegment("region", "emea"))).containsExactly(10, 3, 8, 0);
    assertThat(scores(AnswerFilter.ALL.withSegment("region", " EMEA"))).containsExactly(10, 3, 8, 0);
    assertThat(scores(AnswerFilter.ALL.withSegment("region", "apac").withConnection("east"))).isEmpty();
    assertThat(reports.segmentValues()).isEqualTo(Map.of("region", Map.of("emea", "EMEA", "apac", "APAC")))
        .as("a tie between spellings goes to the first in sort order");
  }

  @Test
  void theCrmsLabelNamesAValueGroupAndOtherwiseTheCommonestSpelling() {
    contact("west", "c6", "emea");
    assertThat(reports.segmentValues().get("region")).containsEntry("emea", "emea");

    new SegmentLabelRepository(database.jdbi()).replace("west",
        Map.of("region", Map.of("EMEA", "Europe, Middle East, Africa", "apac", "Asia Pacific")), T0);

    assertThat(reports.segmentValues().get("region")).containsEntry("emea", "Europe, Middle East, Africa")
        .containsEntry("apac", "Asia Pacific");
    new SegmentLabelRepository(database.jdbi()).replace("west", Map.of(), T0);
    assertThat(reports.segmentValues().get("region")).containsEntry("apac", "APAC");
  }

  @Test
  void aContactsNewSegmentValueReplacesItsRow() {
    contact("west", "c4", "emea", T0.plusSeconds(60));
    assertThat(scores(AnswerFilter.ALL.withSegment("region", "EMEA"))).containsExactly(10, 3, 8, 6, 0);
    assertThat(reports.segmentValues().get("region")).doesNotContainKey("apac");
  }

  @Test
  void searchesCommentsIgnoringCaseWithWildcardsAsPlainText() {
    assertThat(scores(AnswerFilter.ALL.withSearch("slow"))).containsExactly(3, 6, 0);
    assertThat(scores(AnswerFilter.ALL.withSearch("100%"))).as("% is a character, not a wildcard")
        .containsExactly(10);
    assertThat(scores(AnswerFilter.ALL.withSearch("w_e"))).as("_ is a character").containsExactly(3);
    assertThat(scores(AnswerFilter.ALL.withSearch("%"))).containsExactly(10);
    assertThat(scores(AnswerFilter.ALL.withSearch("\\"))).isEmpty();
    assertThat(scores(AnswerFilter.ALL.withSearch("   "))).as("blank searches nothing").hasSize(6);
  }

  @Test
  void pagesTheFeedNewestFirstWithoutGapsOrRepeats() {
    List<Integer> seen = new ArrayList<>();
    Optional<ReportRepository.FeedPosition> after = Optional.empty();
    int pages = 0;
    do {
      ReportRepository.FeedPage page = reports.feed(AnswerFilter.ALL, after, 4);
      page.rows().forEach(row -> seen.add(row.score()));
      after = page.next().map(position -> ReportRepository.FeedPosition.parse(position.text()));
      pages++;
    } while (after.isPresent() && pages < 10);
    assertThat(seen).containsExactly(0, 9, 6, 8, 3, 10);
    assertThat(pages).isEqualTo(2);

    ReportRepository.FeedPage filtered = reports.feed(AnswerFilter.ALL.withTrigger("won"), Optional.empty(), 4);
    assertThat(filtered.rows()).extracting(ReportRepository.AnswerRow::score).containsExactly(0, 6, 8, 10);
    assertThat(filtered.next()).as("exactly one page").isEmpty();
    assertThat(filtered.rows().get(0).segments()).containsEntry("region", "EMEA");
    assertThat(filtered.rows().get(0).contactName()).isEqualTo("Name c1");
  }

  @Test
  void answersAtTheSameInstantAreNeitherRepeatedNorLost() {
    for (int i = 0; i < 5; i++) {
      answer("east", "same", "c" + (i + 10), i, 7, "same time");
    }
    List<Integer> seen = new ArrayList<>();
    Optional<ReportRepository.FeedPosition> after = Optional.empty();
    do {
      ReportRepository.FeedPage page = reports.feed(AnswerFilter.ALL.withTrigger("same"), after, 2);
      page.rows().forEach(row -> seen.add(row.score()));
      after = page.next();
    } while (after.isPresent() && seen.size() < 20);
    assertThat(seen).containsExactly(4, 3, 2, 1, 0);
  }

  @Test
  void aBrokenFeedPositionIsRefused() {
    assertThatThrownBy(() -> ReportRepository.FeedPosition.parse("yesterday~3"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("yesterday~3");
    assertThatThrownBy(() -> ReportRepository.FeedPosition.parse("2026-11-02T10:00:00Z"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void exportsEveryAnswerOldestFirstAcrossPages() {
    List<Integer> seen = new ArrayList<>();
    assertThat(reports.forEach(AnswerFilter.ALL, 4, row -> seen.add(row.score()))).isEqualTo(6);
    assertThat(seen).containsExactly(10, 3, 8, 6, 9, 0);
    seen.clear();
    assertThat(reports.forEach(AnswerFilter.ALL.withTrigger("won"), 2, row -> seen.add(row.score()))).as("pages full")
        .isEqualTo(4);
    assertThat(seen).containsExactly(10, 8, 6, 0);
    for (int i = 0; i < 5; i++) {
      answer("east", "same", "c" + (i + 10), i, 7, "same time");
    }
    seen.clear();
    reports.forEach(AnswerFilter.ALL.withTrigger("same"), 2, row -> seen.add(row.score()));
    assertThat(seen).as("answers at one instant, across pages").containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void countsByScoreCategoryAndGroupInTheDatabase() {
    ReportRepository.ScoreCounts counts = reports.scoreCounts(AnswerFilter.ALL);
    assertThat(counts.byScore()).containsExactly(1, 0, 0, 1, 0, 0, 1, 0, 1, 1, 1);
    assertThat(counts.tally()).isEqualTo(NpsTally.of(2, 1, 3));
    assertThat(counts.oneClick()).isZero();
    assertThat(reports.scoreCounts(AnswerFilter.ALL.withTrigger("nothing")).tally()).isEqualTo(NpsTally.EMPTY);
    assertThat(reports.tallyBy(AnswerFilter.ALL, ReportRepository.Dimension.TRIGGER))
        .containsExactly(Map.entry("onboarded", NpsTally.of(1, 0, 1)), Map.entry("won", NpsTally.of(1, 1, 2)));
    assertThat(reports.tallyBy(AnswerFilter.ALL, ReportRepository.Dimension.CONNECTION))
        .containsExactly(Map.entry("east", NpsTally.of(1, 0, 2)), Map.entry("west", NpsTally.of(1, 1, 1)));
    assertThat(reports.tallyBy(AnswerFilter.ALL.withSearch("slow"), ReportRepository.Dimension.CHANNEL))
        .containsExactly(Map.entry("email", NpsTally.of(0, 0, 3)));
    assertThat(reports.tallyByEach(AnswerFilter.ALL)).as("every dimension in one query")
        .containsExactly(
            Map.entry(ReportRepository.Dimension.TRIGGER,
                Map.of("onboarded", NpsTally.of(1, 0, 1), "won", NpsTally.of(1, 1, 2))),
            Map.entry(ReportRepository.Dimension.CHANNEL, Map.of("email", NpsTally.of(2, 1, 3))),
            Map.entry(ReportRepository.Dimension.CONNECTION,
                Map.of("east", NpsTally.of(1, 0, 2), "west", NpsTally.of(1, 1, 1))));
    assertThat(reports.tallyByEach(AnswerFilter.ALL.withConnection("east")).get(ReportRepository.Dimension.TRIGGER))
        .isEqualTo(reports.tallyBy(AnswerFilter.ALL.withConnection("east"), ReportRepository.Dimension.TRIGGER));
    // counted without the invitations when no condition reads them, with them when one does
    assertThat(reports.count(AnswerFilter.ALL)).isEqualTo(6);
    assertThat(reports.count(AnswerFilter.ALL.withConnection("east"))).isEqualTo(3);
    assertThat(reports.scoreCounts(AnswerFilter.ALL.withConnection("west")).tally()).isEqualTo(NpsTally.of(1, 1, 1));
    assertThat(reports.tallyBySegment(AnswerFilter.ALL)).as("c5 has no region and is not counted")
        .isEqualTo(Map.of("region", Map.of("emea", NpsTally.of(1, 1, 2), "apac", NpsTally.of(0, 0, 1))));
    assertThat(reports.tallyBySegment(AnswerFilter.ALL.withConnection("east")))
        .isEqualTo(Map.of("region", Map.of("emea", NpsTally.of(1, 0, 2))));
  }

  @Test
  void talliesSpansOfTimeOverMoreBoundariesThanOneQueryTakes() {
    List<Instant> boundaries = new ArrayList<>();
    for (int minute = 30; minute <= 6 * 60 + 30; minute++) {
      boundaries.add(T0.plusSeconds(minute * 60L));
    }
    List<NpsTally> spans = reports.tallyBetween(AnswerFilter.ALL, boundaries);
    assertThat(spans).hasSize(boundaries.size() - 1);
    assertThat(boundaries.size()).isGreaterThan(3 * ReportRepository.BOUNDARIES_PER_QUERY);
    List<Integer> scored = List.of(10, 3, 8, 6, 9, 0);
    for (int hour = 1; hour <= 6; hour++) {
      int score = scored.get(hour - 1);
      assertThat(spans.get(hour * 60 - 30)).as("hour %d", hour).isEqualTo(NpsTally.of(score >= 9 ? 1 : 0,
          score == 7 || score == 8 ? 1 : 0, score <= 6 ? 1 : 0));
    }
    assertThat(spans.stream().mapToInt(NpsTally::n).sum()).isEqualTo(6);
    assertThat(reports.tallyBetween(AnswerFilter.ALL, List.of(at(2), at(5))))
        .as("from included, to excluded").containsExactly(NpsTally.of(0, 1, 2));
    assertThatThrownBy(() -> reports.tallyBetween(AnswerFilter.ALL, List.of(at(2), at(2))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void listsTheLatestDetractorsWhoseFollowUpIsNotDone() {
    List<ReportRepository.AnswerRow> detractors = reports.answers(AnswerFilter.ALL.withCategory(Category.DETRACTOR));
    long sixHours = detractors.get(2).answerId();
    long fourHours = detractors.get(1).answerId();
    task("east", sixHours, "DONE");
    task("west", fourHours, "FAILED");
    assertThat(reports.openDetractors(AnswerFilter.ALL, 50)).extracting(open -> open.answer().score(),
            ReportRepository.OpenDetractor::taskState)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(6, Optional.of("FAILED")),
            org.assertj.core.groups.Tuple.tuple(3, Optional.empty()));
    assertThat(reports.openDetractors(AnswerFilter.ALL, 1)).hasSize(1);
    assertThat(reports.openDetractors(AnswerFilter.ALL.withCategory(Category.PROMOTER), 50)).isEmpty();
    assertThat(reports.openDetractors(AnswerFilter.ALL.withTrigger("onboarded"), 50))
        .extracting(open -> open.answer().score()).containsExactly(3);
  }

  private void task(String connection, long answerId, String state) {
    database.jdbi().useHandle(h -> h.createUpdate("INSERT INTO writeback_queue (connection, kind, coalesce_key, payload, "
            + "state, next_attempt_at, created_at, updated_at) VALUES (:connection, 'FOLLOW_UP_TASK', :key, '{}', :state, "
            + ":at, :at, :at)")
        .bind("connection", connection).bind("key", "task:" + answerId).bind("state", state)
        .bind("at", java.sql.Timestamp.from(T0)).execute());
  }

  private List<Integer> scores(AnswerFilter filter) {
    return reports.answers(filter).stream().map(ReportRepository.AnswerRow::score).toList();
  }

  private static Instant at(int hours) {
    return T0.plusSeconds(hours * 3600L);
  }

  private void contact(String connection, String id, String region) {
    contact(connection, id, region, T0);
  }

  private void contact(String connection, String id, String region, Instant modified) {
    Contact.Builder builder = Contact.builder(id, modified).firstName("Name").lastName(id);
    if (region != null) {
      builder.segment("region", region);
    }
    Contact contact = builder.build();
    database.jdbi().useTransaction(h -> contacts.upsert(h, connection, contact, T0));
  }

  private void answer(String connection, String trigger, String contact, int score, int hours, String comment) {
    Instant at = at(hours);
    database.jdbi().useTransaction(h -> {
      long id = invitations.create(h, new InvitationRepository.NewInvitation(connection, trigger,
          "relationship:" + contact + ":" + hours, contact, Optional.empty(), Optional.empty(), "email", at), at).id();
      answers.upsert(h, id, score, Optional.ofNullable(comment), at);
    });
  }
}
