package io.npsconnector.app.writeback;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.npsconnector.config.NpsConfig;
import com.google.inject.TypeLiteral;
import io.npsconnector.app.service.Composition;
import io.npsconnector.app.service.CrmAdapters;
import io.npsconnector.core.delivery.Channel;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.engine.EngineHooks;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.core.testing.RecordingChannel;
import io.npsconnector.sandbox.hubspot.HubSpotSandbox;
import io.npsconnector.sandbox.salesforce.SalesforceSandbox;

/**
 * One answer, one timeline entry and at most one follow-up task in the CRM, counted in the sandboxes: every
 * answer is submitted three times (detractor to promoter and back), and after each round the process dies at
 * the {@code writeback.acknowledged} hook (the CRM applied a batch, the store never heard) once per batch of the
 * flush before a clean process finishes it. The real adapters talk to the CRM sandboxes.
 */
class ExactlyOnceInTheCrmEndToEndTest {
  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  private static final String CONNECTION = "crm";
  private static final String TASK_SUBJECT = "NPS detractor: {name} scored {score}";
  private static final String TIMELINE_SUBJECT = "NPS answer: ";
  /** The scores of the three submissions of an answer, by the answer's position (even, odd). */
  private static final int[][] ROUNDS = {{3, 9}, {4, 5}, {10, 6}};

  @TempDir Path dir;
  private final SteppingClock clock = new SteppingClock(T0);
  private final List<AutoCloseable> open = new ArrayList<>();
  private Database database;
  private int deaths;

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** What the test reads in one sandbox: per contact, timeline entries and follow-up tasks as the CRM holds them. */
  private record Held(Map<String, List<Map<String, String>>> entries, Map<String, List<Map<String, String>>> tasks) {}

  @Test
  void hubSpotHoldsOneNoteAndAtMostOneTaskPerAnswerAfterResubmissionsAndCrashes() throws Exception {
    HubSpotSandbox sandbox = HubSpotSandbox.seeded(17, 24, clock);
    open.add(sandbox);
    String url = sandbox.start();
    NpsConfig config = config(SandboxConfigs.hubSpot(sandbox, url));
    try (Composition app = Composition.of(config, binder -> binder.bind(Clock.class).toInstance(clock))) {
      app.get(CrmAdapters.class).open(config.connection(CONNECTION).orElseThrow()).installFields();
    }

    Map<Long, String> answered = answerThreeTimesDyingAtEveryBatch(config, () -> sandbox.addEventsNow(12),
        () -> held(sandbox));

    Held held = held(sandbox);
    assertOneEntryAndOneTaskPerAnswer(answered, held);
    assertThat(sandbox.calls()).as("unknown outcomes were looked up by key, known records updated")
        .containsKeys("search tasks", "search notes", "batch update tasks", "batch update notes");
    for (Map.Entry<Long, String> answer : answered.entrySet()) {
      Map<String, String> note = held.entries().get(answer.getValue()).get(0);
      Map<String, String> task = held.tasks().get(answer.getValue()).get(0);
      int last = finalScore(answered, answer.getKey());
      assertThat(note.get("hs_note_body")).as("note of %s", answer).contains(TIMELINE_SUBJECT + last + " (");
      assertThat(task.get("hs_task_status")).as("task of %s", answer).isEqualTo(last <= 6 ? "NOT_STARTED" : "COMPLETED");
      assertThat(task.get("hs_task_subject")).endsWith(" scored " + (last <= 6 ? last : 4));
    }
  }

  @Test
  void salesforceHoldsOneActivityAndAtMostOneTaskPerAnswerAfterResubmissionsAndCrashes() throws Exception {
    SalesforceSandbox sandbox = SalesforceSandbox.seeded(23, 24, clock);
    open.add(sandbox);
    String url = sandbox.start();
    NpsConfig config = config(SandboxConfigs.salesforce(url));

    Map<Long, String> answered = answerThreeTimesDyingAtEveryBatch(config, () -> sandbox.addEventsNow(12),
        () -> held(sandbox));

    Held held = held(sandbox);
    assertOneEntryAndOneTaskPerAnswer(answered, held);
    assertThat(sandbox.calls().getOrDefault("upsert", 0)).as("tasks by upsert on their key").isPositive();
    assertThat(sandbox.calls().getOrDefault("create", 0)).as("tasks never by create").isZero();
    for (Map.Entry<Long, String> answer : answered.entrySet()) {
      int last = finalScore(answered, answer.getKey());
      assertThat(held.entries().get(answer.getValue()).get(0).get("Subject")).as("activity of %s", answer)
          .startsWith(TIMELINE_SUBJECT + last + " (");
      Map<String, String> task = held.tasks().get(answer.getValue()).get(0);
      assertThat(task.get("Status")).as("task of %s", answer).isEqualTo(last <= 6 ? "Not Started" : "Completed");
      assertThat(task.get("Subject")).endsWith(" scored " + (last <= 6 ? last : 4));
    }
  }

  private static Held held(HubSpotSandbox sandbox) {
    Function<List<HubSpotSandbox.Engagement>, Map<String, List<Map<String, String>>>> byContact = engagements ->
        engagements.stream().collect(Collectors.groupingBy(engagement -> String.join(",", engagement.contactIds()),
            Collectors.mapping(HubSpotSandbox.Engagement::properties, Collectors.toList())));
    return new Held(byContact.apply(sandbox.notes()), byContact.apply(sandbox.tasks()));
  }

  private static Held held(SalesforceSandbox sandbox) {
    Map<String, List<Map<String, String>>> entries = sandbox.tasks().stream()
        .filter(task -> task.getOrDefault("Subject", "").startsWith(TIMELINE_SUBJECT))
        .collect(Collectors.groupingBy(task -> task.get("WhoId")));
    Map<String, List<Map<String, String>>> tasks = sandbox.tasks().stream()
        .filter(task -> task.getOrDefault("Subject", "").startsWith("NPS detractor: "))
        .collect(Collectors.groupingBy(task -> task.get("WhoId")));
    return new Held(entries, tasks);
  }

  /** Every answer's contact holds exactly one timeline entry and one task (each answer was a detractor once). */
  private void assertOneEntryAndOneTaskPerAnswer(Map<Long, String> answered, Held held) {
    assertThat(answered).hasSizeGreaterThanOrEqualTo(4);
    List<String> contacts = List.copyOf(answered.values());
    assertThat(contacts).doesNotHaveDuplicates();
    assertThat(held.entries().keySet()).containsExactlyInAnyOrderElementsOf(contacts);
    assertThat(held.tasks().keySet()).containsExactlyInAnyOrderElementsOf(contacts);
    held.entries().forEach((contact, entries) -> assertThat(entries).as("timeline entries of %s", contact).hasSize(1));
    held.tasks().forEach((contact, tasks) -> assertThat(tasks).as("follow-up tasks of %s", contact).hasSize(1));
  }

  /** The last round's score of an answer, by its position among the answers. */
  private static int finalScore(Map<Long, String> answered, long invitation) {
    int position = List.copyOf(answered.keySet()).indexOf(invitation);
    return ROUNDS[ROUNDS.length - 1][position % 2];
  }

  /**
   * Syncs, sends every due invitation once, then three rounds: every answer submitted again, and flushes that
   * die right after the CRM acknowledged each kind's batch in turn, each in a new process (engine and adapter),
   * then a clean one. Checks after every round that nothing in the CRM is doubled.
   *
   * @return the answered invitations (in order) with their contacts
   */
  private Map<Long, String> answerThreeTimesDyingAtEveryBatch(NpsConfig config, Runnable newEvents,
      java.util.function.Supplier<Held> inTheCrm) throws Exception {
    database = Database.open(config.store());
    open.add(database);
    RecordingChannel mail = new RecordingChannel();
    ServiceProcess first = process(config, mail, EngineHooks.NONE);
    first.engine().syncAndTrigger(CONNECTION); // the backfill: its events are too old to survey
    clock.advance(Duration.ofMinutes(1));
    newEvents.run();
    clock.advance(Duration.ofMinutes(10));
    first.engine().syncAndTrigger(CONNECTION);
    InvitationRepository invitations = new InvitationRepository(database.jdbi());
    Map<Long, String> answered = new java.util.LinkedHashMap<>();
    for (Invitation invitation : invitations.inStates(CONNECTION, InvitationState.SCHEDULED)) {
      if ("SENT".equals(first.engine().send(invitation.id()))) {
        answered.put(invitation.id(), invitation.contactId());
      }
    }
    first.close();

    for (int[] scores : ROUNDS) {
      clock.advance(Duration.ofMinutes(5));
      int position = 0;
      try (ServiceProcess answering = process(config, mail, EngineHooks.NONE)) {
        for (long invitation : answered.keySet()) {
          int score = scores[position++ % 2];
          answering.engine().answer(invitation, score, Optional.of("comment " + score));
        }
      }
      // batches go by kind (contacts, accounts, tasks, timeline): the first process dies after the contacts'
      // batch, each next one completes the batch its predecessor died after and dies after the following one
      for (int step = 0; step < 4; step++) {
        try (ServiceProcess dying = process(config, mail, new ServiceProcess.KillAt(step == 0 ? 1 : 2))) {
          dying.engine().flushWritebacks(CONNECTION);
        } catch (ServiceProcess.Killed expected) {
          deaths++; // the process is gone; the next one starts on the same store and CRM
        }
        clock.advance(Duration.ofMinutes(1));
      }
      try (ServiceProcess clean = process(config, mail, EngineHooks.NONE)) {
        Engine.FlushReport report = clean.engine().flushWritebacks(CONNECTION);
        assertThat(report.failed()).as("records refused by the CRM").isZero();
        assertThat(report.retryLater()).isZero();
      }
      Held held = inTheCrm.get();
      held.entries().forEach((contact, entries) -> assertThat(entries).as("entries of %s", contact).hasSize(1));
      held.tasks().forEach((contact, tasks) -> assertThat(tasks).as("tasks of %s", contact).hasSize(1));
    }
    for (long invitation : answered.keySet()) {
      assertThat(mail.countFor(invitation)).as("invitation mails of %s", invitation).isEqualTo(1);
    }
    assertThat(deaths).as("processes killed after the CRM's acknowledgement").isEqualTo(4 * ROUNDS.length);
    return answered;
  }

  private NpsConfig config(String connection) {
    return SandboxConfigs.config("exactly-once.yaml", dir.resolve("store"), connection, """
        fatigue:
          days: 60
        writeback:
          timeline-activity: true
          follow-up-tasks:
            detractor:
              subject: "%s"
              due-in: 2d
              priority: high
        """.formatted(TASK_SUBJECT));
  }

  /** One run of the service, made by the product's own modules: an engine and a fresh adapter on the shared store. */
  private ServiceProcess process(NpsConfig config, RecordingChannel mail, EngineHooks hooks) {
    return new ServiceProcess(config, clock, hooks,
        binder -> binder.bind(new TypeLiteral<List<Channel>>() { }).toInstance(List.of(mail)));
  }
}
