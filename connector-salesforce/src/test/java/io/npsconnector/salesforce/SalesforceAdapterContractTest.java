package io.npsconnector.salesforce;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import org.junit.jupiter.api.AfterEach;

import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.core.testing.CrmAdapterContractTest;
import io.npsconnector.salesforce.testing.SoapOrg;

/**
 * The shared adapter contract against the org stand-in: contacts, won opportunities with their contact
 * roles and closed cases answered to the reader's SOQL in pages of four, updates and creates answered per
 * record.
 */
class SalesforceAdapterContractTest extends CrmAdapterContractTest {
  private static final int PAGE_SIZE = 4;
  private final OrgFixture fixture = new OrgFixture().connectionSettings("    contact-roles: all\n");
  private final SoapOrg org = fixture.org.pageSize(PAGE_SIZE);
  private SalesforceAdapter adapter;
  private int role;

  OrgFixtureClock clock = new OrgFixtureClock();

  /** Keeps the fixture's clock a while after the latest change given, as a real clock is. */
  final class OrgFixtureClock {
    void after(Instant latest) {
      Instant wanted = latest.plus(Duration.ofMinutes(10));
      if (fixture.clock.instant().isBefore(wanted)) {
        fixture.clock.set(wanted);
      }
    }
  }

  SalesforceAdapterContractTest() {
    fixture.clock.set(T0);
  }

  @AfterEach
  void stop() {
    if (adapter != null) {
      adapter.close();
    }
    fixture.close();
  }

  @Override
  protected CrmAdapter adapter() {
    if (adapter == null) {
      adapter = fixture.adapter();
    }
    return adapter;
  }

  @Override
  protected int pageSize() {
    return PAGE_SIZE;
  }

  @Override
  protected void givenContacts(List<Contact> contacts) {
    for (Contact contact : contacts) {
      Map<String, String> fields = new HashMap<>();
      contact.email().ifPresent(value -> fields.put("Email", value));
      contact.firstName().ifPresent(value -> fields.put("FirstName", value));
      contact.lastName().ifPresent(value -> fields.put("LastName", value));
      contact.accountId().ifPresent(value -> {
        fields.put("AccountId", value);
        org.put("Account", value, contact.modifiedAt(), Map.of("Name", contact.accountName().orElse("")));
      });
      contact.accountName().ifPresent(value -> fields.put("Account.Name", value));
      fields.put("HasOptedOutOfEmail", Boolean.toString(contact.emailOptOut()));
      org.put("Contact", contact.crmId(), contact.modifiedAt(), fields);
      clock.after(contact.modifiedAt());
    }
  }

  @Override
  protected void givenEvents(List<InteractionEvent> events) {
    for (InteractionEvent event : events) {
      Instant at = event.occurredAt();
      if (event.kind() == EventKind.PURCHASE) {
        org.put("Opportunity", event.crmId(), at, Map.of("IsWon", "true", "StageName", "Closed Won",
            "CloseDate", at.atZone(ZoneOffset.UTC).toLocalDate().toString()));
        for (String contactId : event.contactIds()) {
          org.put("OpportunityContactRole", SoapOrg.id("00K", ++role), at,
              Map.of("OpportunityId", event.crmId(), "ContactId", contactId, "IsPrimary",
                  Boolean.toString(contactId.equals(event.contactIds().get(0))), "Role", "Buyer"));
        }
      } else {
        org.put("Case", event.crmId(), at, Map.of("IsClosed", "true", "ContactId", event.contactIds().get(0),
            "ClosedDate", at.toString()));
      }
      clock.after(at);
    }
  }

  @Override
  protected String givenWriteFailure(WriteRequest request, boolean retriable) {
    String id = ((WriteRequest.ContactNps) request).contactId();
    String code = retriable ? "UNABLE_TO_LOCK_ROW" : "FIELD_CUSTOM_VALIDATION_EXCEPTION";
    org.failRecord(id, code, -1);
    return code;
  }

  @Override
  protected int crmRequestCount() {
    return org.totalCalls();
  }

  @Override
  protected Optional<CrmContactNps> crmContactNps(String contactId) {
    Map<String, String> contact = fields("Contact", contactId);
    if (!contact.containsKey("NPS_Score__c")) {
      return Optional.empty();
    }
    return Optional.of(new CrmContactNps((int) Double.parseDouble(contact.get("NPS_Score__c")),
        contact.get("NPS_Category__c").toLowerCase(Locale.ROOT), LocalDate.parse(contact.get("NPS_Last_Response_Date__c")),
        Optional.ofNullable(contact.get("NPS_Last_Comment__c"))));
  }

  @Override
  protected Optional<CrmAccountNps> crmAccountNps(String accountId) {
    Map<String, String> account = fields("Account", accountId);
    if (!account.containsKey("NPS_Response_Count__c")) {
      return Optional.empty();
    }
    String nps = account.get("NPS_Account_Score__c");
    return Optional.of(new CrmAccountNps(nps == null ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(nps)),
        (int) Double.parseDouble(account.get("NPS_Response_Count__c"))));
  }

  @Override
  protected List<CrmTask> crmTasks(String contactId) {
    return tasksOf(contactId, "Not Started").stream().map(task -> new CrmTask(SoapOrg.field(task, "Subject"),
        Optional.ofNullable(SoapOrg.field(task, "OwnerId")), LocalDate.parse(SoapOrg.field(task, "ActivityDate"))))
        .toList();
  }

  @Override
  protected List<String> crmTimeline(String contactId) {
    // a completed Task is an entry of the contact's activity history
    return tasksOf(contactId, "Completed").stream()
        .map(task -> SoapOrg.field(task, "Subject") + "\n" + SoapOrg.field(task, "Description")).toList();
  }

  private List<SoapOrg.Rec> tasksOf(String contactId, String status) {
    return org.records("Task").stream().filter(task -> contactId.equals(SoapOrg.field(task, "WhoId"))
        && status.equals(SoapOrg.field(task, "Status"))).toList();
  }

  private Map<String, String> fields(String type, String id) {
    Map<String, String> fields = new HashMap<>();
    org.get(type, id).ifPresent(rec -> List.of("NPS_Score__c", "NPS_Category__c", "NPS_Last_Response_Date__c",
        "NPS_Last_Comment__c", "NPS_Account_Score__c", "NPS_Response_Count__c").forEach(name -> {
          String value = SoapOrg.field(rec, name);
          if (value != null) {
            fields.put(name, value);
          }
        }));
    return fields;
  }

  @Override
  protected String ownerId() {
    return "005000000000001AAA";
  }

  @Override
  protected String contactId(int index) {
    return SoapOrg.id("003", index);
  }

  @Override
  protected String accountId(int index) {
    return SoapOrg.id("001", index);
  }

  @Override
  protected String eventId(int index) {
    return SoapOrg.id("006", index);
  }
}
