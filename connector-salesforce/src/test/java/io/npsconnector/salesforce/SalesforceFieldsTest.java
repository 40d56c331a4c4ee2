package io.npsconnector.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sforce.soap.partner.DescribeSObjectResult;
import com.sforce.soap.partner.Field;
import com.sforce.soap.partner.FieldType;

import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.FieldReport;
import io.npsconnector.core.spi.FieldReport.State;

/** The describe-based field check and the install instructions, against the org stand-in. */
class SalesforceFieldsTest {
  private final OrgFixture fixture = new OrgFixture();

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void anOrgWithEveryFieldPassesTheCheckInOneDescribeCall() {
    fixture.org.describe(contact(Set.of(), Set.of()), account(Set.of()), task(Set.of()), response(Set.of(), Set.of()));

    ConnectionCheck check = fixture.adapter().check();

    assertThat(check.problems()).isEmpty();
    assertThat(check.ok()).isTrue();
    assertThat(fixture.org.callsByOperation()).containsExactlyEntriesOf(java.util.Map.of("describeSObjects", 1));
  }

  @Test
  void theCheckNamesEveryMissingOrReadOnlyField() {
    fixture.org.describe(contact(Set.of("NPS_Score__c", "NPS_Last_Comment__c"), Set.of("NPS_Category__c")),
        account(Set.of("NPS_Response_Count__c")), task(Set.of("ActivityDate")), response(Set.of(), Set.of()));

    ConnectionCheck check = fixture.adapter().check();

    assertThat(check.authenticated()).isTrue();
    assertThat(check.problems()).containsExactlyInAnyOrder(
        "Contact.NPS_Score__c is missing (or hidden from the integration user by field-level security); run "
            + "install-fields --connection sf to see how to deploy it",
        "Contact.NPS_Last_Comment__c is missing (or hidden from the integration user by field-level security); run "
            + "install-fields --connection sf to see how to deploy it",
        "Contact.NPS_Category__c is not updateable by the integration user; assign the NPS_Connector permission set",
        "Account.NPS_Response_Count__c is missing (or hidden from the integration user by field-level security); run "
            + "install-fields --connection sf to see how to deploy it",
        "Task.ActivityDate is not createable by the integration user; assign the NPS_Connector permission set and "
            + "the Edit Tasks permission");
  }

  @Test
  void configuredReadFieldsAreCheckedTooThroughTheAccountRelationship() {
    fixture.connectionSettings("""
            segments:
              industry: Account.Industry
              tier: Account.Tier__c
              region: MailingCountry
              team: Owner.Department
        """);
    fixture.org.describe(contact(Set.of(), Set.of()), account(Set.of()), task(Set.of()), response(Set.of(), Set.of()));

    FieldReport report = fixture.adapter().describeFields();

    assertThat(report.fields()).contains(new FieldReport.Field("Contact", "Account.Industry", State.PRESENT),
        new FieldReport.Field("Contact", "Account.Tier__c", State.MISSING),
        new FieldReport.Field("Contact", "MailingCountry", State.PRESENT),
        new FieldReport.Field("Contact", "Owner.Department", State.PRESENT));
  }

  @Test
  void aFieldOfTheWrongTypeIsIncompatible() {
    DescribeSObjectResult contact = contact(Set.of(), Set.of());
    for (Field field : contact.getFields()) {
      if (field.getName().equals("NPS_Last_Response_Date__c")) {
        field.setType(FieldType.datetime);
      }
    }
    fixture.org.describe(contact, account(Set.of()), task(Set.of()), response(Set.of(), Set.of()));

    FieldReport report = fixture.adapter().describeFields();

    assertThat(report.fields()).contains(new FieldReport.Field("Contact", "NPS_Last_Response_Date__c",
        State.INCOMPATIBLE));
    assertThat(report.complete()).isFalse();
  }

  @Test
  void installFieldsSaysExactlyHowToDeployTheShippedSource() {
    fixture.org.describe(contact(Set.of("NPS_Score__c"), Set.of()), account(Set.of()), task(Set.of()),
        response(Set.of(), Set.of()));

    FieldReport report = fixture.adapter().installFields();

    assertThat(report.complete()).isFalse();
    assertThat(report.instructions()).contains("  cd connector-salesforce/src/main/salesforce",
        "  sf project deploy start --manifest manifest/package.xml --target-org nps-org --test-level "
            + "RunSpecifiedTests --tests NpsRecordControllerTest",
        "  sf org assign permset --name NPS_Connector --target-org nps-org --on-behalf-of <integration user's "
            + "username>");
    assertThat(fixture.org.totalCalls()).as("describe only: nothing is created through the API").isEqualTo(1);
  }

  @Test
  void aTaskKeyThatIsNotAUniqueExternalIdIsNamedWithWhatItMustBe() {
    fixture.org.describe(contact(Set.of(), Set.of()), account(Set.of()), SalesforceFieldsFixtures.taskWithPlainKey(true),
        response(Set.of(), Set.of()));

    ConnectionCheck check = fixture.adapter().check();

    assertThat(check.problems()).containsExactly("Task.NPS_Key__c must be a text field marked External ID and Unique, "
        + "so that a resubmitted answer updates its task instead of adding one (see "
        + "connector-salesforce/src/main/salesforce)");
    assertThat(fixture.adapter().installFields().instructions())
        .contains("  sf project deploy start --manifest manifest/package.xml --target-org nps-org --test-level "
            + "RunSpecifiedTests --tests NpsRecordControllerTest");
  }

  @Test
  void aMissingTaskKeyIsDeployedWithTheOtherFields() {
    fixture.org.describe(contact(Set.of(), Set.of()), account(Set.of()), SalesforceFieldsFixtures.taskWithPlainKey(false),
        response(Set.of(), Set.of()));

    FieldReport report = fixture.adapter().installFields();

    assertThat(report.fields()).filteredOn(field -> field.name().equals("NPS_Key__c"))
        .extracting(FieldReport.Field::state).containsExactly(FieldReport.State.MISSING);
    assertThat(report.instructions())
        .contains("  sf project deploy start --manifest manifest/package.xml --target-org nps-org --test-level "
            + "RunSpecifiedTests --tests NpsRecordControllerTest");
  }

  @Test
  void installFieldsOnACompleteOrgHasNothingToSay() {
    fixture.org.describe(contact(Set.of(), Set.of()), account(Set.of()), task(Set.of()), response(Set.of(), Set.of()));

    FieldReport report = fixture.adapter().installFields();

    assertThat(report.complete()).isTrue();
    assertThat(report.instructions()).isEmpty();
  }

  @Test
  void anOrgWithoutTheResponseObjectIsToldToDeployIt() {
    fixture.org.failNext("describeSObjects", "INVALID_TYPE", "sObject type 'NPS_Response__c' is not supported. If "
        + "you are attempting to use a custom object, be sure to append the '__c' after the entity name.");
    fixture.org.describe(contact(Set.of(), Set.of()), account(Set.of()), task(Set.of()));

    ConnectionCheck check = fixture.adapter().check();

    assertThat(check.authenticated()).isTrue();
    assertThat(check.problems()).containsExactly("the NPS_Response__c object (NPS Response) is missing (or hidden "
        + "from the integration user); run install-fields --connection sf to see how to deploy it");
    assertThat(fixture.org.callsByOperation()).as("the four objects, then the three that exist")
        .containsExactlyEntriesOf(java.util.Map.of("describeSObjects", 2));

    fixture.org.failNext("describeSObjects", "INVALID_TYPE", "sObject type 'NPS_Response__c' is not supported.");
    FieldReport report = fixture.adapter().installFields();
    assertThat(report.fields()).filteredOn(field -> field.object().equals("NPS_Response__c"))
        .extracting(FieldReport.Field::state).hasSize(11).containsOnly(State.MISSING);
    assertThat(report.instructions())
        .contains("  sf project deploy start --manifest manifest/package.xml --target-org nps-org --test-level "
            + "RunSpecifiedTests --tests NpsRecordControllerTest",
            "  sf org assign permset --name NPS_Viewer --target-org nps-org --on-behalf-of <each rep's username>");
  }

  @Test
  void anotherDescribeFaultIsNotMistakenForAMissingObject() {
    fixture.org.failNext("describeSObjects", "INVALID_FIELD", "no such column");
    fixture.org.describe(contact(Set.of(), Set.of()), account(Set.of()), task(Set.of()), response(Set.of(), Set.of()));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> fixture.adapter().describeFields())
        .isInstanceOf(io.npsconnector.core.spi.CrmException.Data.class).hasMessageContaining("INVALID_FIELD");
  }

  @Test
  void responseFieldsMustBeCreateableAndUpdateableAndTheKeyAnExternalId() {
    DescribeSObjectResult response = response(Set.of("Channel__c"), Set.of("Score__c"));
    for (Field field : response.getFields()) {
      if (field.getName().equals("Invitation_Key__c")) {
        field.setExternalId(false);
      }
      if (field.getName().equals("Answered_At__c")) {
        field.setType(FieldType.date);
      }
    }
    fixture.org.describe(contact(Set.of(), Set.of()), account(Set.of()), task(Set.of()), response);

    ConnectionCheck check = fixture.adapter().check();

    assertThat(check.problems()).containsExactlyInAnyOrder(
        "NPS_Response__c.Invitation_Key__c exists with a type the connector cannot write or is not a unique external "
            + "ID (see the field definitions in connector-salesforce/src/main/salesforce)",
        "NPS_Response__c.Score__c is not createable and updateable by the integration user; assign the NPS_Connector "
            + "permission set",
        "NPS_Response__c.Channel__c is missing (or hidden from the integration user by field-level security); run "
            + "install-fields --connection sf to see how to deploy it",
        "NPS_Response__c.Answered_At__c exists with a type the connector cannot write (see the field definitions in "
            + "connector-salesforce/src/main/salesforce)");
  }

  @Test
  void anObjectTheIntegrationUserMayNotEditMakesEveryWrittenFieldNotWritable() {
    DescribeSObjectResult response = response(Set.of(), Set.of());
    response.setCreateable(false);
    fixture.org.describe(contact(Set.of(), Set.of()), account(Set.of()), task(Set.of()), response);

    FieldReport report = fixture.adapter().describeFields();

    assertThat(report.fields()).filteredOn(field -> field.object().equals("NPS_Response__c"))
        .filteredOn(field -> field.state() == State.NOT_WRITABLE).hasSize(SalesforceResponseObject.WRITTEN.size());
    assertThat(report.fields()).contains(new FieldReport.Field("NPS_Response__c", "NPS_Points__c", State.PRESENT));
    assertThat(report.instructions()).contains(
        "  sf org assign permset --name NPS_Connector --target-org nps-org --on-behalf-of <integration user's username>");
  }

  private static DescribeSObjectResult response(Set<String> missing, Set<String> readOnly) {
    return SalesforceFieldsFixtures.response(missing, readOnly);
  }

  private static DescribeSObjectResult contact(Set<String> missing, Set<String> readOnly) {
    return SalesforceFieldsFixtures.contact(missing, readOnly);
  }

  private static DescribeSObjectResult account(Set<String> missing) {
    return SalesforceFieldsFixtures.account(missing);
  }

  private static DescribeSObjectResult task(Set<String> readOnly) {
    return SalesforceFieldsFixtures.task(readOnly);
  }
}
