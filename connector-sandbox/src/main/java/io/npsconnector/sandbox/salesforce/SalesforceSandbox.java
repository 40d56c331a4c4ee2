package io.npsconnector.sandbox.salesforce;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * A stateful Salesforce-compatible org on loopback for the demo and end-to-end tests: the Partner SOAP API
 * ({@code POST /services/Soap/u/{version}}: {@code query}, {@code queryAll}, {@code queryMore},
 * {@code update}, {@code create}, {@code upsert}, {@code describeSObjects}) in the exact wire format WSC
 * expects, and the
 * OAuth 2.0 token endpoint ({@code POST /services/oauth2/token}, client-credentials and JWT bearer flows).
 *
 * <p>It enforces Salesforce's limits: query pages of at most 2,000 records (the request's
 * {@code QueryOptions.batchSize}, 200 to 2,000), at most 200 records per {@code create}/{@code update}/{@code upsert}
 * ({@code EXCEEDED_ID_LIMIT} beyond), a daily API request limit reported in every answer's
 * {@code LimitInfoHeader} ({@code REQUEST_LIMIT_EXCEEDED} beyond it; 15,000 by default, as in a Developer
 * Edition org), text no longer than its field ({@code STRING_TOO_LONG} per record, such as 32,000 characters of
 * {@code Task.Description}), and an sObject's elements in the WSDL's order ({@code fieldsToNull} after the
 * {@code Id} or a field is refused while reading the envelope: a {@code soapenv:Client} fault, "Element
 * {...}fieldsToNull invalid at this location"). The session id of every call is checked
 * ({@code INVALID_SESSION_ID}). Calls are counted per
 * operation; faults and latency can be injected, deterministically for a seed.
 *
 * <p>Not modelled: SOQL beyond the AND-ed comparisons the connector sends, Bulk and REST APIs, the rolling 24-hour window
 * (usage only grows until {@link #apiUsage(long)} resets it).
 */
public final class SalesforceSandbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SalesforceSandbox.class);
  public static final String API_VERSION = "65.0";
  public static final int MAX_RECORDS_PER_CALL = 200;
  public static final int MAX_QUERY_PAGE = OrgStore.MAX_PAGE;
  /** The daily API request limit of a Developer Edition org. */
  public static final long DEVELOPER_EDITION_DAILY_LIMIT = 15_000;
  public static final String DEFAULT_CLIENT_ID = "3MVG9sandbox.consumer.key";
  public static final String DEFAULT_CLIENT_SECRET = "sandbox-consumer-secret";
  public static final String DEFAULT_USERNAME = "integration@example.com";
  public static final String ORG_ID = "00D000000000001EAA";
  /** The operations {@link #calls()} counts, in its order. */
  public static final List<String> OPERATIONS = List.of("query", "queryAll", "queryMore", "update", "create",
      "upsert", "describeSObjects");
  private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Clock clock;
  private final OrgStore store = new OrgStore();
  private final SyntheticOrg synthetic;
  private final Random faultRandom;
  private final SecureRandom tokenRandom = new SecureRandom();
  private final Set<String> sessions = new HashSet<>();
  private final String staticToken;
  private final Map<String, Integer> calls = new LinkedHashMap<>();
  private final List<String> statements = new CopyOnWriteArrayList<>();
  private Javalin server;
  private String baseUrl;
  private int requestedPort;
  private String clientId = DEFAULT_CLIENT_ID;
  private String clientSecret = DEFAULT_CLIENT_SECRET;
  private String username = DEFAULT_USERNAME;
  private PublicKey jwtKey;
  private long dailyLimit = DEVELOPER_EDITION_DAILY_LIMIT;
  private long apiUsed;
  private double errorRate;
  private Duration latency = Duration.ZERO;
  private int injectedFaults;
  private int tokenRequests;

  /** An empty org (no records) on {@code clock}; fault injection seeded with 0. */
  public SalesforceSandbox(Clock clock) {
    this(clock, 0L);
  }

  private SalesforceSandbox(Clock clock, long seed) {
    this.clock = clock;
    this.synthetic = new SyntheticOrg(store, new Random(seed));
    this.faultRandom = new Random(seed ^ 0x5DEECE66DL);
    this.staticToken = ORG_ID + "!" + "STATIC" + Long.toHexString(seed & 0xFFFFFFL).toUpperCase(Locale.ROOT)
        + ".sandbox.session";
    OPERATIONS.forEach(operation -> calls.put(operation, 0));
  }

  /** An org with {@code contacts} synthetic contacts and their accounts, deals and cases, on the system clock. */
  public static SalesforceSandbox seeded(long seed, int contacts) {
    return seeded(seed, contacts, Clock.systemUTC());
  }

  /**
   * An org with {@code contacts} synthetic contacts and their accounts, won and open opportunities with
   * contact roles, closed and open cases, all last changed within the 90 days before {@code clock}'s now
   * (and at least a day before it). The same seed makes the same org.
   */
  public static SalesforceSandbox seeded(long seed, int contacts, Clock clock) {
    if (contacts < 1) {
      throw new IllegalArgumentException("a seeded org needs at least one contact, got " + contacts);
    }
    SalesforceSandbox sandbox = new SalesforceSandbox(clock, seed);
    sandbox.synthetic.seed(contacts, clock.instant());
    return sandbox;
  }

  // ---- configuration ----

  /**
   * The port to listen on (0, the default: any free one); before {@link #start()}, which fails naming the port
   * when it is taken.
   */
  public synchronized SalesforceSandbox port(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("a port is from 0 to 65535, got " + port);
    }
    this.requestedPort = port;
    return this;
  }

  /** The connected app's consumer key and secret the token endpoint accepts. */
  public synchronized SalesforceSandbox clientCredentials(String id, String secret) {
    this.clientId = id;
    this.clientSecret = secret;
    return this;
  }

  /** The user a JWT bearer assertion must name as its subject. */
  public synchronized SalesforceSandbox username(String name) {
    this.username = name;
    return this;
  }

  /**
   * The connected app's certificate key: JWT bearer assertions must be signed (RS256) with its private key.
   * Without one, signatures are not checked (issuer, subject, audience and expiry still are).
   */
  public synchronized SalesforceSandbox jwtPublicKey(PublicKey key) {
    this.jwtKey = key;
    return this;
  }

  /** The org's daily API request limit (default {@value #DEVELOPER_EDITION_DAILY_LIMIT}). */
  public synchronized SalesforceSandbox dailyLimit(long limit) {
    this.dailyLimit = limit;
    return this;
  }

  /** Sets the requests used so far today (a fresh day: 0). */
  public synchronized SalesforceSandbox apiUsage(long used) {
    this.apiUsed = used;
    return this;
  }

  /**
   * From now on every SOAP call waits {@code latency}, and fails with probability {@code errorRate} (a
   * {@code SERVER_UNAVAILABLE} fault or a 503 maintenance page), drawn from a generator seeded with the
   * org's seed, so the same sequence of calls fails the same way.
   */
  public synchronized SalesforceSandbox faults(double rate, Duration delay) {
    if (rate < 0 || rate > 1) {
      throw new IllegalArgumentException("errorRate must be within 0..1, got " + rate);
    }
    this.errorRate = rate;
    this.latency = delay == null ? Duration.ZERO : delay;
    return this;
  }

  // ---- lifecycle ----

  /** Starts listening on 127.0.0.1 and returns the base URL, {@code http://127.0.0.1:PORT}. */
  public synchronized String start() {
    if (server != null) {
      return baseUrl;
    }
    Javalin app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.startupWatcherEnabled = false;
      // answers go out whole with a Content-Length: WSC stops reading at the envelope's end and closes
      config.http.disableCompression();
    });
    app.post("/services/Soap/u/{version}", this::soap);
    app.post("/services/Soap/u/{version}/{org}", this::soap);
    app.post("/services/oauth2/token", this::token);
    try {
      app.start("127.0.0.1", requestedPort);
    } catch (RuntimeException e) {
      app.stop();
      throw new IllegalStateException("the Salesforce sandbox cannot listen on 127.0.0.1:" + requestedPort
          + (requestedPort == 0 ? "" : " (is the port taken by another process?)") + ": " + e.getMessage(), e);
    }
    server = app;
    baseUrl = "http://127.0.0.1:" + app.port();
    LOG.info("Salesforce sandbox listening on {}", baseUrl);
    return baseUrl;
  }

  public synchronized String baseUrl() {
    if (baseUrl == null) {
      throw new IllegalStateException("the sandbox is not started");
    }
    return baseUrl;
  }

  /** The Partner API endpoint, {@code {base}/services/Soap/u/65.0}. */
  public String soapEndpoint() {
    return baseUrl() + "/services/Soap/u/" + API_VERSION;
  }

  @Override
  public void close() {
    Javalin running;
    synchronized (this) {
      running = server;
      server = null;
    }
    if (running != null) {
      running.stop(); // outside the lock: requests in flight need it to finish
    }
  }

  // ---- sessions ----

  /** A session id that is always valid (for {@code auth: static-token} connections) until revoked. */
  public synchronized String staticToken() {
    sessions.add(staticToken);
    return staticToken;
  }

  /** Makes every session id handed out so far invalid, as after a session timeout. */
  public synchronized void revokeSessions() {
    sessions.clear();
  }

  // ---- changing the org ----

  /**
   * Makes {@code count} new events changed at the clock's now: won opportunities with contact roles
   * (one primary, up to two others) and closed cases with a contact, alternately. Returns their ids.
   */
  public synchronized List<String> addEventsNow(int count) {
    return synthetic.events(count, clock.instant());
  }

  /** Changes {@code count} contacts (the first ones by id) at the clock's now, as an edit by a user would. */
  public synchronized List<String> touchContactsNow(int count) {
    List<String> ids = new ArrayList<>();
    for (SandboxRecord contact : store.all("Contact")) {
      if (ids.size() >= count) {
        break;
      }
      if (!contact.deleted) {
        contact.stamp(clock.instant());
        contact.fields.put("LastModifiedDate", SoapXml.dateTime(contact.stamp()));
        contact.fields.put("Title", "Updated " + SoapXml.dateTime(contact.stamp()));
        ids.add(contact.id);
      }
    }
    return ids;
  }

  /** Deletes a contact at the clock's now (into the recycle bin: {@code queryAll} still returns it). */
  public synchronized void deleteContactNow(String id) {
    SandboxRecord contact = store.find("Contact", id).orElseThrow(() -> new IllegalArgumentException(
        "no contact " + id));
    contact.deleted = true;
    contact.stamp(clock.instant());
  }

  /**
   * A rep completes a task in Salesforce at the clock's now: {@code Status} Completed, saved as that user, so
   * that {@code IsClosed}, {@code CompletedDateTime} and {@code LastModifiedById} are set as Salesforce sets them.
   *
   * @param userId one of {@link #users()}
   */
  public synchronized void completeTaskNow(String taskId, String userId) {
    saveTaskAs(taskId, Map.of("Status", "Completed"), userId);
  }

  /** A rep sets a task's status (a picklist value such as {@code In Progress}) at the clock's now, as that user. */
  public synchronized void saveTaskAs(String taskId, Map<String, String> values, String userId) {
    if (store.find("User", userId).isEmpty()) {
      throw new IllegalArgumentException("no user " + userId + "; the org's users are " + users().keySet());
    }
    store.saveAs("Task", taskId, values, userId, clock.instant());
  }

  /** A rep deletes a task at the clock's now (into the recycle bin: {@code queryAll} returns it with IsDeleted). */
  public synchronized void deleteTaskNow(String id) {
    SandboxRecord task = store.find("Task", id).orElseThrow(() -> new IllegalArgumentException("no task " + id));
    task.deleted = true;
    task.stamp(clock.instant());
  }

  /** The org's users by id, with their names (the integration user first, then the reps who own records). */
  public synchronized Map<String, String> users() {
    Map<String, String> users = new LinkedHashMap<>();
    store.all("User").forEach(user -> users.put(user.id, user.get("Name")));
    return users;
  }

  /** Forgets every open query cursor, as Salesforce does after two days ({@code INVALID_QUERY_LOCATOR}). */
  public synchronized void expireQueryLocators() {
    store.expireCursors();
  }

  // ---- what happened ----

  /** SOAP calls received per operation (faulted calls included), keyed as {@link #OPERATIONS} and any other. */
  public synchronized Map<String, Integer> calls() {
    return new LinkedHashMap<>(calls);
  }

  public synchronized int totalCalls() {
    return calls.values().stream().mapToInt(Integer::intValue).sum();
  }

  public synchronized void resetCalls() {
    calls.replaceAll((operation, count) -> 0);
  }

  /** API requests counted against today's limit. */
  public synchronized long apiUsed() {
    return apiUsed;
  }

  public synchronized long dailyLimit() {
    return dailyLimit;
  }

  public synchronized int injectedFaults() {
    return injectedFaults;
  }

  public synchronized int tokenRequests() {
    return tokenRequests;
  }

  /** Every SOQL statement received by query and queryAll, in order. */
  public List<String> soql() {
    return List.copyOf(statements);
  }

  /** A contact's fields as stored now (after write-backs), with {@code Id}, {@code IsDeleted}, {@code SystemModstamp}. */
  public synchronized Optional<Map<String, String>> contact(String id) {
    return store.find("Contact", id).map(SandboxRecord::snapshot);
  }

  /** Ids of the contacts not deleted, in creation order. */
  public synchronized List<String> contactIds() {
    return store.all("Contact").stream().filter(record -> !record.deleted).map(record -> record.id).toList();
  }

  /** Every record of an object (Account, Contact, Task, Opportunity, OpportunityContactRole, Case) as stored. */
  public synchronized List<Map<String, String>> records(String type) {
    return store.all(store.schema.require(type).name).stream().map(SandboxRecord::snapshot).toList();
  }

  /**
   * Sets the External ID and Unique attributes of Task's {@code NPS_Key__c} (both on, as the connector's
   * source deploys it, by default): an org whose admin made the field by hand, differently.
   */
  public synchronized SalesforceSandbox taskKeyField(boolean externalId, boolean unique) {
    store.schema.require("Task").externalId("NPS_Key__c", externalId, unique);
    return this;
  }

  /** Every task created through the API (and any other), in creation order. */
  public List<Map<String, String>> tasks() {
    return records("Task");
  }

  /** Ids of won opportunities. */
  public synchronized List<String> wonOpportunityIds() {
    return store.all("Opportunity").stream().filter(record -> "true".equals(record.fields.get("IsWon")))
        .map(record -> record.id).toList();
  }

  /** Ids of closed cases that name a contact. */
  public synchronized List<String> closedCaseIds() {
    return store.all("Case").stream().filter(record -> "true".equals(record.fields.get("IsClosed"))
        && record.fields.get("ContactId") != null).map(record -> record.id).toList();
  }

  // ---- the token endpoint ----

  private void token(Context ctx) {
    String grant = Optional.ofNullable(ctx.formParam("grant_type")).orElse("");
    String problem;
    synchronized (this) {
      tokenRequests++;
      problem = switch (grant) {
        case "client_credentials" -> clientId.equals(ctx.formParam("client_id"))
            && clientSecret.equals(ctx.formParam("client_secret")) ? null : "invalid client credentials";
        case JWT_BEARER -> assertionProblem(ctx.formParam("assertion"));
        default -> "unsupported";
      };
    }
    ctx.contentType("application/json;charset=UTF-8");
    if ("unsupported".equals(problem)) {
      ctx.status(400).result(json(Map.of("error", "unsupported_grant_type", "error_description",
          "grant type not supported")));
      return;
    }
    if (problem != null) {
      ctx.status(400).result(json(Map.of("error", "invalid_grant", "error_description", problem)));
      return;
    }
    String token = issueToken();
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("access_token", token);
    answer.put("signature", Base64.getEncoder().encodeToString(random(32)));
    answer.put("scope", "api");
    answer.put("instance_url", baseUrl());
    answer.put("id", baseUrl() + "/id/" + ORG_ID + "/" + OrgStore.INTEGRATION_USER);
    answer.put("token_type", "Bearer");
    answer.put("issued_at", Long.toString(clock.millis()));
    ctx.status(200).result(json(answer));
  }

  /** A new valid session id, as the token endpoint hands out. */
  public synchronized String issueToken() {
    String token = ORG_ID + "!AQ" + Base64.getUrlEncoder().withoutPadding().encodeToString(random(48));
    sessions.add(token);
    return token;
  }

  private byte[] random(int length) {
    byte[] bytes = new byte[length];
    tokenRandom.nextBytes(bytes);
    return bytes;
  }

  /** Why a JWT bearer assertion is refused, or null. */
  private String assertionProblem(String assertion) {
    if (assertion == null || assertion.split("\\.").length != 3) {
      return "invalid assertion";
    }
    if (jwtKey != null) {
      String[] parts = assertion.split("\\.");
      try {
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initVerify(jwtKey);
        signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        if (!signature.verify(Base64.getUrlDecoder().decode(parts[2]))) {
          return "invalid assertion";
        }
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        return "invalid assertion";
      }
    }
    JsonNode claims;
    try {
      claims = JSON.readTree(Base64.getUrlDecoder().decode(assertion.split("\\.")[1]));
    } catch (IOException | IllegalArgumentException e) {
      return "invalid assertion";
    }
    if (!clientId.equals(claims.path("iss").asText())) {
      return "invalid client credentials";
    }
    if (!username.equals(claims.path("sub").asText())) {
      return "user hasn't approved this consumer";
    }
    String audience = claims.path("aud").asText();
    if (!audience.equals(baseUrl) && !audience.equals("https://login.salesforce.com")
        && !audience.equals("https://test.salesforce.com")) {
      return "audience is invalid";
    }
    if (claims.path("exp").asLong(0) * 1000 < clock.millis() - 60_000) {
      return "expired authorization code";
    }
    return null;
  }

  private static String json(Map<String, String> values) {
    try {
      return JSON.writeValueAsString(values);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- the Partner SOAP API ----

  private void soap(Context ctx) {
    String xml;
    try {
      xml = answer(ctx);
      ctx.status(200);
    } catch (SoapFault fault) {
      xml = SoapXml.fault(fault);
      ctx.status(500);
    } catch (MaintenancePage page) {
      ctx.status(503).contentType("text/html; charset=utf-8").result("<html><head><title>Down for maintenance"
          + "</title></head><body><h1>Salesforce is down for maintenance</h1></body></html>");
      return;
    }
    ctx.contentType("text/xml; charset=utf-8").result(xml);
  }

  /** A 503 HTML page in place of a SOAP answer. */
  private static final class MaintenancePage extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MaintenancePage() {
      super(null, null, false, false);
    }
  }

  private String answer(Context ctx) {
    Document request = parse(body(ctx));
    Element body = child(request.getDocumentElement(), "Body")
        .orElseThrow(() -> new SoapFault("UNKNOWN_EXCEPTION", "no SOAP Body"));
    Element call = firstElement(body).orElseThrow(() -> new SoapFault("UNKNOWN_EXCEPTION", "an empty SOAP Body"));
    String operation = call.getLocalName();
    Optional<Element> header = child(request.getDocumentElement(), "Header");
    String session = header.flatMap(h -> descendant(h, "sessionId")).map(e -> e.getTextContent().strip()).orElse("");
    int batchSize = header.flatMap(h -> descendant(h, "batchSize")).map(e -> {
      try {
        return Integer.parseInt(e.getTextContent().strip());
      } catch (NumberFormatException ex) {
        return 0;
      }
    }).orElse(0);
    Duration delay;
    boolean inject;
    boolean maintenance;
    synchronized (this) {
      calls.merge(operation, 1, Integer::sum);
      delay = latency;
      inject = errorRate > 0 && faultRandom.nextDouble() < errorRate;
      maintenance = inject && faultRandom.nextInt(4) == 0;
      if (inject) {
        injectedFaults++;
      }
    }
    if (!delay.isZero()) {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      if (!sessions.contains(session)) {
        throw new SoapFault("INVALID_SESSION_ID", "Invalid Session ID found in SessionHeader: Illegal Session. "
            + "Session not found, missing session hash");
      }
      if (inject) {
        if (maintenance) {
          throw new MaintenancePage();
        }
        throw new SoapFault("SERVER_UNAVAILABLE", "Server unavailable: the sandbox injected this fault");
      }
      if (apiUsed >= dailyLimit) {
        throw new SoapFault("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
      }
      apiUsed++;
      String limitInfo = SoapXml.limitInfo(apiUsed, dailyLimit);
      String result = switch (operation) {
        case "query", "queryAll" -> {
          String soql = descendant(call, "queryString").map(Element::getTextContent).orElse("");
          statements.add(soql);
          yield store.query(soql, operation.equals("queryAll"), batchSize);
        }
        case "queryMore" -> store.queryMore(descendant(call, "queryLocator").map(Element::getTextContent)
            .map(String::strip).orElse(null), batchSize);
        case "update", "create" -> saveResults(store.save(operation.equals("create"), inputs(call),
            clock.instant()));
        case "upsert" -> upsertResults(store.upsert(child(call, "externalIDFieldName")
            .map(e -> e.getTextContent().strip()).orElse(""), inputs(call), clock.instant()));
        case "describeSObjects", "describeSObject" -> describe(call);
        default -> throw new SoapFault("UNKNOWN_EXCEPTION", "the sandbox does not answer " + operation);
      };
      return SoapXml.envelope(limitInfo, "<" + operation + "Response>" + result + "</" + operation + "Response>");
    }
  }

  private String describe(Element call) {
    StringBuilder xml = new StringBuilder();
    NodeList types = call.getElementsByTagNameNS("*", "sObjectType");
    if (types.getLength() == 0) {
      throw new SoapFault("INVALID_TYPE", "sObject type '' is not supported.");
    }
    if (types.getLength() > 100) {
      throw new SoapFault("EXCEEDED_ID_LIMIT", "describeSObjects: no more than 100 types per call");
    }
    List<SObjectSchema.ObjectDef> objects = new ArrayList<>();
    for (int i = 0; i < types.getLength(); i++) {
      objects.add(store.schema.require(types.item(i).getTextContent().strip()));
    }
    objects.forEach(object -> xml.append(SObjectSchema.describe(object)));
    return xml.toString();
  }

  private static List<OrgStore.Input> inputs(Element call) {
    List<OrgStore.Input> inputs = new ArrayList<>();
    for (Node node = call.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (!(node instanceof Element sObject) || !"sObjects".equals(sObject.getLocalName())) {
        continue;
      }
      String type = null;
      String id = null;
      Map<String, String> values = new LinkedHashMap<>();
      List<String> toNull = new ArrayList<>();
      boolean pastFieldsToNull = false;
      for (Node field = sObject.getFirstChild(); field != null; field = field.getNextSibling()) {
        if (!(field instanceof Element element)) {
          continue;
        }
        String name = element.getLocalName();
        String text = element.getTextContent();
        // the Partner WSDL's sObject is a sequence: type, fieldsToNull*, Id, then the fields
        if (name.equals("fieldsToNull") && pastFieldsToNull) {
          throw SoapFault.elementOutOfPlace(SoapXml.SOBJECT, name);
        }
        pastFieldsToNull |= !name.equals("type") && !name.equals("fieldsToNull");
        switch (name) {
          case "type" -> type = text.strip();
          case "Id" -> id = text.strip().isEmpty() ? null : text.strip();
          case "fieldsToNull" -> toNull.add(text.strip());
          default -> values.put(name, text);
        }
      }
      inputs.add(new OrgStore.Input(type, id, values, toNull));
    }
    return inputs;
  }

  private static String saveResults(List<OrgStore.Saved> results) {
    StringBuilder xml = new StringBuilder(results.size() * 120);
    for (OrgStore.Saved saved : results) {
      xml.append("<result>");
      saveResult(xml, saved);
      xml.append("</result>");
    }
    return xml.toString();
  }

  /** {@code UpsertResult}s: {@code created} first, then what a {@code SaveResult} holds, in the WSDL's order. */
  private static String upsertResults(List<OrgStore.Upserted> results) {
    StringBuilder xml = new StringBuilder(results.size() * 140);
    for (OrgStore.Upserted upserted : results) {
      xml.append("<result><created>").append(upserted.created()).append("</created>");
      saveResult(xml, upserted.saved());
      xml.append("</result>");
    }
    return xml.toString();
  }

  private static void saveResult(StringBuilder xml, OrgStore.Saved saved) {
    for (OrgStore.SaveError error : saved.errors()) {
      xml.append("<errors>");
      error.fields().forEach(field -> xml.append("<fields>").append(SoapXml.escape(field)).append("</fields>"));
      xml.append("<message>").append(SoapXml.escape(error.message())).append("</message><statusCode>")
          .append(error.statusCode()).append("</statusCode></errors>");
    }
    if (saved.id() == null) {
      xml.append("<id xsi:nil=\"true\"/><success>false</success>");
    } else {
      xml.append("<id>").append(saved.id()).append("</id><success>true</success>");
    }
  }


  // ---- XML ----

  private static byte[] body(Context ctx) {
    byte[] bytes = ctx.bodyAsBytes();
    String encoding = ctx.header("Content-Encoding");
    if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("gzip")) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new SoapFault("UNKNOWN_EXCEPTION", "the request body is not gzip: " + e.getMessage());
      }
    }
    return bytes;
  }

  private static Document parse(byte[] xml) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setExpandEntityReferences(false);
      return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    } catch (Exception e) {
      throw new SoapFault("UNKNOWN_EXCEPTION", "the request is not a SOAP envelope: "
          + new String(xml, 0, Math.min(xml.length, 80), StandardCharsets.UTF_8));
    }
  }

  private static Optional<Element> child(Element parent, String localName) {
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && localName.equals(element.getLocalName())) {
        return Optional.of(element);
      }
    }
    return Optional.empty();
  }

  private static Optional<Element> firstElement(Element parent) {
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element) {
        return Optional.of(element);
      }
    }
    return Optional.empty();
  }

  private static Optional<Element> descendant(Element parent, String localName) {
    NodeList nodes = parent.getElementsByTagNameNS("*", localName);
    return nodes.getLength() == 0 ? Optional.empty() : Optional.of((Element) nodes.item(0));
  }

  /** Calls per operation as a sorted copy, for messages. */
  @Override
  public synchronized String toString() {
    return "Salesforce sandbox " + (baseUrl == null ? "(not started)" : baseUrl) + " " + new TreeMap<>(calls);
  }
}
