package io.npsconnector.app.writeback;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.TypeLiteral;
import io.npsconnector.app.service.CrmAdapters;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.Channel;
import io.npsconnector.core.engine.EngineHooks;
import io.npsconnector.core.engine.Explainer;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.FollowUpRepository;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.core.testing.RecordingChannel;
import io.npsconnector.sandbox.hubspot.HubSpotSandbox;
import io.npsconnector.sandbox.salesforce.SalesforceSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detractors' follow-up tasks, from the answer to the rep's work in the CRM and back: every invitation answered 2,
 * the tasks written to the sandbox, one completed there by its owner three hours later, one deleted; the next sync
 * reads the states back, and the store, {@code explain} and the follow-up inbox show what the sandbox holds.
 */
class FollowUpEndToEndTest {
  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  private static final String CONNECTION = "crm";

  @TempDir Path dir;
  private final SteppingClock clock = new SteppingClock(T0);
  private final List<AutoCloseable> open = new ArrayList<>();
  private final RecordingChannel mail = new RecordingChannel();

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** A task in the sandbox: its record id and owner. */
  private record Task(String id, String owner) {}

  @Test
  void aHubSpotTaskCompletedByItsOwnerIsReadBackWithWhenAndByWhom() throws Exception {
    HubSpotSandbox sandbox = HubSpotSandbox.seeded(41, 24, clock);
    open.add(sandbox);
    NpsConfig config = config(SandboxConfigs.hubSpot(sandbox, sandbox.start()));
    try (ServiceProcess install = process(config)) {
      install.get(CrmAdapters.class).open(config.connection(CONNECTION).orElseThrow()).installFields();
    }
    roundTrip(config, () -> sandbox.addEventsNow(10), () -> sandbox.tasks().stream()
        .filter(task -> task.properties().getOrDefault("nps_key", "").startsWith("task:"))
        .map(task -> new Task(task.id(), task.properties().get("hubspot_owner_id"))).toList(),
        task -> sandbox.completeTaskNow(task.id(), task.owner()), task -> sandbox.deleteTaskNow(task.id()),
        HubSpotSandbox::userIdOf);
  }

  @Test
  void aSalesforceTaskCompletedByItsOwnerIsReadBackWithWhenAndByWhom() throws Exception {
    SalesforceSandbox sandbox = SalesforceSandbox.seeded(43, 24, clock);
    open.add(sandbox);
    NpsConfig config = config(SandboxConfigs.salesforce(sandbox.start()));
    roundTrip(config, () -> sandbox.addEventsNow(10), () -> sandbox.tasks().stream()
        .filter(task -> task.getOrDefault("NPS_Key__c", "").startsWith("task:"))
        .map(task -> new Task(task.get("Id"), task.get("OwnerId"))).toList(),
        task -> sandbox.completeTaskNow(task.id(), task.owner()), task -> sandbox.deleteTaskNow(task.id()),
        owner -> owner + " " + sandbox.users().get(owner));
  }

  /**
   * @param complete a rep (the task's owner) completes the task in the CRM now
   * @param delete a rep deletes the task in the CRM
   * @param completedBy how {@code explain} names the user who completed a task of this owner
   */
  private void roundTrip(NpsConfig config, Runnable newEvents, Supplier<List<Task>> tasksInTheCrm,
      java.util.function.Consumer<Task> complete, java.util.function.Consumer<Task> delete,
      java.util.function.Function<String, String> completedBy) {
    Database database = Database.open(config.store());
    open.add(database);
    try (ServiceProcess process = process(config)) {
      process.engine().syncAndTrigger(CONNECTION); // the backfill
      clock.advance(Duration.ofMinutes(1));
      newEvents.run();
      clock.advance(Duration.ofMinutes(10));
      process.engine().syncAndTrigger(CONNECTION);
      for (Invitation invitation : new InvitationRepository(database.jdbi()).inStates(CONNECTION,
          InvitationState.SCHEDULED)) {
        if ("SENT".equals(process.engine().send(invitation.id()))) {
          process.engine().answer(invitation.id(), 2, Optional.of("Too slow"));
        }
      }
      assertThat(process.engine().flushWritebacks(CONNECTION).failed()).isZero();
    }
    List<Task> tasks = tasksInTheCrm.get();
    assertThat(tasks).as("follow-up tasks in the CRM").hasSizeGreaterThanOrEqualTo(3);
    Instant answered = clock.instant();
    clock.advance(Duration.ofHours(3));
    Instant completedAt = clock.instant();
    Task done = tasks.get(0);
    complete.accept(done);
    delete.accept(tasks.get(1));
    clock.advance(Duration.ofHours(1));

    try (ServiceProcess process = process(config)) {
      process.engine().syncAndTrigger(CONNECTION);
      Map<String, FollowUpRepository.FollowUp> read = new java.util.HashMap<>();
      process.engine().followUps().all().forEach(task -> read.put(task.crmTaskId(), task));
      assertThat(read.keySet()).containsExactlyInAnyOrderElementsOf(tasks.stream().map(Task::id).toList());
      FollowUpRepository.FollowUp completed = read.get(done.id());
      assertThat(completed.status()).isEqualTo(FollowUpRepository.Status.COMPLETED);
      assertThat(completed.completedAt()).hasValueSatisfying(at -> assertThat(Duration.between(completedAt, at))
          .isBetween(Duration.ZERO, Duration.ofSeconds(1)));
      assertThat(completed.ownerId()).contains(done.owner());
      assertThat(read.get(tasks.get(1).id()).status()).isEqualTo(FollowUpRepository.Status.DELETED);
      assertThat(tasks.subList(2, tasks.size())).allSatisfy(task -> assertThat(read.get(task.id()).status())
          .isEqualTo(FollowUpRepository.Status.OPEN));

      List<String> story = new Explainer(database, clock).explain(CONNECTION, completed.contactId().orElseThrow())
          .entries().stream().map(Explainer.Entry::text).toList();
      String by = completedBy.apply(done.owner());
      assertThat(story).anySatisfy(line -> assertThat(line).startsWith("follow-up task " + done.id() + " completed by ")
          .contains(by.contains(" ") ? by.substring(by.indexOf(' ') + 1) + " (" + done.owner() + ")" : by)
          .contains("3 h after the answer"));
      assertThat(answered).isBefore(completedAt);
    }
  }

  private NpsConfig config(String connection) {
    return SandboxConfigs.config("follow-ups.yaml", dir.resolve("store"), connection, """
        fatigue:
          days: 0
        """);
  }

  private ServiceProcess process(NpsConfig config) {
    return new ServiceProcess(config, clock, EngineHooks.NONE,
        binder -> binder.bind(new TypeLiteral<List<Channel>>() { }).toInstance(List.of(mail)));
  }
}
