package io.npsconnector.salesforce.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingXPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.sforce.soap.partner.QueryResult;
import com.sforce.soap.partner.SaveResult;
import com.sforce.soap.partner.StatusCode;
import com.sforce.soap.partner.UpsertResult;
import com.sforce.soap.partner.fault.ApiFault;
import com.sforce.soap.partner.sobject.SObject;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.salesforce.auth.AccessToken;
import io.npsconnector.salesforce.auth.TokenSource;

/**
 * {@link SalesforceSession} against a WireMock stand-in for the Partner SOAP endpoint, answering with the
 * envelopes under {@code src/test/resources/soap/}.
 */
class SalesforceSessionTest {
  private static final String ENDPOINT = "/services/Soap/u/65.0";
  private static final String TOKEN_ONE = "00Dxx0000001gPL!AQ-token-one-SECRET-7f3a9c41";
  private static final String TOKEN_TWO = "00Dxx0000001gPL!AQ-token-two-SECRET-b81e4402";
  private static final String SESSION_ID = "//*[local-name()='SessionHeader']/*[local-name()='sessionId']/text()";
  private static final String BATCH_SIZE = "//*[local-name()='QueryOptions']/*[local-name()='batchSize']/text()";
  private static final String QUERY_STRING = "//*[local-name()='queryString']/text()";
  private static final String QUERY_LOCATOR = "//*[local-name()='queryMore']/*[local-name()='queryLocator']/text()";
  private static final String SOQL = "SELECT Id, FirstName, LastName, Email, Account.Name FROM Contact";
  private static final String LOCATOR = "01gHx00000Zq7TmQAJ-2000";
  private static final Instant START = Instant.parse("2025-03-04T09:00:00Z");

  private WireMockServer server;
  private MutableClock clock;
  private RenewingTokens tokens;
  private SalesforceSession session;

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Level rootLevel;
  private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();

  @BeforeEach
  void start() {
    server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    server.start();
    clock = new MutableClock(START);
    tokens = new RenewingTokens(new AccessToken(TOKEN_ONE, instance()), new AccessToken(TOKEN_TWO, instance()));
    session = session(tokens);
    rootLevel = root.getLevel();
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void stop() {
    root.detachAppender(logs);
    logs.stop();
    root.setLevel(rootLevel);
    detached.forEach(root::addAppender);
    if (server.isRunning()) {
      server.stop();
    }
  }

  // ---------------------------------------------------------------- request shape and parsing

  @Test
  void queryGoesToThePartnerEndpointWithTheSessionIdAndThePageSize() {
    answer(200, fixture("query-contacts-page1.xml"));

    session.call("query", "read contacts", p -> p.query(SOQL));

    server.verify(1, postRequestedFor(urlEqualTo(ENDPOINT))
        .withRequestBody(matchingXPath(SESSION_ID, equalTo(TOKEN_ONE)))
        .withRequestBody(matchingXPath(BATCH_SIZE, equalTo("2000")))
        .withRequestBody(matchingXPath(QUERY_STRING, equalTo(SOQL))));
    assertThat(server.getAllServeEvents()).hasSize(1);
  }

  @Test
  void queryAndQueryMorePagesAreParsedAndTheirLimitInfoRead() {
    answer(200, fixture("query-contacts-page1.xml"));

    QueryResult first = session.call("query", "read contacts", p -> p.query(SOQL));

    assertThat(first.isDone()).isFalse();
    assertThat(first.getQueryLocator()).isEqualTo(LOCATOR);
    assertThat(first.getSize()).isEqualTo(3);
    assertThat(first.getRecords()).hasSize(2);
    SObject marie = first.getRecords()[0];
    assertThat(marie.getType()).isEqualTo("Contact");
    assertThat(marie.getId()).isEqualTo("003Hx00000MaRiEQA1");
    assertThat(marie.getField("Email")).isEqualTo("marie.curie@radium.example.org");
    assertThat(marie.getField("NPS_Score__c")).isEqualTo("10.0");
    assertThat(marie.getField("HasOptedOutOfEmail")).isEqualTo("false");
    assertThat(marie.getChild("Account").getField("Name")).isEqualTo("Radium Institute");
    SObject partners = first.getRecords()[1];
    assertThat(partners.getField("LastName")).isEqualTo("D'Arcy & Partners");
    assertThat(partners.getField("FirstName")).isNull();
    assertThat(partners.getField("Email")).isNull();
    assertThat(partners.getField("Account")).isNull();
    assertThat(partners.getField("HasOptedOutOfEmail")).isEqualTo("true");
    assertThat(session.limits().used()).isEqualTo(2817);
    assertThat(session.limits().limit()).isEqualTo(100_000);

    answer(200, fixture("querymore-contacts-page2.xml"));
    QueryResult second = session.call("queryMore", "read contacts", p -> p.queryMore(first.getQueryLocator()));

    server.verify(1, postRequestedFor(urlEqualTo(ENDPOINT))
        .withRequestBody(matchingXPath(QUERY_LOCATOR, equalTo(LOCATOR)))
        .withRequestBody(matchingXPath(SESSION_ID, equalTo(TOKEN_ONE))));
    assertThat(second.isDone()).isTrue();
    assertThat(second.getQueryLocator()).isNull();
    assertThat(second.getRecords()).hasSize(1);
    assertThat(second.getRecords()[0].getField("LastName")).isEqualTo("Turing");
    assertThat(second.getRecords()[0].getField("Email")).isEqualTo("alan.turing@bletchley.example.org");
    assertThat(session.limits().used()).isEqualTo(2818);
    assertThat(session.limits().conserving()).isFalse();
  }

  @Test
  void aMixedUpdateAnswerGivesOneSaveResultPerRecord() {
    answer(200, fixture("update-mixed.xml"));
    SObject[] contacts = {contact("003Hx00000MaRiEQA1", "Promoter"), contact("003Hx00000DaRcYQA2", "Fanatic"),
        contact("003Hx00000GoNeXQA9", "Passive")};

    SaveResult[] results = session.call("update", "write NPS fields", p -> p.update(contacts));

    server.verify(1, postRequestedFor(urlEqualTo(ENDPOINT))
        .withRequestBody(matchingXPath("//*[local-name()='update']/*[local-name()='sObjects']"
            + "/*[local-name()='NPS_Category__c']/text()", equalTo("Fanatic"))));
    assertThat(results).hasSize(3);
    assertThat(results[0].isSuccess()).isTrue();
    assertThat(results[0].getId()).isEqualTo("003Hx00000MaRiEQA1");
    assertThat(results[0].getErrors()).isEmpty();
    assertThat(results[1].isSuccess()).isFalse();
    assertThat(results[1].getId()).isNull();
    assertThat(results[1].getErrors()).hasSize(1);
    assertThat(results[1].getErrors()[0].getStatusCode()).isEqualTo(StatusCode.INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST);
    assertThat(results[1].getErrors()[0].getFields()).containsExactly("NPS_Category__c");
    assertThat(results[1].getErrors()[0].getMessage()).contains("Fanatic");
    assertThat(results[2].isSuccess()).isFalse();
    assertThat(results[2].getErrors()[0].getStatusCode()).isEqualTo(StatusCode.ENTITY_IS_DELETED);
    assertThat(results[2].getErrors()[0].getFields()).isEmpty();
    assertThat(session.limits().used()).isEqualTo(2819);
  }

  @Test
  void anUpsertAnswerSaysWhichTasksWereCreatedAndWhichKeyMatchedTwo() {
    answer(200, fixture("upsert-tasks-mixed.xml"));
    SObject[] tasks = new SObject[3];
    for (int i = 0; i < tasks.length; i++) {
      tasks[i] = new SObject();
      tasks[i].setType("Task");
      tasks[i].setField("NPS_Key__c", "task:" + (i + 1));
    }

    UpsertResult[] results = session.call("upsert", "upsert tasks", p -> p.upsert("NPS_Key__c", tasks));

    server.verify(1, postRequestedFor(urlEqualTo(ENDPOINT))
        .withRequestBody(matchingXPath("//*[local-name()='upsert']/*[local-name()='externalIDFieldName']/text()",
            equalTo("NPS_Key__c")))
        .withRequestBody(matchingXPath("//*[local-name()='upsert']/*[local-name()='sObjects'][3]"
            + "/*[local-name()='NPS_Key__c']/text()", equalTo("task:3"))));
    assertThat(results).extracting(UpsertResult::isCreated).containsExactly(true, false, false);
    assertThat(results).extracting(UpsertResult::getId).containsExactly("00THx00000NpStBsK2", "00THx00000NpStAsK1",
        null);
    assertThat(results[2].getErrors()[0].getStatusCode()).isEqualTo(StatusCode.DUPLICATE_EXTERNAL_ID);
    assertThat(results[2].getErrors()[0].getFields()).containsExactly("NPS_Key__c");
    assertThat(session.calls()).containsExactly(Map.entry("upsert", 1L));
  }

  @Test
  void aTaskCreateAnswerGivesTheNewId() {
    answer(200, fixture("create-task.xml"));
    SObject task = new SObject();
    task.setType("Task");
    task.setField("WhoId", "003Hx00000MaRiEQA1");
    task.setField("Subject", "NPS follow-up: detractor");
    task.setField("Status", "Not Started");

    SaveResult[] results = session.call("create", "create follow-up task", p -> p.create(new SObject[] {task}));

    server.verify(1, postRequestedFor(urlEqualTo(ENDPOINT))
        .withRequestBody(matchingXPath("//*[local-name()='create']/*[local-name()='sObjects']"
            + "/*[local-name()='Subject']/text()", equalTo("NPS follow-up: detractor"))));
    assertThat(results).hasSize(1);
    assertThat(results[0].isSuccess()).isTrue();
    assertThat(results[0].getId()).isEqualTo("00THx00000NpStAsK1");
    assertThat(session.calls()).containsExactly(Map.entry("create", 1L));
  }

  // ---------------------------------------------------------------- session expiry

  @Test
  void anExpiredSessionIsRenewedOnceAndTheCallMadeAgainWithTheNewToken() {
    answerFor(TOKEN_ONE, 500, fixture("fault-invalid-session-id.xml"));
    answerFor(TOKEN_TWO, 200, fixture("query-contacts-page1.xml"));

    QueryResult result = session.call("query", "read contacts", p -> p.query(SOQL));

    assertThat(result.getRecords()).hasSize(2);
    assertThat(tokens.renewals.get()).isEqualTo(1);
    server.verify(1, withToken(TOKEN_ONE));
    server.verify(1, withToken(TOKEN_TWO));
    assertThat(server.getAllServeEvents()).hasSize(2);
    assertThat(session.calls()).containsExactly(Map.entry("query", 2L));

    // the next call keeps the new token, without another renewal
    session.call("query", "read contacts", p -> p.query(SOQL));
    server.verify(1, withToken(TOKEN_ONE));
    server.verify(2, withToken(TOKEN_TWO));
    assertThat(tokens.renewals.get()).isEqualTo(1);
  }

  @Test
  void aSessionRefusedAgainAfterRenewalIsAnAuthenticationError() {
    answer(500, fixture("fault-invalid-session-id.xml"));

    Throwable thrown = catchThrowable(() -> session.call("query", "read contacts", p -> p.query(SOQL)));

    assertThat(thrown).isInstanceOf(CrmException.Authentication.class)
        .hasMessageContaining("INVALID_SESSION_ID").hasMessageStartingWith("sf: read contacts: ");
    assertThat(tokens.renewals.get()).isEqualTo(1);
    server.verify(1, withToken(TOKEN_ONE));
    server.verify(1, withToken(TOKEN_TWO));
    assertThat(server.getAllServeEvents()).hasSize(2);
  }

  @Test
  void aStaticTokenThatIsRefusedIsAnAuthenticationErrorWithoutASecondRequest() {
    answer(500, fixture("fault-invalid-session-id.xml"));
    SalesforceSession fixed = session(TokenSource.fixed(new AccessToken(TOKEN_ONE, instance())));

    Throwable thrown = catchThrowable(() -> fixed.call("query", "read contacts", p -> p.query(SOQL)));

    assertThat(thrown).isInstanceOf(CrmException.Authentication.class)
        .hasMessageContaining("INVALID_SESSION_ID").hasMessageContaining("static")
        .hasMessageNotContaining(TOKEN_ONE);
    assertThat(server.getAllServeEvents()).hasSize(1);
    assertThat(fixed.totalCalls()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- daily limit

  @Test
  void requestLimitExceededBlocksEveryCallForAnHourWithoutRequests() {
    answer(500, fixture("fault-request-limit-exceeded.xml"));

    Throwable thrown = catchThrowable(() -> session.call("query", "read contacts", p -> p.query(SOQL)));

    assertThat(thrown).isInstanceOfSatisfying(CrmException.Retriable.class, e -> {
      assertThat(e.retryAfter()).contains(Duration.ofHours(1));
      assertThat(e.connection()).isEqualTo("sf");
      assertThat(e).hasMessageContaining("REQUEST_LIMIT_EXCEEDED");
    });
    assertThat(server.getAllServeEvents()).hasSize(1);
    assertThat(session.limits().conserving()).isTrue();
    assertThat(session.limits().blockedUntil()).contains(START.plus(Duration.ofHours(1)));
    assertThat(logs.list).anySatisfy(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.ERROR);
      assertThat(event.getFormattedMessage()).contains("REQUEST_LIMIT_EXCEEDED").contains("sf");
    });

    // the org would now answer, but the session must not even ask
    answer(200, fixture("query-contacts-page1.xml"));
    clock.advance(Duration.ofMinutes(30));
    Throwable blocked = catchThrowable(() -> session.call("query", "read contacts", p -> p.query(SOQL)));
    assertThat(blocked).isInstanceOfSatisfying(CrmException.Retriable.class,
        e -> assertThat(e.retryAfter()).contains(Duration.ofMinutes(30)));
    clock.advance(Duration.ofMinutes(29).plusSeconds(59));
    assertThatThrownBy(() -> session.call("update", "write NPS fields", p -> p.update(new SObject[0])))
        .isInstanceOf(CrmException.Retriable.class);
    assertThat(server.getAllServeEvents()).hasSize(1);
    assertThat(session.totalCalls()).isEqualTo(1);
    assertThat(session.limits().conserving()).isTrue();

    clock.advance(Duration.ofSeconds(2));
    QueryResult result = session.call("query", "read contacts", p -> p.query(SOQL));
    assertThat(result.getRecords()).hasSize(2);
    assertThat(server.getAllServeEvents()).hasSize(2);
    assertThat(session.limits().blockedUntil()).isEmpty();
  }

  @Test
  void limitInfoHeaderPausesAtNinetyPercentAndResumesBelowEighty() {
    assertThat(conservingAfterAnswerWith(89_999)).isFalse();
    assertThat(conservingAfterAnswerWith(90_000)).isTrue();
    assertThat(conservingAfterAnswerWith(85_000)).isTrue();
    assertThat(conservingAfterAnswerWith(80_000)).isTrue();
    assertThat(conservingAfterAnswerWith(79_999)).isFalse();
    assertThat(session.limits().used()).isEqualTo(79_999);
    assertThat(session.limits().limit()).isEqualTo(100_000);
    assertThat(server.getAllServeEvents()).hasSize(5);
  }

  private boolean conservingAfterAnswerWith(long current) {
    String page = fixture("query-contacts-page1.xml");
    String body = page.replace("<current>2817</current>", "<current>" + current + "</current>");
    assertThat(body).isNotEqualTo(page).contains("<limit>100000</limit>");
    server.resetMappings();
    answer(200, body);
    session.call("query", "read contacts", p -> p.query(SOQL));
    assertThat(session.limits().used()).isEqualTo(current);
    return session.limits().conserving();
  }

  // ---------------------------------------------------------------- faults

  @Test
  void anInvalidFieldIsADataErrorNamingConnectionAndOperation() {
    answer(500, fixture("fault-invalid-field.xml"));

    Throwable thrown = catchThrowable(() -> session.call("query", "read contacts",
        p -> p.query("SELECT Id, NPS_Scroe__c FROM Contact")));

    assertThat(thrown).isInstanceOfSatisfying(CrmException.Data.class, e -> {
      assertThat(e.vendorCode()).isEqualTo("INVALID_FIELD");
      assertThat(e.connection()).isEqualTo("sf");
      assertThat(e.operation()).isEqualTo("read contacts");
      assertThat(e.getMessage()).startsWith("sf: read contacts: INVALID_FIELD: ").contains("NPS_Scroe__c")
          .doesNotContain("\n");
    });
    assertThat(tokens.renewals.get()).isZero();
  }

  @Test
  void aMalformedQueryIsADataError() {
    answer(500, fixture("fault-malformed-query.xml"));

    Throwable thrown = catchThrowable(() -> session.call("query", "read changed contacts",
        p -> p.query("SELECT Id Email FROM Contact WHERE")));

    assertThat(thrown).isInstanceOfSatisfying(CrmException.Data.class, e -> {
      assertThat(e.vendorCode()).isEqualTo("MALFORMED_QUERY");
      assertThat(e.getMessage()).startsWith("sf: read changed contacts: MALFORMED_QUERY: ")
          .contains("unexpected token");
    });
  }

  @Test
  void aRequestRefusedWhileReadingItsXmlIsAPermanentDataError() {
    // Salesforce's answer to an element out of the WSDL's sequence: a plain soapenv:Client fault, no detail
    answer(500, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope "
        + "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><soapenv:Fault>"
        + "<faultcode>soapenv:Client</faultcode><faultstring>Element {urn:sobject.partner.soap.sforce.com}"
        + "fieldsToNull invalid at this location</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>");

    Throwable thrown = catchThrowable(() -> session.call("update", "write NPS fields",
        p -> p.update(new SObject[] {contact("003Hx00000MaRiEQA1", "Promoter")})));

    assertThat(thrown).isInstanceOfSatisfying(CrmException.Data.class, e -> {
      assertThat(e.vendorCode()).isEqualTo("soapenv:Client");
      assertThat(e.getMessage()).startsWith("sf: write NPS fields: ").contains("fieldsToNull invalid at this location");
    });
    assertThat(tokens.renewals.get()).isZero();
  }

  @Test
  void aLockedRowForTheWholeCallIsRetriable() {
    answer(500, fixture("fault-unable-to-lock-row.xml"));

    Throwable thrown = catchThrowable(() -> session.call("update", "write NPS fields",
        p -> p.update(new SObject[] {contact("003Hx00000MaRiEQA1", "Promoter")})));

    assertThat(thrown).isInstanceOfSatisfying(CrmException.Retriable.class, e -> {
      assertThat(e.getMessage()).startsWith("sf: write NPS fields: UNABLE_TO_LOCK_ROW");
      assertThat(e.retryAfter()).isEmpty();
    });
    assertThat(session.limits().blockedUntil()).isEmpty();
  }

  @Test
  void anInvalidQueryLocatorIsQueryLocatorExpired() {
    answer(500, fixture("fault-invalid-query-locator.xml"));

    Throwable thrown = catchThrowable(() -> session.call("queryMore", "read contacts", p -> p.queryMore(LOCATOR)));

    assertThat(thrown).isInstanceOf(QueryLocatorExpired.class)
        .hasMessageStartingWith("sf: read contacts: INVALID_QUERY_LOCATOR")
        .hasCauseInstanceOf(ApiFault.class);
    assertThat(session.calls()).containsExactly(Map.entry("queryMore", 1L));
  }

  // ---------------------------------------------------------------- transport failures

  @Test
  void anHtmlMaintenancePageIsRetriable() {
    server.stubFor(post(urlEqualTo(ENDPOINT)).willReturn(aResponse().withStatus(503)
        .withHeader("Content-Type", "text/html; charset=utf-8").withBody(fixture("maintenance.html"))));

    Throwable thrown = catchThrowable(() -> session.call("query", "read contacts", p -> p.query(SOQL)));

    assertThat(thrown).isInstanceOfSatisfying(CrmException.Retriable.class, e -> {
      assertThat(e.getMessage()).startsWith("sf: read contacts: ").contains("HTMLResponseException");
      assertThat(e.retryAfter()).isEmpty();
    });
    assertThat(server.getAllServeEvents()).hasSize(1);
  }

  @Test
  void noAnswerWithinTheReadTimeoutIsRetriable() {
    server.stubFor(post(urlEqualTo(ENDPOINT)).willReturn(answerWith(200, fixture("query-contacts-page1.xml"))
        .withFixedDelay(3000)));

    long started = System.nanoTime();
    Throwable thrown = catchThrowable(() -> session.call("query", "read contacts", p -> p.query(SOQL)));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(thrown).isInstanceOfSatisfying(CrmException.Retriable.class,
        e -> assertThat(e.getMessage()).startsWith("sf: read contacts: ").containsIgnoringCase("timeout"));
    assertThat(took).isLessThan(Duration.ofMillis(2900));
  }

  @Test
  void aRefusedConnectionIsRetriable() {
    answer(200, fixture("query-contacts-page1.xml"));
    server.stop();

    Throwable thrown = catchThrowable(() -> session.call("query", "read contacts", p -> p.query(SOQL)));

    assertThat(thrown).isInstanceOfSatisfying(CrmException.Retriable.class,
        e -> assertThat(e.getMessage()).startsWith("sf: read contacts: ").contains("ConnectException"));
    assertThat(session.calls()).containsExactly(Map.entry("query", 1L));
  }

  // ---------------------------------------------------------------- counting

  @Test
  void callsAreCountedPerOperationFaultsIncluded() {
    assertThat(session.calls()).isEmpty();
    assertThat(session.totalCalls()).isZero();
    server.stubFor(post(urlEqualTo(ENDPOINT)).withRequestBody(matchingXPath(QUERY_STRING, containing("FROM Contact")))
        .willReturn(answerWith(200, fixture("query-contacts-page1.xml"))));
    server.stubFor(post(urlEqualTo(ENDPOINT)).withRequestBody(matchingXPath(QUERY_STRING, containing("Scroe")))
        .willReturn(answerWith(500, fixture("fault-invalid-field.xml"))));
    server.stubFor(post(urlEqualTo(ENDPOINT)).withRequestBody(matchingXPath(QUERY_LOCATOR, equalTo(LOCATOR)))
        .willReturn(answerWith(200, fixture("querymore-contacts-page2.xml"))));
    server.stubFor(post(urlEqualTo(ENDPOINT)).withRequestBody(matchingXPath("//*[local-name()='create']"))
        .willReturn(answerWith(200, fixture("create-task.xml"))));

    session.call("query", "read contacts", p -> p.query(SOQL));
    session.call("queryMore", "read contacts", p -> p.queryMore(LOCATOR));
    assertThatThrownBy(() -> session.call("query", "read contacts", p -> p.query("SELECT NPS_Scroe__c FROM Contact")))
        .isInstanceOf(CrmException.Data.class);
    session.call("query", "read contacts", p -> p.query(SOQL));
    session.call("create", "create follow-up task", p -> p.create(new SObject[] {new SObject("Task")}));

    assertThat(session.calls()).containsExactly(Map.entry("create", 1L), Map.entry("query", 3L),
        Map.entry("queryMore", 1L));
    assertThat(session.totalCalls()).isEqualTo(5);
    assertThat(server.getAllServeEvents()).hasSize(5);
  }

  // ---------------------------------------------------------------- secrets

  @Test
  void noLogLineAndNoMessageShowsAToken() {
    root.setLevel(Level.DEBUG);
    for (Appender<ILoggingEvent> appender : List.copyOf(iterable(root))) {
      if (appender != logs) { // keep the console quiet while everything is logged at DEBUG
        root.detachAppender(appender);
        detached.add(appender);
      }
    }
    server.stubFor(post(urlEqualTo(ENDPOINT)).withRequestBody(matchingXPath(SESSION_ID, equalTo(TOKEN_ONE)))
        .willReturn(answerWith(500, fixture("fault-invalid-session-id.xml"))));
    server.stubFor(post(urlEqualTo(ENDPOINT)).withRequestBody(matchingXPath(SESSION_ID, equalTo(TOKEN_TWO)))
        .willReturn(answerWith(200, fixture("query-contacts-page1.xml"))));
    server.stubFor(post(urlEqualTo(ENDPOINT)).withRequestBody(matchingXPath(SESSION_ID, equalTo(TOKEN_TWO)))
        .withRequestBody(matchingXPath(QUERY_STRING, containing("Scroe")))
        .willReturn(answerWith(500, fixture("fault-invalid-field.xml"))));
    server.stubFor(post(urlEqualTo(ENDPOINT)).withRequestBody(matchingXPath(SESSION_ID, equalTo(TOKEN_TWO)))
        .withRequestBody(matchingXPath("//*[local-name()='update']"))
        .willReturn(answerWith(500, fixture("fault-request-limit-exceeded.xml"))));
    List<Throwable> failures = new ArrayList<>();

    session.call("query", "read contacts", p -> p.query(SOQL));
    failures.add(catchThrowable(() -> session.call("query", "read contacts", p -> p.query("SELECT NPS_Scroe__c FROM Contact"))));
    failures.add(catchThrowable(() -> session.call("update", "write NPS fields",
        p -> p.update(new SObject[] {contact("003Hx00000MaRiEQA1", "Promoter")}))));
    failures.add(catchThrowable(() -> session.call("query", "read contacts", p -> p.query(SOQL))));
    server.resetMappings();
    answer(500, fixture("fault-invalid-session-id.xml"));
    SalesforceSession fixed = session(TokenSource.fixed(new AccessToken(TOKEN_ONE, instance())));
    failures.add(catchThrowable(() -> fixed.call("query", "read contacts", p -> p.query(SOQL))));
    failures.add(catchThrowable(() -> session(tokens).call("query", "read contacts", p -> p.query(SOQL))));

    assertThat(tokens.renewals.get()).isEqualTo(2);
    assertThat(failures).hasSize(5).doesNotContainNull()
        .hasExactlyElementsOfTypes(CrmException.Data.class, CrmException.Retriable.class, CrmException.Retriable.class,
            CrmException.Authentication.class, CrmException.Authentication.class);
    assertThat(logs.list).isNotEmpty()
        .anySatisfy(event -> assertThat(event.getFormattedMessage()).contains("signed in again"))
        .anySatisfy(event -> assertThat(event.getLevel()).isEqualTo(Level.ERROR));
    for (ILoggingEvent event : logs.list) {
      String text = event.getLoggerName() + " " + event.getFormattedMessage() + " " + throwableText(event.getThrowableProxy());
      assertThat(text).as("log line %s", text).doesNotContain(TOKEN_ONE).doesNotContain(TOKEN_TWO);
    }
    for (Throwable failure : failures) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        assertThat(String.valueOf(t)).doesNotContain(TOKEN_ONE).doesNotContain(TOKEN_TWO);
      }
    }
    assertThat(String.valueOf(session.token())).doesNotContain(TOKEN_TWO);
  }

  private static String throwableText(IThrowableProxy proxy) {
    StringBuilder text = new StringBuilder();
    for (IThrowableProxy p = proxy; p != null; p = p.getCause()) {
      text.append(p.getClassName()).append(": ").append(p.getMessage()).append('\n');
    }
    return text.toString();
  }

  private static List<Appender<ILoggingEvent>> iterable(Logger logger) {
    List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
    logger.iteratorForAppenders().forEachRemaining(appenders::add);
    return appenders;
  }

  // ---------------------------------------------------------------- helpers

  private SalesforceSession session(TokenSource source) {
    return new SalesforceSession("sf", source,
        new SalesforceSession.Settings("65.0", 2000, Duration.ofSeconds(2), Duration.ofSeconds(2)),
        new ApiLimits("sf", 90, 80, Duration.ofHours(1), clock));
  }

  private URI instance() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  private void answer(int status, String body) {
    server.stubFor(post(urlEqualTo(ENDPOINT)).willReturn(answerWith(status, body)));
  }

  private void answerFor(String token, int status, String body) {
    MappingBuilder mapping = post(urlEqualTo(ENDPOINT)).withRequestBody(matchingXPath(SESSION_ID, equalTo(token)));
    server.stubFor(mapping.willReturn(answerWith(status, body)));
  }

  private static ResponseDefinitionBuilder answerWith(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "text/xml; charset=utf-8").withBody(body);
  }

  private static RequestPatternBuilder withToken(String token) {
    return postRequestedFor(urlEqualTo(ENDPOINT)).withRequestBody(matchingXPath(SESSION_ID, equalTo(token)));
  }

  private static SObject contact(String id, String category) {
    SObject contact = new SObject("Contact");
    contact.setId(id);
    contact.setField("NPS_Category__c", category);
    return contact;
  }

  static String fixture(String name) {
    try (InputStream in = SalesforceSessionTest.class.getResourceAsStream("/soap/" + name)) {
      assertThat(in).as("fixture %s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Hands out the first token, and the second one on renewal. */
  private static final class RenewingTokens implements TokenSource {
    private final AccessToken second;
    private volatile AccessToken current;
    final AtomicInteger renewals = new AtomicInteger();

    RenewingTokens(AccessToken first, AccessToken second) {
      this.current = first;
      this.second = second;
    }

    @Override
    public AccessToken current() {
      return current;
    }

    @Override
    public AccessToken renew(AccessToken stale) {
      renewals.incrementAndGet();
      current = second;
      return second;
    }
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
