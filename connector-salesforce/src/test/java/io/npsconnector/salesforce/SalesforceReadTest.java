package io.npsconnector.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.salesforce.testing.SoapOrg;

/** Reads against the org stand-in: the SOQL sent, the records returned, the calls made. */
class SalesforceReadTest {
  private static final Instant DAY = Instant.parse("2025-01-15T10:30:00Z");
  private final OrgFixture fixture = new OrgFixture();
  private final SoapOrg org = fixture.org;

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void firstSyncSelectsTheMappedFieldsOverAWindowEndingBehindNowInModstampOrder() {
    fixture.connectionSettings("""
            segments:
              industry: Account.Industry
              region: MailingCountry
        """);
    contact(1, DAY, Map.of("Email", "ada@example.com", "FirstName", "Ada", "LastName", "Lovelace",
        "AccountId", id("001", 1), "Account.Name", "Analytical Engines Ltd", "Account.Industry", "Machinery",
        "MailingCountry", "GB", "OwnerId", id("005", 7), "HasOptedOutOfEmail", "false", "Phone", "+44 20 7946 0000"));

    ChangePage page = fixture.adapter().readChanges(SyncCursor.START);

    assertThat(org.soql().get(0)).isEqualTo("SELECT Id, IsDeleted, SystemModstamp, Email, FirstName, LastName, "
        + "Phone, HasOptedOutOfEmail, OwnerId, AccountId, Account.Name, Account.Industry, MailingCountry "
        + "FROM Contact WHERE SystemModstamp < 2025-01-20T11:58:00Z ORDER BY SystemModstamp, Id");
    assertThat(org.calls("queryAll")).isEqualTo(1);
    Contact ada = page.contacts().get(0);
    assertThat(ada.crmId()).isEqualTo(id("003", 1));
    assertThat(ada.email()).contains("ada@example.com");
    assertThat(ada.displayName()).isEqualTo("Ada Lovelace");
    assertThat(ada.accountId()).contains(id("001", 1));
    assertThat(ada.accountName()).contains("Analytical Engines Ltd");
    assertThat(ada.ownerId()).contains(id("005", 7));
    assertThat(ada.phone()).contains("+44 20 7946 0000");
    assertThat(ada.segments()).containsOnly(Map.entry("industry", "Machinery"), Map.entry("region", "GB"));
    assertThat(ada.modifiedAt()).isEqualTo(DAY);
    assertThat(ada.deleted()).isFalse();
  }

  @Test
  void valuesWithQuotesBackslashesAndMarkupArriveAsWritten() {
    String name = "O'Brien \\ \"Sons\" <&> Ünal";
    contact(1, DAY, Map.of("LastName", name, "HasOptedOutOfEmail", "true"));

    Contact contact = fixture.adapter().readChanges(SyncCursor.START).contacts().get(0);

    assertThat(contact.lastName()).contains(name);
    assertThat(contact.email()).isEmpty();
    assertThat(contact.emailOptOut()).isTrue();
    assertThat(contact.accountId()).isEmpty();
  }

  @Test
  void deletedContactsComeThroughQueryAllMarkedDeleted() {
    contact(1, DAY, Map.of("Email", "gone@example.com"));
    org.delete("Contact", id("003", 1), DAY.plusSeconds(60));

    Contact contact = fixture.adapter().readChanges(SyncCursor.START).contacts().get(0);

    assertThat(contact.deleted()).isTrue();
    assertThat(org.calls("query")).isZero();
  }

  @Test
  void fiveThousandContactsAreReadInThreeCallsOfTwoThousand() {
    for (int i = 0; i < 5000; i++) {
      contact(i, DAY.plusSeconds(i % 50), Map.of("Email", "person-" + i + "@example.com"));
    }
    List<ChangePage> pages = readPass(SyncCursor.START);

    assertThat(pages.stream().mapToInt(page -> page.contacts().size()).sum()).isEqualTo(5000);
    assertThat(pages.stream().flatMap(page -> page.contacts().stream()).map(Contact::crmId).distinct()).hasSize(5000);
    Map<String, Integer> contactCalls = new HashMap<>(org.callsByOperation());
    assertThat(contactCalls).containsEntry("queryAll", 1).containsEntry("queryMore", 2);
    // the whole first pass: 3 contact pages, then one query each for opportunities and cases (no roles yet)
    assertThat(org.totalCalls()).isEqualTo(5);
    assertThat(pages.stream().mapToInt(ChangePage::apiCalls).sum()).isEqualTo(5);
  }

  @Test
  void anIncrementalSyncWithNothingNewCostsOneCallPerObjectAndReturnsTheSameCursor() {
    contact(1, DAY, Map.of("Email", "ada@example.com"));
    List<ChangePage> first = readPass(SyncCursor.START);
    SyncCursor end = first.get(first.size() - 1).next();
    fixture.clock.advance(Duration.ofMinutes(10));
    int before = org.totalCalls();

    ChangePage idle = fixture.adapter().readChanges(end);

    assertThat(idle.contacts()).isEmpty();
    assertThat(idle.events()).isEmpty();
    assertThat(idle.hasMore()).isFalse();
    assertThat(idle.next()).isEqualTo(end);
    assertThat(org.totalCalls() - before).isEqualTo(4);
    assertThat(idle.apiCalls()).isEqualTo(4);
    List<String> last = org.soql().subList(org.soql().size() - 4, org.soql().size());
    assertThat(last).extracting(soql -> soql.replaceAll(".* FROM (\\w+) WHERE.*", "$1"))
        .containsExactly("Contact", "Opportunity", "OpportunityContactRole", "Case");
    assertThat(last).allSatisfy(soql -> assertThat(soql)
        .contains("SystemModstamp >= 2025-01-20T11:58:00Z AND SystemModstamp < 2025-01-20T12:08:00Z"));
  }

  @Test
  void wonOpportunitiesBringTheirPrimaryContactRoleByDefault() {
    contact(1, DAY, Map.of());
    contact(2, DAY, Map.of());
    org.put("Opportunity", id("006", 1), DAY.plusSeconds(30), Map.of("Name", "Big Deal", "IsWon", "true",
        "StageName", "Closed Won", "Amount", "25000.0", "CloseDate", "2025-01-15", "AccountId", id("001", 1)));
    org.put("Opportunity", id("006", 2), DAY.plusSeconds(40), Map.of("Name", "Lost", "IsWon", "false",
        "CloseDate", "2025-01-15"));
    role(1, 1, 1, true);
    role(2, 1, 2, false);
    role(3, 2, 1, true);

    List<InteractionEvent> events = events(readPass(SyncCursor.START));

    assertThat(events).hasSize(1);
    InteractionEvent won = events.get(0);
    assertThat(won.kind()).isEqualTo(EventKind.PURCHASE);
    assertThat(won.crmId()).isEqualTo(id("006", 1));
    assertThat(won.contactIds()).containsExactly(id("003", 1));
    assertThat(won.occurredAt()).isEqualTo(DAY.plusSeconds(30));
    assertThat(won.attributes()).containsEntry("amount", "25000.0").containsEntry("stage", "Closed Won")
        .containsEntry("name", "Big Deal");
    assertThat(new SalesforceProvider().eventAttributes().of(EventKind.PURCHASE).orElseThrow())
        .as("what the provider declares for filters").containsKeys(won.attributes().keySet().toArray(String[]::new));
    assertThat(org.soql()).anySatisfy(soql -> assertThat(soql).startsWith("SELECT Id, Name, Amount, StageName, Type, "
        + "LeadSource, CloseDate, AccountId, SystemModstamp, (SELECT ContactId, IsPrimary, Role FROM "
        + "OpportunityContactRoles WHERE IsPrimary = true ORDER BY ContactId) FROM Opportunity WHERE IsWon = true"));
  }

  @Test
  void everyContactRoleCountsWhenConfigured() {
    fixture.connectionSettings("    contact-roles: all\n");
    contact(1, DAY, Map.of());
    contact(2, DAY, Map.of());
    org.put("Opportunity", id("006", 1), DAY, Map.of("IsWon", "true", "CloseDate", "2025-01-15"));
    role(1, 1, 1, true);
    role(2, 1, 2, false);

    List<InteractionEvent> events = events(readPass(SyncCursor.START));

    assertThat(events).singleElement().satisfies(event ->
        assertThat(event.contactIds()).containsExactly(id("003", 1), id("003", 2)));
  }

  @Test
  void contactRolesBeyondTheFirstSubQueryPageAreFetchedWithQueryMore() {
    fixture.connectionSettings("    contact-roles: all\n");
    org.subPageSize(2);
    for (int i = 1; i <= 5; i++) {
      contact(i, DAY, Map.of());
      role(i, 1, i, i == 1);
    }
    org.put("Opportunity", id("006", 1), DAY, Map.of("IsWon", "true", "CloseDate", "2025-01-15"));

    List<InteractionEvent> events = events(readPass(SyncCursor.START));

    assertThat(events).singleElement().satisfies(event -> assertThat(event.contactIds())
        .containsExactly(id("003", 1), id("003", 2), id("003", 3), id("003", 4), id("003", 5)));
    assertThat(org.calls("queryMore")).as("two more sub-query pages of the roles").isEqualTo(2);
  }

  @Test
  void aWonOpportunityEditedLongAfterItsCloseDateHappenedOnItsCloseDate() {
    contact(1, DAY, Map.of());
    org.put("Opportunity", id("006", 1), DAY, Map.of("IsWon", "true", "CloseDate", "2024-11-02"));
    role(1, 1, 1, true);

    InteractionEvent event = events(readPass(SyncCursor.START)).get(0);

    assertThat(event.occurredAt()).isEqualTo(Instant.parse("2024-11-02T23:59:59Z"));
  }

  @Test
  void aContactRoleAddedAfterTheWinIsReadInTheNextSync() {
    contact(1, DAY, Map.of());
    contact(2, DAY, Map.of());
    org.put("Opportunity", id("006", 1), DAY, Map.of("IsWon", "true", "CloseDate", "2025-01-15", "Amount", "10"));
    role(1, 1, 1, true);
    List<ChangePage> first = readPass(SyncCursor.START);
    fixture.clock.advance(Duration.ofHours(1));
    org.put("OpportunityContactRole", id("00K", 2), OrgFixture.NOW.plusSeconds(60), Map.of(
        "OpportunityId", id("006", 1), "ContactId", id("003", 2), "IsPrimary", "true", "Role", "Buyer"));

    List<InteractionEvent> later = events(readPass(first.get(first.size() - 1).next()));

    assertThat(later).singleElement().satisfies(event -> {
      assertThat(event.crmId()).isEqualTo(id("006", 1));
      assertThat(event.contactIds()).containsExactly(id("003", 2));
      assertThat(event.occurredAt()).isEqualTo(DAY);
      assertThat(event.attributes()).containsEntry("amount", "10");
    });
    assertThat(org.soql()).anySatisfy(soql -> assertThat(soql).startsWith("SELECT Id, ContactId, IsPrimary, Role, "
        + "SystemModstamp, OpportunityId, Opportunity.Name").contains("FROM OpportunityContactRole WHERE "
        + "Opportunity.IsWon = true AND Opportunity.SystemModstamp < 2025-01-20T11:58:00Z AND IsPrimary = true"));
  }

  @Test
  void closedCasesWithAContactBecomeSupportEvents() {
    contact(1, DAY, Map.of());
    org.put("Case", id("500", 1), DAY, Map.of("IsClosed", "true", "ContactId", id("003", 1),
        "ClosedDate", "2025-01-15T09:12:00.000Z", "Origin", "Phone", "Priority", "High", "CaseNumber", "00001026"));
    org.put("Case", id("500", 2), DAY, Map.of("IsClosed", "false", "ContactId", id("003", 1)));
    org.put("Case", id("500", 3), DAY, Map.of("IsClosed", "true"));

    List<InteractionEvent> events = events(readPass(SyncCursor.START));

    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.kind()).isEqualTo(EventKind.SUPPORT);
      assertThat(event.crmId()).isEqualTo(id("500", 1));
      assertThat(event.contactIds()).containsExactly(id("003", 1));
      assertThat(event.occurredAt()).isEqualTo(Instant.parse("2025-01-15T09:12:00Z"));
      assertThat(event.attributes()).containsEntry("origin", "Phone").containsEntry("priority", "High")
          .containsEntry("case-number", "00001026");
      assertThat(new SalesforceProvider().eventAttributes().of(EventKind.SUPPORT).orElseThrow())
          .as("what the provider declares for filters").containsKeys(event.attributes().keySet()
              .toArray(String[]::new));
    });
    assertThat(org.soql()).anySatisfy(soql -> assertThat(soql)
        .contains("FROM Case WHERE IsClosed = true AND ContactId != null AND SystemModstamp <"));
  }

  @Test
  void anExpiredQueryLocatorRestartsFromTheLastRecordHandedOutWithoutRepeatingIt() {
    org.pageSize(3);
    for (int i = 0; i < 8; i++) {
      contact(i, DAY.plusSeconds(i / 4), Map.of()); // 4 contacts share each second: a page ends inside one
    }
    ChangePage first = fixture.adapter().readChanges(SyncCursor.START);
    org.expireLocators();

    List<ChangePage> rest = readPass(first.next());

    List<String> ids = new ArrayList<>(first.contacts().stream().map(Contact::crmId).toList());
    rest.forEach(page -> page.contacts().forEach(contact -> ids.add(contact.crmId())));
    assertThat(ids).hasSize(8).doesNotHaveDuplicates();
    assertThat(org.soql().get(1)).contains("WHERE SystemModstamp < 2025-01-20T11:58:00Z AND SystemModstamp >= "
        + "2025-01-15T10:30:00Z ORDER BY SystemModstamp, Id");
    assertThat(org.calls("queryAll")).as("the query was made again once").isEqualTo(2);
  }

  @Test
  void anUnknownSegmentFieldNamesItsConfigurationKey() {
    fixture.connectionSettings("""
            segments:
              industry: Acount.Industry
        """);
    org.failNext("queryAll", "INVALID_FIELD", "\nAccount.Name, Acount.Industry FROM Contact\n ^\nERROR at Row:1:Column:95\n"
        + "Didn't understand relationship 'Acount' in field path. If you are attempting to use a custom relationship, "
        + "be sure to append the '__r' after the custom relationship name.");

    assertThatThrownBy(() -> fixture.adapter().readChanges(SyncCursor.START))
        .isInstanceOf(CrmException.Data.class)
        .satisfies(e -> assertThat(((CrmException.Data) e).vendorCode()).isEqualTo("INVALID_FIELD"))
        .hasMessageStartingWith("sf: read contacts changed since the last sync: INVALID_FIELD: "
            + "connections.sf.segments.industry names 'Acount.Industry', which Contact does not have")
        .hasMessageContaining("Didn't understand relationship 'Acount'");
  }

  @Test
  void aMalformedQueryIsAPermanentDataError() {
    org.failNext("queryAll", "MALFORMED_QUERY");

    assertThatThrownBy(() -> fixture.adapter().readChanges(SyncCursor.START))
        .isInstanceOf(CrmException.Data.class)
        .hasMessageContaining("sf: read contacts changed since the last sync: MALFORMED_QUERY");
  }

  @Test
  void printsTheTimeOfATenThousandContactSync() {
    fixture.connectionSettings("    segments:\n      industry: Account.Industry\n      region: MailingCountry\n");
    for (int i = 0; i < 10_000; i++) {
      contact(i, DAY.plusSeconds(i % 97), Map.of("Email", "c" + i + "@example.com", "FirstName", "C" + i,
          "LastName", "Person", "AccountId", id("001", i % 500), "Account.Name", "Account " + i % 500,
          "Account.Industry", "Software", "MailingCountry", "DE", "OwnerId", id("005", i % 20),
          "HasOptedOutOfEmail", "false"));
    }
    long started = System.nanoTime();

    List<ChangePage> pages = readPass(SyncCursor.START);

    long millis = (System.nanoTime() - started) / 1_000_000;
    int calls = pages.stream().mapToInt(ChangePage::apiCalls).sum();
    System.out.printf("10,000-contact first sync against WireMock: %d ms, %d API calls %s, %d pages%n", millis,
        calls, org.callsByOperation(), pages.size());
    assertThat(pages.stream().mapToInt(page -> page.contacts().size()).sum()).isEqualTo(10_000);
    // 5 contact pages of 2,000 (queryAll and 4 queryMore), one query each for opportunities and cases
    assertThat(calls).isEqualTo(7);
    assertThat(org.totalCalls()).isEqualTo(7);
  }

  // ---- helpers ----

  private List<ChangePage> readPass(SyncCursor from) {
    SalesforceAdapter adapter = fixture.adapter();
    List<ChangePage> pages = new ArrayList<>();
    SyncCursor cursor = from;
    for (int i = 0; i < 1000; i++) {
      ChangePage page = adapter.readChanges(cursor);
      pages.add(page);
      if (!page.hasMore()) {
        return pages;
      }
      cursor = page.next();
    }
    throw new AssertionError("no end after 1000 pages");
  }

  private static List<InteractionEvent> events(List<ChangePage> pages) {
    return pages.stream().flatMap(page -> page.events().stream()).toList();
  }

  private void contact(int number, Instant stamp, Map<String, String> fields) {
    org.put("Contact", id("003", number), stamp, fields);
  }

  private void role(int number, int opportunity, int contact, boolean primary) {
    org.put("OpportunityContactRole", id("00K", number), DAY, Map.of("OpportunityId", id("006", opportunity),
        "ContactId", id("003", contact), "IsPrimary", Boolean.toString(primary), "Role", "Decision Maker"));
  }

  static String id(String prefix, long number) {
    return SoapOrg.id(prefix, number);
  }
}
