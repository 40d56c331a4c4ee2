package io.npsconnector.sandbox.hubspot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stateful HubSpot-compatible API on {@code 127.0.0.1} for the demo and end-to-end tests: seeded,
 * deterministic synthetic contacts, companies, deals and tickets, answering exactly the calls the
 * HubSpot adapter makes, in HubSpot's shapes.
 *
 * <p>Endpoints: CRM search ({@code POST /crm/v3/objects/{type}/search}: filter groups with EQ, NEQ, LT,
 * LTE, GT, GTE, BETWEEN, IN, NOT_IN, HAS_PROPERTY, NOT_HAS_PROPERTY, CONTAINS_TOKEN; one sort; limit up to
 * 200; {@code after} offsets; a 400 for any page reaching past 10,000 results), batch read, update and
 * create of objects (at most 100 inputs; 207 with per-record errors; one invalid value refuses the whole
 * batch with 400 {@code VALIDATION_ERROR}), v4 association batch reads (207 with
 * {@code NO_ASSOCIATIONS_FOUND}; at most {@value Portal#ASSOCIATION_PAGE} associations per record, the rest
 * through that record's {@code paging.next.after}), pipelines of deals and tickets, contact and company property definitions
 * and groups (list, create, batch create), the private app's token info, the OAuth access-token info, and
 * Communication Preferences v4 {@code batch/unsubscribe-all?channel=EMAIL}.
 *
 * <p>Limits, as HubSpot enforces them per token: a rolling 10-second budget (default 100, not counting
 * searches), searches per rolling second (default 5) and a daily budget (default 250,000; the day is the
 * clock's UTC day). Exceeding one answers 429 with HubSpot's body ({@code policyName}
 * {@code TEN_SECONDLY_ROLLING}, {@code SECONDLY} or {@code DAILY}); non-search answers carry the
 * {@code X-HubSpot-RateLimit-*} headers. Rate windows run on the real time (not the injected clock), so a
 * client that waits really recovers. Refused requests do not count against a window.
 *
 * <p>Searches answer in milliseconds over a million contacts: filters on the record id and range filters on the
 * modified date are read from an index kept up on every write, with exact totals and the answers a scan of every
 * record gives (see {@code RecordSearch}).
 *
 * <p>Everything can be served under a path prefix, as behind a gateway ({@link #pathPrefix(String)}).
 * Associating records ({@link #associate}) moves no modified date, as in HubSpot.
 *
 * <p>Every request is counted per operation ({@link #calls()}); {@link #faults(double, Duration)} injects
 * 502/503/504 answers at a rate, deterministic for the seed, and latency. Data timestamps come from the
 * injected {@link Clock}. Thread-safe.
 */
public final class HubSpotSandbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HubSpotSandbox.class);
  public static final String DEFAULT_TOKEN = "pat-na1-sandbox-0000-0000-000000000000";
  public static final int DEFAULT_PER_TEN_SECONDS = 100;
  public static final int DEFAULT_SEARCH_PER_SECOND = 5;
  public static final long DEFAULT_DAILY_LIMIT = 250_000;
  /** Every scope the HubSpot adapter asks for. */
  public static final Set<String> ALL_SCOPES = Set.of("oauth", "crm.objects.contacts.read",
      "crm.objects.contacts.write", "crm.objects.companies.read", "crm.objects.companies.write",
      "crm.objects.deals.read", "tickets", "crm.schemas.contacts.read", "crm.schemas.contacts.write",
      "crm.schemas.companies.read", "crm.schemas.companies.write",
      "communication_preferences.statuses.batch.write", "crm.objects.owners.read");
  /** The portal's users records are assigned to ({@code hubspot_owner_id}), as the owners API shows them. */
  private static final Map<String, String[]> OWNER_USERS = Map.of(
      "61200451", new String[] {"Mara", "Lindqvist", "mara.lindqvist@northwind.example"},
      "61200452", new String[] {"Tomás", "Ferreira", "tomas.ferreira@northwind.example"},
      "61200453", new String[] {"Priya", "Raman", "priya.raman@northwind.example"},
      "61200454", new String[] {"Jonas", "Weber", "jonas.weber@northwind.example"},
      "61200455", new String[] {"Aiko", "Tanaka", "aiko.tanaka@northwind.example"});
  private static final long TEN_SECONDS_NANOS = Duration.ofSeconds(10).toNanos();
  private static final long ONE_SECOND_NANOS = Duration.ofSeconds(1).toNanos();

  /** A task or a note created through the API, with the contacts it is associated to. */
  public record Engagement(String id, Map<String, String> properties, List<String> contactIds) {}

  private final Portal portal;
  private final Clock clock;
  private final long seed;
  private final int seededContacts;
  private final Map<String, Integer> calls = new TreeMap<>();
  private final Map<String, Deque<Long>> standardWindows = new HashMap<>();
  private final Map<String, Deque<Long>> searchWindows = new HashMap<>();
  private final Map<String, Long> dailyUsed = new HashMap<>();
  private final AtomicLong correlations = new AtomicLong();
  private final AtomicLong rateLimited = new AtomicLong();
  /** The requests answered 429: operation and policy, in order. */
  private final List<String> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicLong faulted = new AtomicLong();
  private LocalDate day;
  private Random faultRandom;
  private double errorRate;
  private Duration latency = Duration.ZERO;
  private volatile String token = DEFAULT_TOKEN;
  private int requestedPort;
  private String oauthClientId;
  private String oauthClientSecret;
  private String oauthRefreshToken;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON_MAPPER =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private volatile Set<String> scopes = ALL_SCOPES;
  private volatile int perTenSeconds = DEFAULT_PER_TEN_SECONDS;
  private volatile int searchPerSecond = DEFAULT_SEARCH_PER_SECOND;
  private volatile long dailyLimit = DEFAULT_DAILY_LIMIT;
  private double eventsPerHour;
  private String pathPrefix = "";
  private Javalin server;

  private HubSpotSandbox(long seed, int contacts, Clock clock) {
    this.seed = seed;
    this.seededContacts = contacts;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.portal = new Portal(clock, seed);
    this.portal.seed(contacts);
    this.faultRandom = new Random(seed ^ 0x5DEECE66DL);
    this.eventsPerHour = Math.max(1, contacts / 20.0);
  }

  /** A portal with {@code contacts} synthetic contacts (and their companies, deals, tickets) on the system clock. */
  public static HubSpotSandbox seeded(long seed, int contacts) {
    return seeded(seed, contacts, Clock.systemUTC());
  }

  /**
   * A portal with {@code contacts} synthetic contacts, about one company per 8 contacts, 0.4 deals (55%
   * won) and 0.3 tickets (60% closed) per contact; every seeded change lies 1 hour to 180 days before
   * the clock's time. The same seed gives the same portal.
   */
  public static HubSpotSandbox seeded(long seed, int contacts, Clock clock) {
    if (contacts < 0) {
      throw new IllegalArgumentException("contacts must not be negative, got " + contacts);
    }
    return new HubSpotSandbox(seed, contacts, clock);
  }

  // ================================================================ configuration

  /** The only access token accepted (as {@code Authorization: Bearer <token>}). */
  public HubSpotSandbox token(String accepted) {
    this.token = Objects.requireNonNull(accepted, "token");
    return this;
  }

  public String token() {
    return token;
  }

  /** The scopes the token-info endpoints report. */
  public HubSpotSandbox scopes(Collection<String> granted) {
    this.scopes = Set.copyOf(granted);
    return this;
  }

  /** Requests per rolling 10 seconds per token, searches excluded (HubSpot: 100, 190 or 250). */
  public HubSpotSandbox rateLimit(int perTenSeconds) {
    if (perTenSeconds < 1) {
      throw new IllegalArgumentException("perTenSeconds must be at least 1");
    }
    this.perTenSeconds = perTenSeconds;
    return this;
  }

  /** Searches per rolling second per token (HubSpot: about 5). */
  public HubSpotSandbox searchLimit(int perSecond) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("perSecond must be at least 1");
    }
    this.searchPerSecond = perSecond;
    return this;
  }

  /** Requests per UTC day of the clock, all kinds. */
  public HubSpotSandbox dailyLimit(long perDay) {
    this.dailyLimit = perDay;
    return this;
  }

  /**
   * Serves every endpoint, the OAuth ones included, under {@code prefix} (such as {@code /gateway/hubspot}),
   * as behind an API gateway; nothing answers outside it. Set before {@link #start()}.
   */
  public synchronized HubSpotSandbox pathPrefix(String prefix) {
    if (!prefix.isEmpty() && (!prefix.startsWith("/") || prefix.endsWith("/"))) {
      throw new IllegalArgumentException("a path prefix starts with / and does not end with one, got '" + prefix
          + "'");
    }
    if (server != null) {
      throw new IllegalStateException("the path prefix is set before the sandbox starts");
    }
    this.pathPrefix = prefix;
    return this;
  }

  /**
   * The most associations one record's result holds in a v4 association batch read (default
   * {@value Portal#ASSOCIATION_PAGE}); the rest come through its {@code paging.next.after}.
   */
  public HubSpotSandbox associationPageSize(int size) {
    synchronized (portal) {
      portal.associationPage(size);
    }
    return this;
  }

  /** How many events {@link #advance(Duration)} creates per hour; by default one per 20 seeded contacts. */
  public synchronized HubSpotSandbox eventsPerHour(double rate) {
    this.eventsPerHour = rate;
    return this;
  }

  /**
   * From now on, answers a share {@code errorRate} of requests with 502, 503 or 504 (deterministic for the
   * seed and the order of requests), and delays every answer by {@code latency}.
   */
  public synchronized HubSpotSandbox faults(double errorRate, Duration latency) {
    if (errorRate < 0 || errorRate > 1) {
      throw new IllegalArgumentException("errorRate must be from 0 to 1, got " + errorRate);
    }
    this.errorRate = errorRate;
    this.latency = Objects.requireNonNull(latency, "latency");
    this.faultRandom = new Random(seed ^ 0x5DEECE66DL);
    return this;
  }

  /** No more injected faults or latency. */
  public synchronized HubSpotSandbox clearFaults() {
    return faults(0, Duration.ZERO);
  }

  /** Forgets counted calls, rate windows and daily use, and clears faults; the data stays. */
  public synchronized HubSpotSandbox reset() {
    calls.clear();
    standardWindows.clear();
    searchWindows.clear();
    dailyUsed.clear();
    rateLimited.set(0);
    refused.clear();
    faulted.set(0);
    return clearFaults();
  }

  // ================================================================ lifecycle

  /**
   * The port to listen on (0, the default: any free one); before {@link #start()}, which fails naming the port
   * when it is taken.
   */
  public synchronized HubSpotSandbox port(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("a port is from 0 to 65535, got " + port);
    }
    this.requestedPort = port;
    return this;
  }

  /** Starts the server on 127.0.0.1 (the {@link #port} asked for, or a free one); returns its base URL. */
  public synchronized String start() {
    if (server != null) {
      return url();
    }
    Javalin app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.http.defaultContentType = "application/json";
      if (!pathPrefix.isEmpty()) {
        config.router.contextPath = pathPrefix;
      }
    });
    routes(app);
    try {
      app.start("127.0.0.1", requestedPort);
    } catch (RuntimeException e) {
      app.stop();
      throw new IllegalStateException("the HubSpot sandbox cannot listen on 127.0.0.1:" + requestedPort
          + (requestedPort == 0 ? "" : " (is the port taken by another process?)") + ": " + e.getMessage(), e);
    }
    server = app;
    LOG.info("HubSpot sandbox with {} seeded contacts on {}", seededContacts, url());
    return url();
  }

  public synchronized String url() {
    if (server == null) {
      throw new IllegalStateException("the sandbox is not started");
    }
    return "http://127.0.0.1:" + server.port();
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop();
      server = null;
    }
  }

  // ================================================================ time passes

  /**
   * The portal lives through {@code duration} ending at the clock's time: {@link #eventsPerHour(double)}
   * events (new and changed contacts, deals won, tickets closed), spread over that span.
   *
   * @return what happened, one line per event
   */
  public List<String> advance(Duration duration) {
    synchronized (portal) {
      Instant end = clock.instant();
      int count;
      synchronized (this) {
        count = (int) Math.round(eventsPerHour * duration.toMillis() / 3_600_000.0);
      }
      List<String> events = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        events.add(portal.event(end.minusMillis(duration.toMillis() * (count - i) / count)));
      }
      return events;
    }
  }

  /**
   * A deal won now (in the default pipeline's won stage) with these contacts, none for a deal whose contacts
   * are associated later ({@link #associate}); returns its id.
   */
  public String addWonDealNow(List<String> contactIds) {
    synchronized (portal) {
      return portal.wonDeal(clock.instant(), contactIds);
    }
  }

  /** A ticket closed now (in the support pipeline's closed stage) with these contacts; returns its id. */
  public String addClosedTicketNow(List<String> contactIds) {
    synchronized (portal) {
      return portal.closedTicket(clock.instant(), contactIds);
    }
  }

  /**
   * Associates two records, as a user or the v4 associations API does. As in HubSpot, neither record's
   * last-modified date moves: an incremental search by modified date does not see the change.
   */
  public void associate(String fromType, String fromId, String toType, String toId) {
    synchronized (portal) {
      portal.associate(fromType, fromId, toType, toId);
    }
  }

  /** {@code n} events now (at the clock's time). */
  public List<String> addEventsNow(int n) {
    synchronized (portal) {
      List<String> events = new ArrayList<>();
      Instant now = clock.instant();
      for (int i = 0; i < n; i++) {
        events.add(portal.event(now));
      }
      return events;
    }
  }

  // ================================================================ what happened

  /** Requests received per operation (such as {@code search contacts}, {@code batch update contacts}). */
  public synchronized Map<String, Integer> calls() {
    return Map.copyOf(calls);
  }

  /** Requests received in all. */
  public synchronized int totalCalls() {
    return calls.values().stream().mapToInt(Integer::intValue).sum();
  }

  public synchronized void resetCalls() {
    calls.clear();
  }

  /** How many requests were answered 429. */
  public long rateLimited() {
    return rateLimited.get();
  }

  /** The requests answered 429, in order, each as its operation and the policy that refused it. */
  public List<String> rateLimitedCalls() {
    return List.copyOf(refused);
  }

  /** How many requests were answered with an injected 5xx. */
  public long faultsInjected() {
    return faulted.get();
  }

  /** A contact's properties as stored now, or an empty map when there is no such contact. */
  public Map<String, String> contact(String id) {
    return object("contacts", id);
  }

  public Map<String, String> company(String id) {
    return object("companies", id);
  }

  /** Any record's properties ({@code contacts}, {@code companies}, {@code deals}, {@code tickets}, ...). */
  public Map<String, String> object(String type, String id) {
    synchronized (portal) {
      return portal.properties(type, id).orElse(Map.of());
    }
  }

  /** The ids of one type's records, ascending. */
  public List<String> ids(String type) {
    synchronized (portal) {
      return portal.ids(type);
    }
  }

  /** Deals in a stage with probability 1.0 (as the pipelines endpoint says). */
  public List<String> wonDealIds() {
    Set<String> won = Portal.wonDealStages();
    synchronized (portal) {
      return portal.ids("deals", p -> won.contains(p.get("dealstage")));
    }
  }

  /** Tickets in a stage whose ticket state is CLOSED. */
  public List<String> closedTicketIds() {
    Set<String> closed = Portal.closedTicketStages();
    synchronized (portal) {
      return portal.ids("tickets", p -> closed.contains(p.get("hs_pipeline_stage")));
    }
  }

  /** The ids of {@code to} records associated with one record. */
  public List<String> associated(String fromType, String id, String toType) {
    synchronized (portal) {
      return portal.associated(fromType, id, toType);
    }
  }

  /**
   * A user completes a task in HubSpot at the clock's now, as HubSpot's own pages save it: {@code hs_task_status}
   * COMPLETED, {@code hs_task_completion_date} now, {@code hs_updated_by_user_id} the user behind {@code ownerId}.
   */
  public void completeTaskNow(String taskId, String ownerId) {
    saveTaskAs(taskId, Map.of("hs_task_status", "COMPLETED"), ownerId);
  }

  /** A user behind {@code ownerId} saves a task's properties ({@code hs_task_status} IN_PROGRESS, ...) now. */
  public void saveTaskAs(String taskId, Map<String, String> properties, String ownerId) {
    String user = userIdOf(ownerId);
    synchronized (portal) {
      portal.saveTaskAs(taskId, properties, user);
    }
  }

  /** A user deletes (archives) a task: batch reads no longer find it. */
  public void deleteTaskNow(String taskId) {
    synchronized (portal) {
      portal.archive("tasks", taskId);
    }
  }

  /** The user id behind one of the portal's owners ({@code hubspot_owner_id} values). */
  public static String userIdOf(String ownerId) {
    String user = Portal.OWNER_USERS.get(ownerId);
    if (user == null) {
      throw new IllegalArgumentException("no owner " + ownerId + "; the portal's owners are " + Portal.OWNERS);
    }
    return user;
  }

  /** The portal's owners ({@code hubspot_owner_id} values). */
  public static List<String> owners() {
    return Portal.OWNERS;
  }

  public List<Engagement> tasks() {
    return engagements("tasks");
  }

  public List<Engagement> notes() {
    return engagements("notes");
  }

  private List<Engagement> engagements(String type) {
    synchronized (portal) {
      return portal.ids(type).stream().map(id -> new Engagement(id, portal.properties(type, id).orElse(Map.of()),
          portal.associated(type, id, "contacts"))).toList();
    }
  }

  /** Addresses opted out of all e-mail through the API, lower case, in order, each once. */
  public List<String> unsubscribed() {
    synchronized (portal) {
      return portal.unsubscribed();
    }
  }

  /** The names of the properties defined on {@code contacts} or {@code companies}. */
  public Set<String> propertyNames(String object) {
    synchronized (portal) {
      return portal.propertyNames(object);
    }
  }

  // ================================================================ routes

  private void routes(Javalin app) {
    app.post("/crm/v3/objects/{type}/search", ctx -> serve(ctx, "search " + ctx.pathParam("type"), true,
        body -> portal.search(ctx.pathParam("type"), body, ctx.body().length())));
    app.post("/crm/v3/objects/{type}/batch/read", ctx -> serve(ctx, "batch read " + ctx.pathParam("type"), false,
        body -> portal.batchRead(ctx.pathParam("type"), body)));
    app.post("/crm/v3/objects/{type}/batch/update", ctx -> serve(ctx, "batch update " + ctx.pathParam("type"),
        false, body -> portal.batchUpdate(ctx.pathParam("type"), body)));
    app.patch("/crm/v3/objects/{type}/{id}", ctx -> serve(ctx, "update " + ctx.pathParam("type"), false,
        body -> portal.update(ctx.pathParam("type"), ctx.pathParam("id"), body)));
    app.delete("/crm/v3/objects/{type}/{id}", ctx -> serve(ctx, "archive " + ctx.pathParam("type"), false,
        body -> portal.archive(ctx.pathParam("type"), ctx.pathParam("id"))));
    app.post("/crm/v3/objects/{type}/batch/create", ctx -> serve(ctx, "batch create " + ctx.pathParam("type"),
        false, body -> portal.batchCreate(ctx.pathParam("type"), body)));
    app.post("/crm/v4/associations/{from}/{to}/batch/read", ctx -> serve(ctx, "read associations "
        + ctx.pathParam("from") + " to " + ctx.pathParam("to"), false,
        body -> portal.readAssociations(ctx.pathParam("from"), ctx.pathParam("to"), body)));
    app.get("/crm/v3/pipelines/{type}", ctx -> serve(ctx, "pipelines " + ctx.pathParam("type"), false,
        body -> portal.pipelines(ctx.pathParam("type"))));
    app.get("/account-info/v3/details", ctx -> serve(ctx, "account details", false, body -> accountDetails()));
    app.get("/crm/v3/properties/{object}", ctx -> serve(ctx, "properties " + ctx.pathParam("object"), false,
        body -> portal.listProperties(ctx.pathParam("object"))));
    app.get("/crm/v3/properties/{object}/groups", ctx -> serve(ctx, "property groups " + ctx.pathParam("object"),
        false, body -> portal.listGroups(ctx.pathParam("object"))));
    app.post("/crm/v3/properties/{object}/groups", ctx -> serve(ctx, "create property group "
        + ctx.pathParam("object"), false, body -> portal.createGroup(ctx.pathParam("object"), body)));
    app.post("/crm/v3/properties/{object}/batch/create", ctx -> serve(ctx, "create properties "
        + ctx.pathParam("object"), false, body -> portal.createProperties(ctx.pathParam("object"), body)));
    app.post("/communication-preferences/v4/statuses/batch/unsubscribe-all", ctx -> serve(ctx, "unsubscribe all",
        false, body -> portal.unsubscribeAll(ctx.queryParam("channel"), body)));
    app.get("/crm/v3/owners/{ownerId}", ctx -> serve(ctx, "owner", false, body -> owner(ctx.pathParam("ownerId"),
        Optional.ofNullable(ctx.queryParam("idProperty")).orElse("id"), ctx.queryParam("archived"))));
    app.post("/oauth/v2/private-apps/get/access-token-info", ctx -> serve(ctx, "access token info", false,
        this::privateAppTokenInfo));
    // the OAuth token info holds the token in its path and needs no Authorization header
    app.get("/oauth/v1/access-tokens/{token}", this::oauthTokenInfo);
    // the OAuth refresh: a form with the app's credentials and the refresh token; the new access token
    // replaces the accepted one, as HubSpot's does after expiry
    app.post("/oauth/v1/token", this::oauthRefresh);
  }

  /**
   * The account's details as HubSpot answers them ({@code portalId}, {@code uiDomain}, ...); without the
   * {@code oauth} scope, HubSpot's 403.
   */
  private Portal.Reply accountDetails() {
    if (!scopes.contains("oauth")) {
      return Portal.error(403, "MISSING_SCOPES", "This app hasn't been granted all required scopes to make this "
          + "call. Read more about required scopes here: https://developers.hubspot.com/scopes.");
    }
    ObjectNode details = Portal.JSON.createObjectNode();
    details.put("portalId", Portal.PORTAL_ID);
    details.put("accountType", "STANDARD");
    details.put("timeZone", "Europe/Berlin");
    details.put("companyCurrency", "EUR");
    details.putArray("additionalCurrencies");
    details.put("utcOffset", "+01:00");
    details.put("utcOffsetMilliseconds", 3_600_000);
    details.put("uiDomain", "app-eu1.hubspot.com");
    details.put("dataHostingLocation", "eu1");
    return new Portal.Reply(200, details);
  }

  /**
   * {@code GET /crm/v3/owners/{ownerId}}: one owner by its id ({@code idProperty=id}, the default) or its user id
   * ({@code idProperty=userId}); 403 without the scope {@code crm.objects.owners.read}, 404 for an unknown one,
   * 400 for another {@code idProperty} or an {@code archived} that is not true or false.
   */
  private Portal.Reply owner(String ownerId, String idProperty, String archived) {
    if (!scopes.contains("crm.objects.owners.read")) {
      return Portal.error(403, "MISSING_SCOPES", "This app hasn't been granted all required scopes to make this "
          + "call. Read more about required scopes here: https://developers.hubspot.com/scopes.");
    }
    if (!idProperty.equals("id") && !idProperty.equals("userId")) {
      return Portal.error(400, "VALIDATION_ERROR", "Unable to process idProperty " + idProperty
          + ". Valid values are: id, userId");
    }
    if (archived != null && !archived.equals("true") && !archived.equals("false")) {
      return Portal.error(400, "VALIDATION_ERROR", "Unable to parse archived value " + archived);
    }
    List<String> ids = Portal.OWNERS;
    int index = idProperty.equals("id") ? ids.indexOf(ownerId) : ids.indexOf(Long.toString(
        parseOr(ownerId, -1L) - OWNER_USER_OFFSET));
    if (index < 0 || "true".equals(archived)) {
      return Portal.error(404, "OBJECT_NOT_FOUND", "Resource not found");
    }
    String id = ids.get(index);
    String[] user = OWNER_USERS.get(id);
    ObjectNode owner = Portal.JSON.createObjectNode();
    owner.put("id", id);
    owner.put("email", user[2]);
    owner.put("type", "PERSON");
    owner.put("firstName", user[0]);
    owner.put("lastName", user[1]);
    owner.put("userId", Long.parseLong(id) + OWNER_USER_OFFSET);
    owner.put("userIdIncludingInactive", Long.parseLong(id) + OWNER_USER_OFFSET);
    owner.put("createdAt", "2024-03-04T09:12:45.118Z");
    owner.put("updatedAt", "2025-11-18T15:40:02.504Z");
    owner.put("archived", false);
    owner.putArray("teams");
    return new Portal.Reply(200, owner);
  }

  /** Owner ids and user ids differ in HubSpot; here a user id is its owner id plus this. */
  private static final long OWNER_USER_OFFSET = 1_000_000_000L;

  private static long parseOr(String text, long otherwise) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  private Portal.Reply privateAppTokenInfo(JsonNode body) {
    if (!token.equals(body.path("tokenKey").asText())) {
      return Portal.error(401, "INVALID_AUTHENTICATION", "The token key is not valid or has been revoked.");
    }
    ObjectNode info = Portal.JSON.createObjectNode();
    info.put("userId", 9_100_231);
    info.put("hubId", Portal.PORTAL_ID);
    info.put("appId", 3_011_877);
    ArrayNode list = info.putArray("scopes");
    scopes.stream().sorted().forEach(list::add);
    return new Portal.Reply(200, info);
  }

  /** The OAuth app's client id, client secret and refresh token the token endpoint accepts. */
  public synchronized HubSpotSandbox oauthApp(String clientId, String clientSecret, String refreshToken) {
    this.oauthClientId = Objects.requireNonNull(clientId, "clientId");
    this.oauthClientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
    this.oauthRefreshToken = Objects.requireNonNull(refreshToken, "refreshToken");
    return this;
  }

  private void oauthRefresh(Context ctx) {
    count("oauth token");
    String correlation = correlationId();
    ctx.header("X-HubSpot-Correlation-Id", correlation);
    String grant = Optional.ofNullable(ctx.formParam("grant_type")).orElse("");
    boolean valid;
    synchronized (this) {
      valid = grant.equals("refresh_token") && oauthClientId != null
          && oauthClientId.equals(ctx.formParam("client_id")) && oauthClientSecret.equals(ctx.formParam("client_secret"))
          && oauthRefreshToken.equals(ctx.formParam("refresh_token"));
    }
    if (!valid) {
      ObjectNode error = JSON_MAPPER.createObjectNode();
      error.put("status", "BAD_REFRESH_TOKEN");
      error.put("message", "missing or unknown refresh token");
      error.put("correlationId", correlation);
      ctx.status(400).contentType("application/json").result(error.toString());
      return;
    }
    String issued = "CNb-oauth-" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
    token(issued);
    ObjectNode answer = JSON_MAPPER.createObjectNode();
    answer.put("token_type", "bearer");
    answer.put("refresh_token", oauthRefreshToken);
    answer.put("access_token", issued);
    answer.put("expires_in", 1800);
    ctx.status(200).contentType("application/json").result(answer.toString());
  }

  private void oauthTokenInfo(Context ctx) {
    count("access token info");
    String correlation = correlationId();
    ctx.header("X-HubSpot-Correlation-Id", correlation);
    if (!token.equals(ctx.pathParam("token"))) {
      answer(ctx, Portal.error(404, "OBJECT_NOT_FOUND", "The access token does not exist."), correlation);
      return;
    }
    ObjectNode info = Portal.JSON.createObjectNode();
    info.put("token", token);
    info.put("user", "ops@example.com");
    info.put("hub_domain", "sandbox.example.com");
    ArrayNode list = info.putArray("scopes");
    scopes.stream().sorted().forEach(list::add);
    info.put("hub_id", Portal.PORTAL_ID);
    info.put("app_id", 3_011_877);
    info.put("expires_in", 1_612);
    info.put("user_id", 9_100_231);
    info.put("token_type", "access");
    answer(ctx, new Portal.Reply(200, info), correlation);
  }

  // ================================================================ one request

  private enum Admission { OK, TEN_SECONDLY, SECONDLY, DAILY }

  private void serve(Context ctx, String operation, boolean search, Function<JsonNode, Portal.Reply> action)
      throws InterruptedException {
    count(operation);
    String correlation = correlationId();
    ctx.header("X-HubSpot-Correlation-Id", correlation);
    String header = Optional.ofNullable(ctx.header("Authorization")).orElse("");
    String presented = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
    if (presented == null) {
      answer(ctx, Portal.error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found. This API "
          + "supports OAuth 2.0 and private app access tokens."), correlation);
      return;
    }
    if (!presented.equals(token)) {
      answer(ctx, Portal.error(401, "INVALID_AUTHENTICATION", "The access token is expired or not valid."),
          correlation);
      return;
    }
    Duration delay;
    boolean fault;
    int faultStatus = 0;
    Admission admission;
    long[] headers;
    synchronized (this) {
      delay = latency;
      admission = admit(presented, search);
      fault = admission == Admission.OK && errorRate > 0 && faultRandom.nextDouble() < errorRate;
      if (fault) {
        faultStatus = List.of(502, 503, 504).get(faultRandom.nextInt(3));
      }
      headers = new long[] {perTenSeconds, Math.max(0, perTenSeconds - window(standardWindows, presented,
          TEN_SECONDS_NANOS).size()), dailyLimit, Math.max(0, dailyLimit - dailyUsed.getOrDefault(presented, 0L))};
    }
    if (!delay.isZero()) {
      Thread.sleep(delay.toMillis());
    }
    if (!search) {
      ctx.header("X-HubSpot-RateLimit-Max", Long.toString(headers[0]));
      ctx.header("X-HubSpot-RateLimit-Remaining", Long.toString(headers[1]));
      ctx.header("X-HubSpot-RateLimit-Interval-Milliseconds", "10000");
      ctx.header("X-HubSpot-RateLimit-Daily", Long.toString(headers[2]));
      ctx.header("X-HubSpot-RateLimit-Daily-Remaining", Long.toString(headers[3]));
    }
    if (admission != Admission.OK) {
      rateLimited.incrementAndGet();
      refused.add(operation + " (" + admission + ")");
      answer(ctx, new Portal.Reply(429, rateLimitBody(admission, correlation)), correlation);
      return;
    }
    if (fault) {
      faulted.incrementAndGet();
      answer(ctx, Portal.error(faultStatus, faultStatus == 503 ? "SERVICE_UNAVAILABLE" : "INTERNAL_ERROR",
          faultStatus == 504 ? "The request timed out." : "Something went wrong; try again later."), correlation);
      return;
    }
    JsonNode body;
    try {
      String text = ctx.body();
      body = text.isBlank() ? Portal.JSON.createObjectNode() : Portal.JSON.readTree(text);
    } catch (JsonProcessingException e) {
      answer(ctx, Portal.error(400, "VALIDATION_ERROR", "Invalid input JSON on line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr()), correlation);
      return;
    }
    Portal.Reply reply;
    synchronized (portal) {
      reply = action.apply(body);
    }
    answer(ctx, reply, correlation);
  }

  private synchronized void count(String operation) {
    calls.merge(operation, 1, Integer::sum);
  }

  /** Counts the request against its windows, or says which policy refuses it (refusals are not counted). */
  private Admission admit(String presented, boolean search) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    if (!today.equals(day)) {
      day = today;
      dailyUsed.clear();
    }
    long used = dailyUsed.getOrDefault(presented, 0L);
    if (used >= dailyLimit) {
      return Admission.DAILY;
    }
    Deque<Long> window = search ? window(searchWindows, presented, ONE_SECOND_NANOS)
        : window(standardWindows, presented, TEN_SECONDS_NANOS);
    if (window.size() >= (search ? searchPerSecond : perTenSeconds)) {
      return search ? Admission.SECONDLY : Admission.TEN_SECONDLY;
    }
    window.addLast(System.nanoTime());
    dailyUsed.put(presented, used + 1);
    return Admission.OK;
  }

  private static Deque<Long> window(Map<String, Deque<Long>> windows, String key, long length) {
    Deque<Long> window = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
    long now = System.nanoTime();
    while (!window.isEmpty() && now - window.peekFirst() >= length) {
      window.pollFirst();
    }
    return window;
  }

  private static ObjectNode rateLimitBody(Admission admission, String correlation) {
    ObjectNode body = Portal.JSON.createObjectNode();
    body.put("status", "error");
    body.put("message", switch (admission) {
      case SECONDLY -> "You have reached your secondly limit.";
      case DAILY -> "You have reached your daily limit.";
      default -> "You have reached your ten_secondly_rolling limit.";
    });
    body.put("errorType", "RATE_LIMIT");
    body.put("correlationId", correlation);
    body.put("policyName", switch (admission) {
      case SECONDLY -> "SECONDLY";
      case DAILY -> "DAILY";
      default -> "TEN_SECONDLY_ROLLING";
    });
    body.put("groupName", "publicapi:private-app:" + Portal.PORTAL_ID);
    return body;
  }

  private void answer(Context ctx, Portal.Reply reply, String correlation) {
    JsonNode body = reply.body();
    if (body == null) { // 204 No Content
      ctx.status(reply.status());
      return;
    }
    if (body instanceof ObjectNode object && "error".equals(object.path("status").asText())
        && !object.has("correlationId")) {
      object.put("correlationId", correlation);
    }
    ctx.status(reply.status());
    ctx.contentType("application/json;charset=utf-8");
    ctx.result(Portal.write(body).getBytes(StandardCharsets.UTF_8));
  }

  private String correlationId() {
    long n = correlations.incrementAndGet();
    return UUID.nameUUIDFromBytes((seed + ":" + n).getBytes(StandardCharsets.UTF_8)).toString();
  }
}
