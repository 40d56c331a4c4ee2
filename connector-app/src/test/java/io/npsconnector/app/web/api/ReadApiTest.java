package io.npsconnector.app.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.javalin.Javalin;
import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.FieldReport;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.SignedRequestVerifier;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.testing.TestClock;
import io.npsconnector.hubspot.HubSpotSettings;
import io.npsconnector.hubspot.webhook.HubSpotRequestSignature;

/**
 * The read API over HTTP on loopback: two HubSpot connections, east and west, whose stores hold answers of
 * contacts with the same CRM ids; a token scoped to east, one to both; each connection's card signing with
 * its own app secret.
 */
class ReadApiTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final String EAST_TOKEN = "east-only-api-token-0123456789abcdefgh";
  static final String BOTH_TOKEN = "both-connections-token-0123456789abcdef";
  static final String EAST_SECRET = "east-app-client-secret-0000-1111";
  static final String WEST_SECRET = "west-app-client-secret-2222-3333";
  static final String PUBLIC_URL = "https://nps.example.com";

  @TempDir
  Path dir;

  final TestClock clock = new TestClock(NOW);
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final ObjectMapper json = new ObjectMapper();
  NpsConfig config;
  Database database;
  Javalin app;
  long invitations;

  @BeforeEach
  void start() {
    config = ConfigLoader.parse("read-api.yaml", """
        company: Acme
        store:
          type: h2
          path: %s
        server:
          public-url: %s
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
          api-tokens:
            - name: east-warehouse
              token: ${EAST_TOKEN}
              connections: [east]
            - name: everything
              token: ${BOTH_TOKEN}
              connections: [east, west]
        connections:
          - name: east
            type: hubspot
            credentials:
              token: ${HUBSPOT_TOKEN}
            webhook-secret: ${EAST_SECRET}
          - name: west
            type: hubspot
            credentials:
              token: ${HUBSPOT_TOKEN}
            webhook-secret: ${WEST_SECRET}
        writeback:
          account-rollup-window: 90d
        """.formatted(dir.resolve("store").toString().replace('\\', '/'), PUBLIC_URL), Map.of(
        "TOKEN_SECRET", "test-only-token-secret-0123456789abcdef", "ADMIN_PASSWORD", "correct-horse",
        "HUBSPOT_TOKEN", "pat-test", "EAST_TOKEN", EAST_TOKEN, "BOTH_TOKEN", BOTH_TOKEN, "EAST_SECRET", EAST_SECRET,
        "WEST_SECRET", WEST_SECRET));
    database = Database.open(config.store());
    // east: contact 101 of account A1 answered 10, 8, 6 (newest); contact 102 of A1 answered 9, and 3 long ago
    answer("east", "101", "A1", 10, "Great", NOW.minus(Duration.ofDays(30)));
    answer("east", "101", "A1", 8, null, NOW.minus(Duration.ofDays(20)));
    answer("east", "101", "A1", 6, "Slow delivery", NOW.minus(Duration.ofDays(2)));
    answer("east", "102", "A1", 9, null, NOW.minus(Duration.ofDays(10)));
    answer("east", "102", "A1", 3, "Never again", NOW.minus(Duration.ofDays(200)));
    // west: the same CRM ids, other people
    answer("west", "101", "A1", 0, "west only", NOW.minus(Duration.ofDays(1)));
    answer("west", "101", "A1", 1, "west only", NOW.minus(Duration.ofDays(3)));
    startServer(ReadApi.REQUESTS_PER_MINUTE, ReadApi.FAILURES_PER_MINUTE);
  }

  private void startServer(int perMinute, int failuresPerMinute) {
    if (app != null) {
      app.stop();
    }
    Map<String, CrmAdapter> adapters = new LinkedHashMap<>();
    adapters.put("east", new SigningAdapter(HubSpotRequestSignature.of(config.connection("east").orElseThrow()
        .settings(HubSpotSettings.class), clock)));
    adapters.put("west", new SigningAdapter(HubSpotRequestSignature.of(config.connection("west").orElseThrow()
        .settings(HubSpotSettings.class), clock)));
    ReadApi api = new ReadApi(config, database, adapters, clock, perMinute, failuresPerMinute);
    app = Javalin.create(javalin -> javalin.showJavalinBanner = false);
    api.register(app);
    app.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    app.stop();
    database.close();
  }

  @Test
  void aContactsHistoryIsNewestFirstWithItsNpsAndInterval() throws Exception {
    HttpResponse<String> response = get("/api/v1/connections/east/contacts/101/nps", bearer(EAST_TOKEN));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode body = json.readTree(response.body());
    assertThat(body.path("connection").asText()).isEqualTo("east");
    assertThat(body.path("contact").asText()).isEqualTo("101");
    assertThat(scores(body.path("history"))).containsExactly(6, 8, 10);
    JsonNode latest = body.path("latest");
    assertThat(latest.path("score").asInt()).isEqualTo(6);
    assertThat(latest.path("category").asText()).isEqualTo("detractor");
    assertThat(latest.path("comment").asText()).isEqualTo("Slow delivery");
    assertThat(latest.path("trigger").asText()).isEqualTo("post-purchase");
    assertThat(latest.path("channel").asText()).isEqualTo("email");
    assertThat(latest.path("answeredAt").asText()).isEqualTo(NOW.minus(Duration.ofDays(2)).toString());
    assertThat(body.path("history").get(1).path("comment").isNull()).isTrue();
    // 1 promoter, 1 passive, 1 detractor: NPS 0; n' = 6, p' = d' = 1.75/6, Var' = 3.5/6/6 = 0.0972,
    // 1.96 * sqrt(Var') = 0.6111: -61.1 .. 61.1
    JsonNode rollup = body.path("rollup");
    assertThat(rollup.path("n").asInt()).isEqualTo(3);
    assertThat(rollup.path("promoters").asInt()).isEqualTo(1);
    assertThat(rollup.path("passives").asInt()).isEqualTo(1);
    assertThat(rollup.path("detractors").asInt()).isEqualTo(1);
    assertThat(rollup.path("nps").asDouble()).isEqualTo(0.0);
    assertThat(rollup.path("ci95").path("low").asDouble()).isEqualTo(-61.1);
    assertThat(rollup.path("ci95").path("high").asDouble()).isEqualTo(61.1);
    assertThat(rollup.path("tooSmallToCompare").asBoolean()).isTrue();
    assertThat(rollup.path("since").isNull()).as("a contact's NPS counts all its answers").isTrue();
  }

  @Test
  void anAccountRollsUpItsContactsOverTheConfiguredWindow() throws Exception {
    JsonNode body = json.readTree(get("/api/v1/connections/east/accounts/A1/nps", bearer(EAST_TOKEN)).body());

    assertThat(body.path("account").asText()).isEqualTo("A1");
    assertThat(scores(body.path("history"))).containsExactly(6, 9, 8, 10, 3);
    assertThat(contacts(body.path("history"))).containsExactly("101", "102", "101", "101", "102");
    // 90 days: 10, 9 (promoters), 8 (passive), 6 (detractor); the 3 is 200 days old
    // NPS 25; n' = 7, p' = 2.75/7, d' = 1.75/7, CI = -44.2 .. 72.7
    JsonNode rollup = body.path("rollup");
    assertThat(rollup.path("n").asInt()).isEqualTo(4);
    assertThat(rollup.path("nps").asDouble()).isEqualTo(25.0);
    assertThat(rollup.path("ci95").path("low").asDouble()).isEqualTo(-44.2);
    assertThat(rollup.path("ci95").path("high").asDouble()).isEqualTo(72.7);
    assertThat(rollup.path("since").asText()).isEqualTo(NOW.minus(Duration.ofDays(90)).toString());
  }

  @Test
  void aRecordWithoutAnswersHasAnEmptyHistoryAndNoScore() throws Exception {
    JsonNode body = json.readTree(get("/api/v1/connections/east/contacts/999/nps", bearer(EAST_TOKEN)).body());

    assertThat(body.path("latest").isNull()).isTrue();
    assertThat(body.path("history").size()).isZero();
    assertThat(body.path("rollup").path("n").asInt()).isZero();
    assertThat(body.path("rollup").path("nps").isNull()).isTrue();
    assertThat(body.path("rollup").path("ci95").isNull()).isTrue();
  }

  @Test
  void neverReturnsAnswersOfAnotherConnection() throws Exception {
    JsonNode east = json.readTree(get("/api/v1/connections/east/contacts/101/nps", bearer(BOTH_TOKEN)).body());
    JsonNode west = json.readTree(get("/api/v1/connections/west/contacts/101/nps", bearer(BOTH_TOKEN)).body());
    assertThat(scores(east.path("history"))).containsExactly(6, 8, 10);
    assertThat(scores(west.path("history"))).containsExactly(0, 1);
    assertThat(west.path("rollup").path("n").asInt()).isEqualTo(2);

    HttpResponse<String> forbidden = get("/api/v1/connections/west/contacts/101/nps", bearer(EAST_TOKEN));
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(json.readTree(forbidden.body()).path("error").asText())
        .isEqualTo("API token 'east-warehouse' may not read connection 'west'");
    assertThat(forbidden.body()).doesNotContain("west only");
    HttpResponse<String> account = get("/api/v1/connections/west/accounts/A1/nps", bearer(EAST_TOKEN));
    assertThat(account.statusCode()).isEqualTo(403);
  }

  @Test
  void aCardRequestSignedForItsConnectionIsServed() throws Exception {
    String path = "/api/v1/connections/east/contacts/101/nps?userId=1&portalId=123&userEmail=rep%40acme.example"
        + "&appId=9";

    HttpResponse<String> response = get(path, signed(EAST_SECRET, path, NOW));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(scores(json.readTree(response.body()).path("history"))).containsExactly(6, 8, 10);
  }

  @Test
  void aSignatureOpensOnlyItsOwnConnection() throws Exception {
    String west = "/api/v1/connections/west/contacts/101/nps?portalId=123";

    HttpResponse<String> response = get(west, signed(EAST_SECRET, west, NOW));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(json.readTree(response.body()).path("error").asText())
        .isEqualTo("header X-HubSpot-Signature-v3 does not match the request");
    assertThat(response.body()).doesNotContain("west only");
  }

  @Test
  void aTamperedOrStaleSignatureIsRefused() throws Exception {
    String signedPath = "/api/v1/connections/east/contacts/101/nps?portalId=123";
    HttpResponse<String> tampered = get("/api/v1/connections/east/contacts/102/nps?portalId=123",
        signed(EAST_SECRET, signedPath, NOW));
    assertThat(tampered.statusCode()).isEqualTo(401);

    HttpResponse<String> stale = get(signedPath, signed(EAST_SECRET, signedPath, NOW.minus(Duration.ofMinutes(6))));
    assertThat(stale.statusCode()).isEqualTo(401);
    assertThat(json.readTree(stale.body()).path("error").asText()).contains("more than 5 minutes");
  }

  @Test
  void requestsWithoutAValidCredentialAreRefused() throws Exception {
    HttpResponse<String> none = get("/api/v1/connections/east/contacts/101/nps", Map.of());
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"npsconnector\"");

    HttpResponse<String> unknown = get("/api/v1/connections/east/contacts/101/nps",
        bearer("not-a-token-0123456789abcdef0123456789"));
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(json.readTree(unknown.body()).path("error").asText()).isEqualTo("unknown API token");

    HttpResponse<String> basic = get("/api/v1/connections/east/contacts/101/nps",
        Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString("a:b".getBytes(StandardCharsets.UTF_8))));
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(unknown.body()).doesNotContain("Slow delivery");
  }

  @Test
  void historiesArePaged() throws Exception {
    JsonNode first = json.readTree(get("/api/v1/connections/east/accounts/A1/nps?size=2", bearer(EAST_TOKEN)).body());
    assertThat(scores(first.path("history"))).containsExactly(6, 9);
    assertThat(first.path("paging").path("total").asInt()).isEqualTo(5);
    String next = first.path("paging").path("next").asText();
    assertThat(next).isEqualTo("/api/v1/connections/east/accounts/A1/nps?page=1&size=2");

    JsonNode second = json.readTree(get(next, bearer(EAST_TOKEN)).body());
    assertThat(scores(second.path("history"))).containsExactly(8, 10);
    assertThat(second.path("latest").path("score").asInt()).as("the latest answer on every page").isEqualTo(6);
    JsonNode last = json.readTree(get(second.path("paging").path("next").asText(), bearer(EAST_TOKEN)).body());
    assertThat(scores(last.path("history"))).containsExactly(3);
    assertThat(last.path("paging").path("next").isNull()).isTrue();
    assertThat(last.path("rollup").path("n").asInt()).as("the roll-up does not depend on the page").isEqualTo(4);
  }

  @Test
  void badParametersAreNamed() throws Exception {
    HttpResponse<String> size = get("/api/v1/connections/east/contacts/101/nps?size=500", bearer(EAST_TOKEN));
    assertThat(size.statusCode()).isEqualTo(400);
    assertThat(json.readTree(size.body()).path("error").asText())
        .isEqualTo("query parameter 'size' must be a whole number from 1 to 100, got '500'");

    HttpResponse<String> page = get("/api/v1/connections/east/contacts/101/nps?page=-1", bearer(EAST_TOKEN));
    assertThat(page.statusCode()).isEqualTo(400);
    assertThat(json.readTree(page.body()).path("error").asText()).contains("'page'");

    HttpResponse<String> id = get("/api/v1/connections/east/contacts/a%20b/nps", bearer(EAST_TOKEN));
    assertThat(id.statusCode()).isEqualTo(400);
  }

  @Test
  void callersAreRateLimitedAndSoAreFailedSignIns() throws Exception {
    startServer(3, 2);
    for (int i = 0; i < 3; i++) {
      assertThat(get("/api/v1/connections/east/contacts/101/nps", bearer(EAST_TOKEN)).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> limited = get("/api/v1/connections/east/contacts/101/nps", bearer(EAST_TOKEN));
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("60");
    // another caller has its own budget
    assertThat(get("/api/v1/connections/west/contacts/101/nps", bearer(BOTH_TOKEN)).statusCode()).isEqualTo(200);

    assertThat(get("/api/v1/connections/east/contacts/101/nps", Map.of()).statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/connections/east/contacts/101/nps", Map.of()).statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/connections/east/contacts/101/nps", Map.of()).statusCode()).isEqualTo(429);

    clock.advance(Duration.ofMinutes(1));
    assertThat(get("/api/v1/connections/east/contacts/101/nps", bearer(EAST_TOKEN)).statusCode()).isEqualTo(200);
  }

  @Test
  void theOpenApiDescriptionMatchesTheRoutesAndTheBodies() throws Exception {
    HttpResponse<String> served = get("/api/v1/openapi.yaml", Map.of());
    assertThat(served.statusCode()).isEqualTo(200);
    JsonNode spec = new YAMLMapper().readTree(served.body());
    assertThat(spec.path("openapi").asText()).startsWith("3.");

    Set<String> paths = new TreeSet<>();
    spec.path("paths").fieldNames().forEachRemaining(paths::add);
    assertThat(paths).containsExactlyInAnyOrder(ReadApi.CONTACT_ROUTE, ReadApi.ACCOUNT_ROUTE,
        ReadApi.OPENAPI);
    for (String route : List.of(ReadApi.CONTACT_ROUTE, ReadApi.ACCOUNT_ROUTE)) {
      JsonNode get = spec.path("paths").path(route).path("get");
      Set<String> parameters = new TreeSet<>();
      for (JsonNode parameter : get.path("parameters")) {
        String reference = parameter.path("$ref").asText();
        parameters.add(spec.path("components").path("parameters").path(reference.substring(reference.lastIndexOf('/')
            + 1)).path("name").asText());
      }
      assertThat(parameters).containsExactlyInAnyOrder("connection", "id", "page", "size");
      assertThat(fieldNames(get.path("responses"))).containsExactlyInAnyOrder("200", "400", "401", "403", "404",
          "429");
    }

    JsonNode schemas = spec.path("components").path("schemas");
    JsonNode contact = json.readTree(get("/api/v1/connections/east/contacts/101/nps", bearer(EAST_TOKEN)).body());
    JsonNode account = json.readTree(get("/api/v1/connections/east/accounts/A1/nps", bearer(EAST_TOKEN)).body());
    assertMatches(contact, schemas.path("ContactNps"));
    assertMatches(account, schemas.path("AccountNps"));
    assertMatches(contact.path("rollup"), schemas.path("Rollup"));
    assertMatches(contact.path("paging"), schemas.path("Paging"));
    assertMatches(contact.path("latest"), schemas.path("Response"));
    for (JsonNode row : account.path("history")) {
      assertMatches(row, schemas.path("Response"));
    }
    assertThat(fieldNames(contact.path("rollup").path("ci95"))).containsExactlyInAnyOrderElementsOf(
        fieldNames(schemas.path("Rollup").path("properties").path("ci95").path("properties")));
    List<String> categories = new ArrayList<>();
    schemas.path("Response").path("properties").path("category").path("enum").forEach(value ->
        categories.add(value.asText()));
    assertThat(categories).contains(contact.path("latest").path("category").asText());
  }

  /** The body has exactly the schema's properties, every required one among them. */
  private static void assertMatches(JsonNode body, JsonNode schema) {
    assertThat(fieldNames(body)).as("properties of %s", body)
        .containsExactlyInAnyOrderElementsOf(fieldNames(schema.path("properties")));
    List<String> required = new ArrayList<>();
    schema.path("required").forEach(name -> required.add(name.asText()));
    assertThat(fieldNames(body)).containsAll(required);
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
      names.add(it.next());
    }
    return names;
  }

  // ---- helpers

  private HttpResponse<String> get(String pathAndQuery, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + pathAndQuery))
        .timeout(Duration.ofSeconds(10)).GET();
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  /**
   * HubSpot's v3 signature as its documentation describes it: Base64 of HMAC-SHA256 with the app secret over
   * method, the URI it called, the body and the timestamp.
   */
  private static Map<String, String> signed(String secret, String pathAndQuery, Instant at)
      throws GeneralSecurityException {
    String timestamp = Long.toString(at.toEpochMilli());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String source = "GET" + PUBLIC_URL + pathAndQuery.replace("%40", "@") + timestamp;
    String signature = Base64.getEncoder().encodeToString(mac.doFinal(source.getBytes(StandardCharsets.UTF_8)));
    return Map.of("X-HubSpot-Signature-v3", signature, "X-HubSpot-Request-Timestamp", timestamp);
  }

  private static List<Integer> scores(JsonNode history) {
    List<Integer> scores = new ArrayList<>();
    history.forEach(row -> scores.add(row.path("score").asInt()));
    return scores;
  }

  private static List<String> contacts(JsonNode history) {
    List<String> contacts = new ArrayList<>();
    history.forEach(row -> contacts.add(row.path("contact").asText()));
    return contacts;
  }

  private void answer(String connection, String contact, String account, int score, String comment, Instant at) {
    long id = ++invitations;
    database.jdbi().useHandle(handle -> {
      handle.createUpdate("INSERT INTO invitations (id, connection, trigger_name, dedup_key, contact_crm_id, "
              + "account_id, channel, state, send_at, sent_at, created_at, updated_at) VALUES (:id, :connection, "
              + "'post-purchase', :key, :contact, :account, 'email', 'ANSWERED', :at, :at, :at, :at)")
          .bind("id", id).bind("connection", connection).bind("key", "event:" + id + ":" + contact)
          .bind("contact", contact).bind("account", account).bind("at", java.sql.Timestamp.from(at)).execute();
      handle.createUpdate("INSERT INTO answers (invitation_id, score, comment_text, answered_at, updated_at) "
              + "VALUES (:id, :score, :comment, :at, :at)")
          .bind("id", id).bind("score", score).bindByType("comment", comment, String.class)
          .bind("at", java.sql.Timestamp.from(at)).execute();
    });
  }

  /** An adapter of our own SPI that only verifies signatures, as a HubSpot connection's adapter does. */
  private record SigningAdapter(SignedRequestVerifier verifier) implements CrmAdapter, SignedRequestVerifier {
    @Override
    public Optional<String> refusal(String method, String uri, Map<String, String> headers, byte[] body) {
      return verifier.refusal(method, uri, headers, body);
    }

    @Override
    public ConnectionCheck check() {
      throw new UnsupportedOperationException("not used by the read API");
    }

    @Override
    public ChangePage readChanges(SyncCursor cursor) {
      throw new UnsupportedOperationException("not used by the read API");
    }

    @Override
    public int maxWriteBatch() {
      return 1;
    }

    @Override
    public List<RecordResult> write(List<WriteRequest> requests) {
      throw new UnsupportedOperationException("not used by the read API");
    }

    @Override
    public FieldReport describeFields() {
      throw new UnsupportedOperationException("not used by the read API");
    }

    @Override
    public FieldReport installFields() {
      throw new UnsupportedOperationException("not used by the read API");
    }

    @Override
    public void close() {}
  }
}
