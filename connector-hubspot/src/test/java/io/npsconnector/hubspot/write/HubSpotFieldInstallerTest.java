package io.npsconnector.hubspot.write;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.npsconnector.hubspot.write.WriteFixtures.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.FieldReport;
import io.npsconnector.core.spi.FieldReport.State;
import io.npsconnector.core.testing.TestClock;
import io.npsconnector.hubspot.HubSpotFieldInstaller;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HubSpotFieldInstallerTest {
  private static final String CONTACT_PROPERTIES = "/crm/v3/properties/contacts";
  private static final String COMPANY_PROPERTIES = "/crm/v3/properties/companies";
  private static final String TASK_PROPERTIES = "/crm/v3/properties/tasks";
  private static final String NOTE_PROPERTIES = "/crm/v3/properties/notes";

  @RegisterExtension
  static WireMockExtension wireMock = WriteFixtures.wireMock();

  private final TestClock clock = TestClock.at("2024-03-02T09:00:00Z");
  private final HubSpotFieldInstaller installer =
      new HubSpotFieldInstaller(WriteFixtures.client(wireMock, clock), WriteFixtures.writeback());

  @Test
  void describesPresentMissingAndIncompatibleProperties() {
    wireMock.stubFor(get(urlPathEqualTo(CONTACT_PROPERTIES))
        .willReturn(answer(200, "properties-contacts-incompatible.json")));
    wireMock.stubFor(get(urlPathEqualTo(COMPANY_PROPERTIES))
        .willReturn(answer(200, "properties-companies-with-nps.json")));
    wireMock.stubFor(get(urlPathEqualTo(TASK_PROPERTIES)).willReturn(answer(200, "properties-tasks-with-nps.json")));
    wireMock.stubFor(get(urlPathEqualTo(NOTE_PROPERTIES)).willReturn(answer(200, "properties-notes-without-nps.json")));

    FieldReport report = installer.describeFields();

    assertThat(report.fields()).extracting(FieldReport.Field::object, FieldReport.Field::name, FieldReport.Field::state)
        .containsExactly(
            tuple("contacts", "nps_score", State.INCOMPATIBLE),
            tuple("contacts", "nps_category", State.INCOMPATIBLE),
            tuple("contacts", "nps_last_response_date", State.MISSING),
            tuple("contacts", "nps_last_comment", State.MISSING),
            tuple("companies", "nps_account_score", State.PRESENT),
            tuple("companies", "nps_response_count", State.PRESENT),
            tuple("companies", "nps_account_ci_low", State.PRESENT),
            tuple("companies", "nps_account_ci_high", State.PRESENT),
            tuple("tasks", "nps_key", State.PRESENT),
            tuple("notes", "nps_key", State.MISSING));
    assertThat(report.complete()).isFalse();
    assertThat(report.instructions()).hasSize(5);
    assertThat(report.instructions().get(4)).contains("notes property 'nps_key'", "is missing", "string/text");
    assertThat(report.instructions().get(0)).contains("nps_score", "string/text", "number/number",
        "writeback.contact-fields.hubspot.score");
    assertThat(report.instructions().get(1)).contains("nps_category", "lacks the option passive");
    // one call per object: the fewest that cover every property
    assertThat(wireMock.getAllServeEvents()).hasSize(4);
  }

  @Test
  void installsTheMissingPropertiesOnceAndChangesNothingTheSecondTime() {
    givenPropertiesCreatedOnRequest();

    FieldReport first = installer.installFields();

    assertThat(first.fields()).extracting(FieldReport.Field::state).containsOnly(State.CREATED);
    assertThat(first.complete()).isTrue();
    wireMock.verify(postRequestedFor(urlEqualTo(CONTACT_PROPERTIES + "/groups"))
        .withRequestBody(equalToJson("{\"name\": \"nps\", \"label\": \"NPS\"}")));
    wireMock.verify(postRequestedFor(urlEqualTo(COMPANY_PROPERTIES + "/groups"))
        .withRequestBody(equalToJson("{\"name\": \"nps\", \"label\": \"NPS\"}")));
    wireMock.verify(postRequestedFor(urlEqualTo(CONTACT_PROPERTIES + "/batch/create")).withRequestBody(equalToJson("""
        {"inputs": [
          {"name": "nps_score", "label": "NPS score", "type": "number", "fieldType": "number", "groupName": "nps",
            "description": "The contact's latest Net Promoter Score answer, 0 to 10. Written by npsconnector."},
          {"name": "nps_category", "label": "NPS category", "type": "enumeration", "fieldType": "select",
            "groupName": "nps",
            "description": "Promoter (9-10), passive (7-8) or detractor (0-6). Written by npsconnector.",
            "options": [
              {"label": "Promoter", "value": "promoter", "displayOrder": 0, "hidden": false},
              {"label": "Passive", "value": "passive", "displayOrder": 1, "hidden": false},
              {"label": "Detractor", "value": "detractor", "displayOrder": 2, "hidden": false}]},
          {"name": "nps_last_response_date", "label": "NPS last response date", "type": "date", "fieldType": "date",
            "groupName": "nps", "description": "When the contact last answered the NPS survey. Written by npsconnector."},
          {"name": "nps_last_comment", "label": "NPS last comment", "type": "string", "fieldType": "textarea",
            "groupName": "nps",
            "description": "The comment of the contact's latest NPS answer. Written by npsconnector."}
        ]}""")));
    wireMock.verify(postRequestedFor(urlEqualTo(COMPANY_PROPERTIES + "/batch/create")).withRequestBody(equalToJson("""
        {"inputs": [
          {"name": "nps_account_score", "label": "Account NPS", "type": "number", "fieldType": "number",
            "groupName": "nps",
            "description": "NPS of the company's contacts over the trailing window, -100 to 100. Written by npsconnector."},
          {"name": "nps_response_count", "label": "NPS responses", "type": "number", "fieldType": "number",
            "groupName": "nps",
            "description": "How many NPS answers the company's NPS is computed from. Written by npsconnector."},
          {"name": "nps_account_ci_low", "label": "Account NPS 95% low", "type": "number", "fieldType": "number",
            "groupName": "nps",
            "description": "Lower bound of the 95 % interval of the company's NPS (adjusted Wald), -100 to 100; empty without answers. Written by npsconnector."},
          {"name": "nps_account_ci_high", "label": "Account NPS 95% high", "type": "number", "fieldType": "number",
            "groupName": "nps",
            "description": "Upper bound of the 95 % interval of the company's NPS (adjusted Wald), -100 to 100; empty without answers. Written by npsconnector."}
        ]}""")));
    for (String[] object : new String[][] {{TASK_PROPERTIES, "the follow-up task"},
        {NOTE_PROPERTIES, "the timeline note"}}) {
      wireMock.verify(postRequestedFor(urlEqualTo(object[0] + "/groups"))
          .withRequestBody(equalToJson("{\"name\": \"nps\", \"label\": \"NPS\"}")));
      wireMock.verify(postRequestedFor(urlEqualTo(object[0] + "/batch/create")).withRequestBody(equalToJson("""
          {"inputs": [
            {"name": "nps_key", "label": "NPS key", "type": "string", "fieldType": "text", "groupName": "nps",
              "description": "npsconnector's key of the answer %s belongs to; do not edit. Written by npsconnector."}
          ]}""".formatted(object[1]))));
    }
    int postsAfterFirstRun = wireMock.findAll(postRequestedFor(anyUrl())).size();
    assertThat(postsAfterFirstRun).as("a group and a batch create per object").isEqualTo(8);

    FieldReport second = installer.installFields();

    assertThat(second.fields()).extracting(FieldReport.Field::state).containsOnly(State.PRESENT);
    assertThat(wireMock.findAll(postRequestedFor(anyUrl()))).as("create calls of the second run").hasSize(8);
    assertThat(wireMock.findAll(getRequestedFor(anyUrl()))).as("reads: one per object and run").hasSize(8);
  }

  @Test
  void aGroupThatExistsAlreadyIsNoError() {
    wireMock.stubFor(get(urlPathEqualTo(CONTACT_PROPERTIES))
        .willReturn(answer(200, "properties-contacts-without-nps.json")));
    wireMock.stubFor(get(urlPathEqualTo(COMPANY_PROPERTIES))
        .willReturn(answer(200, "properties-companies-with-nps.json")));
    wireMock.stubFor(post(urlEqualTo(CONTACT_PROPERTIES + "/groups"))
        .willReturn(answer(409, "property-group-409-conflict.json")));
    wireMock.stubFor(post(urlEqualTo(CONTACT_PROPERTIES + "/batch/create"))
        .willReturn(answer(201, "properties-contacts-batch-create-201.json")));
    wireMock.stubFor(get(urlPathEqualTo(TASK_PROPERTIES)).willReturn(answer(200, "properties-tasks-with-nps.json")));
    wireMock.stubFor(get(urlPathEqualTo(NOTE_PROPERTIES)).willReturn(answer(200, "properties-notes-with-nps.json")));

    FieldReport report = installer.installFields();

    assertThat(report.fields()).extracting(FieldReport.Field::state)
        .containsExactly(State.CREATED, State.CREATED, State.CREATED, State.CREATED, State.PRESENT, State.PRESENT,
            State.PRESENT, State.PRESENT, State.PRESENT, State.PRESENT);
    wireMock.verify(0, postRequestedFor(urlEqualTo(COMPANY_PROPERTIES + "/groups")));
  }

  @Test
  void refusesToInstallOverAnIncompatiblePropertyAndChangesNothing() {
    wireMock.stubFor(get(urlPathEqualTo(CONTACT_PROPERTIES))
        .willReturn(answer(200, "properties-contacts-incompatible.json")));
    wireMock.stubFor(get(urlPathEqualTo(COMPANY_PROPERTIES))
        .willReturn(answer(200, "properties-companies-without-nps.json")));
    wireMock.stubFor(get(urlPathEqualTo(TASK_PROPERTIES)).willReturn(answer(200, "properties-tasks-without-nps.json")));
    wireMock.stubFor(get(urlPathEqualTo(NOTE_PROPERTIES)).willReturn(answer(200, "properties-notes-without-nps.json")));

    assertThatThrownBy(installer::installFields)
        .isInstanceOfSatisfying(CrmException.Data.class, e -> {
          assertThat(e.vendorCode()).isEqualTo("INCOMPATIBLE_PROPERTY");
          assertThat(e.getMessage()).contains("hubspot-test", "contacts property 'nps_score'", "has type string/text",
              "expected number/number", "nps_category", "nothing was created or changed");
        });
    wireMock.verify(0, postRequestedFor(anyUrl()));
    assertThat(wireMock.getAllServeEvents()).extracting(event -> event.getRequest().getMethod().value())
        .containsOnly("GET");
  }

  /** Properties appear in the lists once their batch/create was called: a portal in miniature. */
  private static void givenPropertiesCreatedOnRequest() {
    for (String object : new String[] {"contacts", "companies", "tasks", "notes"}) {
      String scenario = object + " properties";
      String path = "/crm/v3/properties/" + object;
      wireMock.stubFor(get(urlPathEqualTo(path)).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
          .willReturn(answer(200, "properties-" + object + "-without-nps.json")));
      wireMock.stubFor(post(urlEqualTo(path + "/groups")).inScenario(scenario)
          .willReturn(answer(201, "property-group-201.json")));
      wireMock.stubFor(post(urlEqualTo(path + "/batch/create")).inScenario(scenario)
          .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("created")
          .willReturn(answer(201, "properties-" + object + "-batch-create-201.json")));
      wireMock.stubFor(get(urlPathEqualTo(path)).inScenario(scenario).whenScenarioStateIs("created")
          .willReturn(answer(200, "properties-" + object + "-with-nps.json")));
    }
  }
}
