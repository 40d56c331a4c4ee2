package io.npsconnector.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.TypeLiteral;
import io.npsconnector.app.service.AdapterFactory;
import io.npsconnector.app.service.Composition;
import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.config.StoreConfig;
import io.npsconnector.core.delivery.Channel;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.engine.EngineHooks;
import io.npsconnector.core.engine.EngineSettings;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.core.testing.FakeCrmAdapter;
import io.npsconnector.core.testing.RecordingChannel;
import io.npsconnector.core.testing.TestClock;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code explain} and {@code simulate} on the shipped demo configuration, over a store the real engine
 * filled from fake CRMs named like the demo's connections.
 */
class ExplainSimulateCommandTest {
  private static final Path DEMO = Path.of("..", "config", "examples", "demo.yaml");
  private static final String HUBSPOT = "hubspot-demo";
  private static final String SALESFORCE = "salesforce-demo";
  /** When the commands run: Tuesday 2026-03-10, 15:00 in Berlin. */
  private static final Instant NOW = Instant.parse("2026-03-10T14:00:00Z");

  @TempDir static Path dir;
  static Path config;
  /** The environment of the commands: the store the engine filled, and a secret (the demo's has a default). */
  static Map<String, String> env;

  @BeforeAll
  static void fillTheStoreOfACopyOfTheDemoConfiguration() throws IOException {
    String demo = Files.readString(DEMO);
    assertThat(demo).contains("  path: ./data/demo/npsconnector\n");
    config = dir.resolve("demo.yaml");
    Files.writeString(config, demo.replace("  path: ./data/demo/npsconnector\n", "  path: ${NPS_TEST_STORE}\n"));
    env = environment("filled");
    feedTheStore();
  }

  // ---- explain ----

  @Test
  void explainTellsTheStoryOfAnAnsweredContactInTimeOrder() {
    CommandRun run = explain("hubspot-demo:hs-104");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out().lines()).containsExactly(
        "hubspot-demo:hs-104 — Paul Becker <paul.becker@rheinland.example>, account Rheinland AG, "
            + "time zone Europe/Berlin (connection default), language de",
        "  2026-02-28 13:00:00 UTC  event       purchase deal-9001 (amount=4800)",
        "  2026-02-28 14:00:00 UTC  decision    post-purchase: INVITE (invitation 1) by rule 'eligible': all rules "
            + "passed; sends Tue 2026-03-03 14:00 Europe/Berlin (2026-03-03T13:00:00Z)",
        "  2026-02-28 14:00:00 UTC  invitation  invitation 1 (post-purchase, email) scheduled: send at "
            + "2026-03-03T13:00:00Z",
        "  2026-03-03 13:00:00 UTC  invitation  invitation 1 (post-purchase, email) sending: attempt 1",
        "  2026-03-03 13:00:00 UTC  invitation  invitation 1 (post-purchase, email) sent: message "
            + "<nps-invitation-1@email.recording.invalid>",
        "  2026-03-04 09:30:00 UTC  invitation  invitation 1 (post-purchase, email) answered: score 3",
        "  2026-03-04 09:30:00 UTC  answer      score 3 (detractor): \"Delivery took three weeks\"",
        "  2026-03-04 09:40:00 UTC  write-back  contact NPS fields written to the CRM",
        "  2026-03-04 09:40:00 UTC  write-back  follow-up task written to the CRM",
        "  2026-03-04 09:40:00 UTC  write-back  timeline activity written to the CRM",
        // read back by the next sync; due two days after the answer, overdue by the time explain runs
        "  2026-03-09 14:00:00 UTC  follow-up   follow-up task task-1 OPEN since 2026-03-04T09:30:00Z, owner Owner "
            + "owner-17, OVERDUE (due 2026-03-06), CRM status NOT_STARTED (read back 2026-03-09T14:00:00Z)");
  }

  @Test
  void explainNamesTheRuleThatKeptAnOptedOutContactFromBeingSurveyed() {
    CommandRun run = explain("hubspot-demo:hs-102");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly(
        "hubspot-demo:hs-102 — Jonas Weber <jonas.weber@example.com>, time zone Europe/Berlin (connection default), "
            + "language de, opted out of e-mail in the CRM",
        "  2026-03-09 12:00:00 UTC  event       purchase deal-9003 (amount=1800)",
        "  2026-03-09 14:00:00 UTC  decision    post-purchase: SUPPRESS by rule 'opt-out': the contact opted out of "
            + "e-mail in the CRM",
        "  2026-03-10 12:40:00 UTC  event       support ticket-502 (priority=Medium)");
  }

  @Test
  void explainNamesTheRuleThatKeptAContactWithoutEmailFromBeingSurveyed() {
    CommandRun run = explain("hubspot-demo:hs-103");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly(
        "hubspot-demo:hs-103 — Mia Schneider, no e-mail address, time zone Europe/Berlin (connection default), "
            + "language de",
        "  2026-03-09 11:00:00 UTC  event       support ticket-501 (priority=High)",
        "  2026-03-09 14:00:00 UTC  decision    post-ticket: SUPPRESS by rule 'email': the contact has no e-mail "
            + "address");
  }

  @Test
  void explainShowsAnInvitationWaitingForItsSendTime() {
    CommandRun run = explain("hubspot-demo:hs-101");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly(
        "hubspot-demo:hs-101 — Lena Fischer <lena.fischer@nordwind.example>, account Nordwind GmbH, "
            + "time zone Europe/Berlin (connection default), language de",
        "  2026-03-09 13:00:00 UTC  event       purchase deal-9002 (amount=2500)",
        "  2026-03-09 14:00:00 UTC  decision    post-purchase: INVITE (invitation 2) by rule 'eligible': all rules "
            + "passed; sends Thu 2026-03-12 14:00 Europe/Berlin (2026-03-12T13:00:00Z)",
        "  2026-03-09 14:00:00 UTC  invitation  invitation 2 (post-purchase, email) scheduled: send at "
            + "2026-03-12T13:00:00Z");
  }

  @Test
  void explainWorksOnEveryConnectionAndShowsEveryTriggersDecision() {
    CommandRun run = explain("salesforce-demo:003Dn00000OLIVIA");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly(
        "salesforce-demo:003Dn00000OLIVIA — Olivia Brown <olivia.brown@blueharbor.example>, account Blue Harbor Inc, "
            + "time zone America/New_York, language en (connection default)",
        "  2026-03-09 09:00:00 UTC  event       support 500Dn000CASE1 (priority=Low)",
        "  2026-03-09 14:00:00 UTC  decision    post-ticket: SUPPRESS by rule 'filter': filter "
            + "'priority in [High, Medium]' not met: priority is Low",
        "  2026-03-09 14:00:00 UTC  decision    quarterly-relationship: INVITE (invitation 4) by rule 'eligible': all "
            + "rules passed; sends Mon 2026-03-09 10:00 America/New_York (2026-03-09T14:00:00Z)",
        "  2026-03-09 14:00:00 UTC  invitation  invitation 4 (quarterly-relationship, email) scheduled: send at "
            + "2026-03-09T14:00:00Z",
        "  2026-03-09 14:00:00 UTC  invitation  invitation 4 (quarterly-relationship, email) sending: attempt 1",
        "  2026-03-09 14:00:00 UTC  invitation  invitation 4 (quarterly-relationship, email) sent: message "
            + "<nps-invitation-4@email.recording.invalid>");
  }

  @Test
  void explainShowsTheEventsOfAContactTheCrmNeverReturned() {
    CommandRun run = explain("hubspot-demo:hs-999");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly(
        "hubspot-demo:hs-999 (not stored as a contact)",
        "  2026-03-10 12:55:00 UTC  event       purchase deal-9006 (amount=3000)");
  }

  @Test
  void explainSaysWhenTheStoreKnowsNothingAboutTheContact() {
    emptyStore("empty");
    CommandRun unknown = explain("hubspot-demo:hs-404");
    CommandRun empty = run(environment("empty"), "explain", "--config", config.toString(),
        "--contact", "hubspot-demo:hs-104");

    for (CommandRun run : List.of(unknown, empty)) {
      assertThat(run.exitCode()).isZero();
      assertThat(run.err()).isEmpty();
    }
    assertThat(unknown.out()).isEqualTo("The store has nothing about hubspot-demo:hs-404: it was never synced from "
        + "hubspot-demo, so no survey rule has looked at it." + System.lineSeparator());
    assertThat(empty.out()).startsWith("The store has nothing about hubspot-demo:hs-104:");
  }

  @Test
  void explainRefusesAContactThatIsNotConnectionColonId() {
    for (String contact : List.of("hs-104", ":hs-104", "hubspot-demo:")) {
      CommandRun run = explain(contact);

      assertThat(run.exitCode()).as(contact).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).isEqualTo("--contact must be CONNECTION:CRM_ID, such as hubspot:1001, got '" + contact
          + "'" + System.lineSeparator());
    }
  }

  @Test
  void explainNamesTheConnectionsWhenItDoesNotKnowTheOneGiven() {
    CommandRun run = explain("hubspot:hs-104");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("no connection named 'hubspot' in " + config
        + "; connections: hubspot-demo, salesforce-demo" + System.lineSeparator());
  }

  @Test
  void explainWithoutContactIsAUsageError() {
    CommandRun run = run(env, "explain", "--config", config.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required option: '--contact=CONNECTION:CRM_ID'");
  }

  // ---- simulate ----

  @Test
  void simulateListsWhoWouldBeSurveyedWhenAndWhoNotByWhichRule() {
    CommandRun run = simulate("7");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out().lines()).containsExactly(
        "Simulation of the next 7 days, 2026-03-10 14:00 UTC to 2026-03-17 14:00 UTC, from the data in the store. "
            + "Nothing was stored, scheduled or sent.",
        "",
        "Would be surveyed (2):",
        "  SEND AT               CONTACT                            TRIGGER        WHY",
        "  2026-03-12 13:00 UTC  hubspot-demo:hs-101 Lena Fischer   post-purchase  already scheduled",
        "  2026-03-13 12:50 UTC  hubspot-demo:hs-106 Noah Hoffmann  post-purchase  after event deal-9005",
        "",
        "Would not be surveyed (3):",
        "  DECIDED AT            CONTACT                          TRIGGER        RULE             REASON",
        "  2026-03-10 14:00 UTC  hubspot-demo:hs-102 Jonas Weber  post-ticket    opt-out          the contact opted "
            + "out of e-mail in the CRM",
        "  2026-03-10 14:00 UTC  hubspot-demo:hs-105 Emma Wagner  post-purchase  filter           filter "
            + "'amount >= 1000' not met: amount is 400",
        // stored an hour before NOW, given up 24 hours later by the engine's pass (every minute) at that time
        "  2026-03-11 13:00 UTC  hubspot-demo:hs-999              post-purchase  unknown-contact  the CRM did not "
            + "return contact hs-999 within 24 hours of the event",
        "",
        "By rule: filter 1, opt-out 1, unknown-contact 1");
  }

  @Test
  void simulateOfOneDayLeavesOutWhatComesLater() {
    CommandRun run = simulate("1");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Simulation of the next 1 day, 2026-03-10 14:00 UTC to 2026-03-11 14:00 UTC",
            "Would be surveyed (0):\n  (none)".replace("\n", System.lineSeparator()),
            "hubspot-demo:hs-102 Jonas Weber", "hubspot-demo:hs-105 Emma Wagner",
            // the engine gives hs-999 up 24 hours after the sync that stored its event, an hour before NOW
            "2026-03-11 13:00 UTC  hubspot-demo:hs-999")
        .doesNotContain("Lena Fischer", "Noah Hoffmann");
  }

  @Test
  void simulateStoresNothing() {
    CommandRun first = simulate("7");
    CommandRun second = simulate("7");

    assertThat(second.out()).isEqualTo(first.out());
    assertThat(explain("hubspot-demo:hs-106").out().lines()).as("Noah's event is still undecided").containsExactly(
        "hubspot-demo:hs-106 — Noah Hoffmann <noah.hoffmann@example.com>, time zone Europe/Berlin (connection "
            + "default), language de",
        "  2026-03-10 12:50:00 UTC  event       purchase deal-9005 (amount=1200)");
  }

  @Test
  void simulateOnAnEmptyStoreSaysNobodyWouldBeSurveyedAndWhatToDo() {
    emptyStore("empty-simulate");
    CommandRun run = run(environment("empty-simulate"), "simulate", "--config", config.toString(), "--days", "7");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly(
        "Simulation of the next 7 days, 2026-03-10 14:00 UTC to 2026-03-17 14:00 UTC, from the data in the store. "
            + "Nothing was stored, scheduled or sent.",
        "",
        "Nobody would be surveyed: there are no waiting invitations, no events the triggers have not decided on, "
            + "and no contact due for a relationship survey. If the connector has not synced yet, run it (or the "
            + "demo) first.");
  }

  @Test
  void explainAndSimulateOnAStorePathWithNoStoreSayWhichFileIsMissingAndCreateNothing() {
    for (List<String> command : List.of(List.of("explain", "--contact", "hubspot-demo:hs-104"),
        List.of("simulate", "--days", "7"))) {
      List<String> args = new java.util.ArrayList<>(command);
      args.addAll(List.of("--config", config.toString()));
      CommandRun run = run(environment("misspelt"), args.toArray(String[]::new));

      assertThat(run.exitCode()).as(command.get(0)).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err().strip()).as(command.get(0)).isEqualTo("no store at "
          + dir.resolve("misspelt").resolve("npsconnector.mv.db").toAbsolutePath().normalize() + " (store.path in "
          + config + "): nothing has run on this configuration yet; start the connector (run) or the demo first, "
          + "or correct store.path");
      assertThat(dir.resolve("misspelt")).as("nothing created").doesNotExist();
    }
  }

  @Test
  void simulateRefusesDaysOutsideOneTo366() {
    for (String days : List.of("0", "-3", "367")) {
      CommandRun run = simulate(days);

      assertThat(run.exitCode()).as(days).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).isEqualTo("--days must be from 1 to 366, got " + days + System.lineSeparator());
    }
  }

  @Test
  void simulateWithDaysThatAreNotANumberIsAUsageError() {
    CommandRun run = simulate("seven");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Invalid value for option '--days': 'seven' is not an int");
  }

  // ---- the store, as the engine leaves it ----

  /**
   * Feeds the store through the real engine, moving the clock as the days pass:
   * <ul>
   *   <li>hs-104 Paul Becker bought on 2026-02-28, was surveyed on 2026-03-03, answered 3 with a comment,
   *       and the write-backs went out;
   *   <li>on 2026-03-09 the CRM returns Lena Fischer (buys, is invited), Jonas Weber (buys, opted out), Mia
   *       Schneider (a ticket, no e-mail address), Emma Wagner (chosen for the relationship survey, sent);
   *       and on salesforce-demo Olivia Brown (a low-priority case, then the relationship survey, sent);
   *   <li>an hour before {@link #NOW} a sync stores new events and the process stops before the trigger pass:
   *       Emma buys for 400, Jonas's ticket closes, Noah Hoffmann, new, buys for 1200, and a deal names hs-999,
   *       a contact the CRM has not returned.
   * </ul>
   */
  static void feedTheStore() {
    NpsConfig loaded = ConfigLoader.load(config, env);
    TestClock clock = new TestClock(Instant.parse("2026-02-28T14:00:00Z"));
    FakeCrmAdapter hubspot = FakeCrmAdapter.builder().connection(HUBSPOT).clock(clock).build();
    FakeCrmAdapter salesforce = FakeCrmAdapter.builder().connection(SALESFORCE).clock(clock).build();
    RecordingChannel email = new RecordingChannel();
    boolean[] stopAfterStoring = {false};
    EngineHooks hooks = point -> {
      if (stopAfterStoring[0] && point.equals(EngineHooks.SYNC_STORED)) {
        throw new ProcessStopped();
      }
    };
    Map<String, CrmAdapter> crms = Map.of(HUBSPOT, hubspot, SALESFORCE, salesforce);
    com.google.inject.Module fakes = binder -> {
      binder.bind(Clock.class).toInstance(clock);
      binder.bind(AdapterFactory.class).toInstance((config, connection, time) -> crms.get(connection.name()));
      binder.bind(new TypeLiteral<List<Channel>>() { }).toInstance(List.of(email));
      binder.bind(EngineHooks.class).toInstance(hooks);
      binder.bind(EngineSettings.class).toInstance(EngineSettings.defaults().withWritebackRetryWait(Duration.ZERO));
    };
    try (Composition app = Composition.of(loaded, fakes)) {
      Database database = app.get(Database.class);
      Engine engine = app.get(Engine.class);
      InvitationRepository invitations = new InvitationRepository(database.jdbi());

      hubspot.putContact(person("hs-104", "Paul", "Becker", "paul.becker@rheinland.example", 1)
          .account("c-700", "Rheinland AG").ownerId("owner-17").build());
      hubspot.addEvent(new InteractionEvent("deal-9001", EventKind.PURCHASE, clock.instant().minus(Duration.ofHours(1)),
          List.of("hs-104"), Map.of("amount", "4800")));
      engine.syncAndTrigger(HUBSPOT);
      Invitation paul = scheduled(invitations, HUBSPOT, "hs-104");
      clock.set(paul.sendAt());
      assertThat(engine.send(paul.id())).isEqualTo("SENT");
      clock.set(Instant.parse("2026-03-04T09:30:00Z"));
      engine.answer(paul.id(), 3, Optional.of("Delivery took three weeks"));
      clock.advance(Duration.ofMinutes(10));
      assertThat(engine.flushWritebacks(HUBSPOT).failed()).isZero();

      clock.set(Instant.parse("2026-03-09T14:00:00Z"));
      hubspot.putContact(person("hs-101", "Lena", "Fischer", "lena.fischer@nordwind.example", 2)
          .account("c-701", "Nordwind GmbH").build());
      hubspot.putContact(person("hs-102", "Jonas", "Weber", "jonas.weber@example.com", 3).emailOptOut(true).build());
      hubspot.putContact(person("hs-103", "Mia", "Schneider", null, 4).build());
      hubspot.putContact(person("hs-105", "Emma", "Wagner", "emma.wagner@suedwerk.example", 5)
          .account("c-702", "Südwerk KG").build());
      hubspot.addEvent(new InteractionEvent("deal-9002", EventKind.PURCHASE, clock.instant().minus(Duration.ofHours(1)),
          List.of("hs-101"), Map.of("amount", "2500")));
      hubspot.addEvent(new InteractionEvent("deal-9003", EventKind.PURCHASE, clock.instant().minus(Duration.ofHours(2)),
          List.of("hs-102"), Map.of("amount", "1800")));
      hubspot.addEvent(new InteractionEvent("ticket-501", EventKind.SUPPORT, clock.instant().minus(Duration.ofHours(3)),
          List.of("hs-103"), Map.of("priority", "High")));
      engine.syncAndTrigger(HUBSPOT);
      assertThat(engine.send(scheduled(invitations, HUBSPOT, "hs-105").id())).isEqualTo("SENT");

      salesforce.putContact(Contact.builder("003Dn00000OLIVIA", Instant.parse("2026-01-15T10:00:00Z"))
          .email("olivia.brown@blueharbor.example").firstName("Olivia").lastName("Brown")
          .timeZone(ZoneId.of("America/New_York")).account("001Dn0000ACME", "Blue Harbor Inc").build());
      salesforce.addEvent(new InteractionEvent("500Dn000CASE1", EventKind.SUPPORT,
          clock.instant().minus(Duration.ofHours(5)), List.of("003Dn00000OLIVIA"), Map.of("priority", "Low")));
      engine.syncAndTrigger(SALESFORCE);
      assertThat(engine.send(scheduled(invitations, SALESFORCE, "003Dn00000OLIVIA").id())).isEqualTo("SENT");

      clock.set(NOW.minus(Duration.ofHours(1)));
      hubspot.putContact(person("hs-106", "Noah", "Hoffmann", "noah.hoffmann@example.com", 6).build());
      hubspot.addEvent(new InteractionEvent("deal-9004", EventKind.PURCHASE,
          clock.instant().minus(Duration.ofMinutes(30)), List.of("hs-105"), Map.of("amount", "400")));
      hubspot.addEvent(new InteractionEvent("ticket-502", EventKind.SUPPORT,
          clock.instant().minus(Duration.ofMinutes(20)), List.of("hs-102"), Map.of("priority", "Medium")));
      hubspot.addEvent(new InteractionEvent("deal-9005", EventKind.PURCHASE,
          clock.instant().minus(Duration.ofMinutes(10)), List.of("hs-106"), Map.of("amount", "1200")));
      hubspot.addEvent(new InteractionEvent("deal-9006", EventKind.PURCHASE,
          clock.instant().minus(Duration.ofMinutes(5)), List.of("hs-999"), Map.of("amount", "3000")));
      stopAfterStoring[0] = true;
      // the events are stored; no trigger pass decides on them
      assertThatThrownBy(() -> engine.syncAndTrigger(HUBSPOT)).isInstanceOf(ProcessStopped.class);
    }
  }

  /** Thrown at a hook to stand for the process stopping there. */
  private static final class ProcessStopped extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  private static Contact.Builder person(String id, String first, String last, String email, int minute) {
    return Contact.builder(id, Instant.parse("2026-01-15T10:00:00Z").plus(Duration.ofMinutes(minute)))
        .firstName(first).lastName(last).email(email).locale(Locale.GERMAN);
  }

  private static Invitation scheduled(InvitationRepository invitations, String connection, String contactId) {
    return invitations.forContact(connection, contactId).stream()
        .filter(invitation -> invitation.state() == InvitationState.SCHEDULED).findFirst().orElseThrow();
  }

  /** A store with the schema and nothing in it, as a connector that never synced leaves it. */
  private static void emptyStore(String store) {
    Database.open(new StoreConfig.H2(dir.resolve(store).resolve("npsconnector"))).close();
  }

  private static Map<String, String> environment(String store) {
    return Map.of("NPS_TEST_STORE", dir.resolve(store).resolve("npsconnector").toString(),
        "NPS_TOKEN_SECRET", "test-only-token-secret-0123456789abcdef");
  }

  private static CommandRun explain(String contact) {
    return run(env, "explain", "--config", config.toString(), "--contact", contact);
  }

  private static CommandRun simulate(String days) {
    return run(env, "simulate", "--config", config.toString(), "--days", days);
  }

  /** Runs the command line in-process, {@code simulate} with its clock standing at {@link #NOW}. */
  private static CommandRun run(Map<String, String> environment, String... args) {
    CommandLine commandLine = NpsConnectorCommand.commandLine(environment);
    ((SimulateCommand) commandLine.getSubcommands().get("simulate").getCommand()).clock =
        Clock.fixed(NOW, ZoneOffset.UTC);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new CommandRun(exitCode, out.toString(), err.toString());
  }
}
