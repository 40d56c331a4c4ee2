package io.npsconnector.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.npsconnector.app.service.Service;
import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.SurveyTokens;
import io.npsconnector.core.testing.TestClock;
import io.npsconnector.sandbox.hubspot.HubSpotSandbox;

/**
 * The fuzz suite: thousands of seeded hostile requests, over raw sockets, against every public route of the
 * running service on H2 (survey and unsubscribe pages, admin sign-in and dashboard, the HubSpot webhook,
 * health, metrics, and paths that are none of these): random methods, paths, headers, charsets and
 * encodings, chunked and oversized bodies, forged and altered tokens, bad scores, CSRF abuse, webhook
 * signature abuse, broken HTTP. Bad input must get a 4xx (or, for the admin pages, the redirect to the
 * sign-in), nothing a 5xx; no answer, unsubscribe, event or write-back is stored; the heap after GC stays
 * within a bound; nothing is logged but the refusal counts. Prints one summary line. Reproducible: the seed
 * is printed and read from {@code -Dnpsconnector.fuzz.seed}; {@code -Dnpsconnector.fuzz.requests} sets the
 * number of requests.
 */
@Tag("fuzz")
class HostileRequestFuzzTest {
  private static final String TOKEN_SECRET = "fuzz-only-token-secret-0123456789abcdef";
  private static final String WEBHOOK_SECRET = "fuzz-only-hubspot-client-secret";
  private static final String PASSWORD = "fuzz-admin-password";
  private static final long HEAP_GROWTH_BOUND = 96L * 1024 * 1024;
  private static final List<String> TABLES = List.of("answers", "unsubscribes", "events", "writeback_queue");

  /** How a request must be answered. */
  enum Expect {
    /** A 4xx. */
    REFUSED,
    /** A 4xx, or the redirect to the admin sign-in. */
    REFUSED_OR_SIGN_IN,
    /** Anything but a 5xx (the request may be fine: junk headers on a public page). */
    NOT_5XX,
    /** A 4xx, or the connection closed without an answer (HTTP too broken to answer). */
    REFUSED_OR_CLOSED,
    /** A 4xx, or 505, the status HTTP prescribes for a version the server does not speak. */
    REFUSED_OR_UNSUPPORTED_VERSION
  }

  record Hostile(String kind, String head, RawHttp.Body body, Expect expect) {}

  @TempDir Path dir;
  private final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final HubSpotSandbox hubspot = HubSpotSandbox.seeded(11, 30);
  private final GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
  private Service service;
  private Random random;
  private final List<String> surveyTokens = new ArrayList<>();
  private final List<String> unsubscribeTokens = new ArrayList<>();
  private final Map<String, String[]> csrfByToken = new LinkedHashMap<>();
  private String adminCsrf;
  private String adminCookie;

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
    smtp.stop();
    hubspot.close();
  }

  @Test
  void thousandsOfHostileRequestsGetOnly4xxStoreNothingAndKeepTheHeapBounded() {
    long seed = Long.getLong("npsconnector.fuzz.seed", 20261206L);
    int requests = Integer.getInteger("npsconnector.fuzz.requests", 3000);
    random = new Random(seed);
    start();
    Map<String, Long> rowsBefore = rows();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long heapBefore = heapAfterGc(memory);
    long peak = heapBefore;
    Map<String, Long> byClass = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    int serverErrors = 0;
    int unsupportedVersions = 0;

    try (ProductionLogging logs = new ProductionLogging()) {
      Instant started = clock.instant();
      for (int i = 0; i < requests; i++) {
        if (i % 40 == 39) {
          clock.advance(Duration.ofSeconds(61)); // fresh rate-limit windows, so the deeper checks are reached
        }
        Hostile request = next();
        RawHttp.Answer answer = RawHttp.exchange(service.port(), request.head(), request.body());
        int status = answer.status();
        byClass.merge(status == 0 ? "closed" : status / 100 + "xx", 1L, Long::sum);
        if (status == 505 && request.expect() == Expect.REFUSED_OR_UNSUPPORTED_VERSION) {
          unsupportedVersions++;
        } else if (status >= 500) {
          serverErrors++;
        }
        if (!acceptable(request.expect(), answer) && failures.size() < 20) {
          failures.add("#" + i + " " + request.kind() + " -> " + status + ": " + firstLine(request.head()));
        }
        if (i % 250 == 0) {
          peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
        }
      }
      long minutes = Duration.between(started, clock.instant()).toMinutes();
      List<ILoggingEvent> written = logs.events().stream()
          .filter(event -> event.getLevel().isGreaterOrEqual(Level.INFO)).toList();
      long heapAfter = heapAfterGc(memory);
      Map<String, Long> rowsAfter = rows();
      System.out.printf("fuzz: seed=%d requests=%d by-class=%s 5xx=%d (besides %d x 505 to unknown HTTP "
          + "versions) unexpected=%d log-lines=%d heap-after-gc=%d MB (before %d MB, peak sampled %d MB) "
          + "rows-before=%s rows-after=%s%n", seed, requests, byClass, serverErrors, unsupportedVersions,
          failures.size(), written.size(), heapAfter >> 20, heapBefore >> 20, peak >> 20, rowsBefore, rowsAfter);

      assertThat(failures).as("answers other than expected (seed %d)", seed).isEmpty();
      assertThat(serverErrors).as("5xx answers").isZero();
      assertThat(rowsAfter).as("rows stored from invalid input").isEqualTo(rowsBefore);
      assertThat(heapAfter - heapBefore).as("heap growth after GC").isLessThan(HEAP_GROWTH_BOUND);
      assertThat(written).as("only the refusal counts are logged")
          .allSatisfy(event -> {
            assertThat(event.getFormattedMessage()).startsWith("refused ");
            assertThat(event.getThrowableProxy()).isNull();
          });
      assertThat(written.size()).as("at most one line a minute").isLessThanOrEqualTo((int) minutes + 1);
      assertThat(written).noneSatisfy(event -> assertThat(surveyTokens.stream()
          .anyMatch(event.getFormattedMessage()::contains)).isTrue());
    }
  }

  // ---- the service under test ----

  private void start() {
    smtp.start();
    String base = hubspot.start();
    NpsConfig config = ConfigLoader.parse("fuzz.yaml", """
        company: Fuzz & Co
        store:
          type: h2
          path: %s
        server:
          public-url: http://127.0.0.1
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: hs
            type: hubspot
            base-url: %s
            credentials:
              token: ${HUBSPOT_TOKEN}
            webhook-secret: ${WEBHOOK_SECRET}
        channels:
          email:
            host: 127.0.0.1
            port: %d
            tls: none
            from: nps@fuzz.example
        triggers:
          - name: post-purchase
            on: purchase
            delay: 0d
            max-event-age: 1000d
        send-window:
          quiet-hours: none
          weekdays: [mon, tue, wed, thu, fri, sat, sun]
        """.formatted(dir.resolve("store").toString().replace('\\', '/'), base, smtp.getSmtp().getPort()),
        Map.of("TOKEN_SECRET", TOKEN_SECRET, "ADMIN_PASSWORD", PASSWORD, "HUBSPOT_TOKEN", hubspot.token(),
            "WEBHOOK_SECRET", WEBHOOK_SECRET));
    service = Service.start(config, binder -> {
      binder.bind(Service.Options.class).toInstance(new Service.Options("127.0.0.1", 0, false, 60));
      binder.bind(Clock.class).toInstance(clock);
    });
    service.engine().syncAndTrigger("hs");
    List<Long> scheduled = service.database().jdbi().withHandle(handle -> handle.createQuery(
        "SELECT id FROM invitations WHERE state = 'SCHEDULED' ORDER BY id").mapTo(Long.class).list());
    assertThat(scheduled).as("the sandbox's won deals make invitations").isNotEmpty();
    SurveyTokens tokens = new SurveyTokens(TOKEN_SECRET, clock);
    Instant expires = clock.instant().plus(Duration.ofDays(400));
    for (long id : scheduled) {
      if (surveyTokens.size() == 4) {
        break;
      }
      service.engine().send(id);
      String state = service.database().jdbi().withHandle(handle -> handle.createQuery(
          "SELECT state FROM invitations WHERE id = :id").bind("id", id).mapTo(String.class).one());
      if (!state.equals("SENT")) {
        continue; // not sent (fatigue for a person with several won deals): no page to answer
      }
      String survey = tokens.issue(id, SurveyTokens.Purpose.SURVEY, expires);
      surveyTokens.add(survey);
      unsubscribeTokens.add(tokens.issue(id, SurveyTokens.Purpose.UNSUBSCRIBE, expires));
      RawHttp.Answer page = RawHttp.exchange(service.port(), request("GET", "/s/" + survey), body(""));
      assertThat(page.status()).as("a genuine survey link works").isEqualTo(200);
      csrfByToken.put(survey, new String[] {cookieOf(page), csrfOf(page.body())});
    }
    RawHttp.Answer login = RawHttp.exchange(service.port(), request("GET", "/admin/login"), body(""));
    adminCookie = cookieOf(login);
    adminCsrf = csrfOf(login.body());
  }

  private Map<String, Long> rows() {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String table : TABLES) {
      counts.put(table, service.database().jdbi().withHandle(handle -> handle.createQuery(
          "SELECT COUNT(*) FROM " + table).mapTo(Long.class).one()));
    }
    return counts;
  }

  private static long heapAfterGc(MemoryMXBean memory) {
    System.gc();
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static boolean acceptable(Expect expect, RawHttp.Answer answer) {
    int status = answer.status();
    boolean refused = status >= 400 && status < 500;
    return switch (expect) {
      case REFUSED -> refused;
      case REFUSED_OR_SIGN_IN -> refused || status == 303 && "/admin/login".equals(answer.header("Location"));
      case NOT_5XX -> status > 0 && status < 500;
      case REFUSED_OR_CLOSED -> refused || status == 0;
      case REFUSED_OR_UNSUPPORTED_VERSION -> refused || status == 505;
    };
  }

  // ---- the hostile requests ----

  private Hostile next() {
    return switch (random.nextInt(12)) {
      case 0 -> new Hostile("forged survey token", request(pick("GET", "GET", "HEAD", "POST"), "/s/" + badToken(
          surveyTokens) + pick("", "?score=9", "/thanks", "?score=" + junk())), body(""), Expect.REFUSED);
      case 1 -> new Hostile("bad score in link", request("GET", "/s/" + pick(surveyTokens) + "?score="
          + pick("11", "-1", "7.5", "abc", "%zz", "9%00", "1e1", "%E9", "10%20", "+9", "0x9", "99999999999999999999")),
          body(""), Expect.REFUSED);
      case 2 -> answerAbuse();
      case 3 -> encodingAbuse();
      case 4 -> unsubscribeAbuse();
      case 5 -> adminAbuse();
      case 6 -> webhookAbuse();
      case 7 -> oversized();
      case 8 -> new Hostile("random method and path", request(pick("GET", "POST", "PUT", "DELETE", "PATCH",
          "OPTIONS", "TRACE", "FOO", "PROPFIND"), randomPath()), body(pick("", "x=1", junk())), Expect.NOT_5XX);
      case 9 -> brokenHttp();
      case 10 -> new Hostile("health and metrics with junk headers", request(pick("GET", "HEAD"),
          pick("/health", "/health/live", "/metrics"), junkHeaders()), body(""), Expect.NOT_5XX);
      default -> new Hostile("genuine page, junk headers", request("GET", "/s/" + pick(surveyTokens),
          junkHeaders()), body(""), Expect.NOT_5XX);
    };
  }

  private Hostile answerAbuse() {
    String token = pick(surveyTokens);
    String[] browser = csrfByToken.get(token);
    String otherCsrf = csrfByToken.get(pick(surveyTokens))[1];
    String validScore = Integer.toString(random.nextInt(11));
    String badScore = pick("11", "-1", "7.5", "", "abc", "9 ", "09", "%F0%9F%98%80", "1,5");
    return switch (random.nextInt(6)) {
      case 0 -> form("answer without CSRF", "/s/" + token, browser[0], "score=" + validScore);
      case 1 -> form("answer with a wrong CSRF field", "/s/" + token, browser[0], "csrf=" + mutate(browser[1])
          + "&score=" + validScore);
      case 2 -> form("answer with no cookie", "/s/" + token, "", "csrf=" + browser[1] + "&score=" + validScore);
      case 3 -> form("answer with another page's CSRF field", "/s/" + token, browser[0], "csrf=" + (otherCsrf
          .equals(browser[1]) ? mutate(otherCsrf) : otherCsrf) + "&score=" + validScore);
      case 4 -> form("answer with a bad score", "/s/" + token, browser[0], "csrf=" + browser[1] + "&score="
          + badScore + "&comment=" + URLEncoder.encode(junk(), StandardCharsets.UTF_8));
      default -> form("answer with a comment too long", "/s/" + token, browser[0], "csrf=" + browser[1]
          + "&score=" + validScore + "&comment=" + "w".repeat(2001 + random.nextInt(10_000)));
    };
  }

  private Hostile encodingAbuse() {
    String token = pick(surveyTokens);
    String[] browser = csrfByToken.get(token);
    String path = pick("/s/" + token, "/u/" + pick(unsubscribeTokens), "/admin/login", "/admin/logout");
    String cookie = path.startsWith("/admin") ? adminCookie : browser[0];
    String csrf = path.startsWith("/admin") ? adminCsrf : browser[1];
    String valid = "csrf=" + csrf + "&score=9&password=" + PASSWORD + "x";
    String type = pick("application/x-www-form-urlencoded; charset=" + pick("utf-7", "x-unknown", "", "\"utf-8\"",
        "ebcdic-xx", "../../etc"), "multipart/form-data; boundary=zz");
    if (random.nextBoolean()) {
      return new Hostile("unknown charset or multipart", request("POST", path, "Content-Type: " + type, cookie),
          body(valid), Expect.REFUSED);
    }
    byte[] malformed = pick(List.of(
        (valid + "&comment=%zz").getBytes(StandardCharsets.US_ASCII),
        (valid + "&comment=%E9t%E9").getBytes(StandardCharsets.US_ASCII),
        (valid + "&comment=%").getBytes(StandardCharsets.US_ASCII),
        (valid + "&comment=%C3").getBytes(StandardCharsets.US_ASCII),
        concat(valid + "&comment=", new byte[] {(byte) 0xC3, (byte) 0x28}),
        concat(valid + "&comment=", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})));
    return new Hostile("malformed form encoding", request("POST", path,
        "Content-Type: application/x-www-form-urlencoded", cookie), body(malformed), Expect.REFUSED);
  }

  private Hostile unsubscribeAbuse() {
    String token = pick(unsubscribeTokens);
    return switch (random.nextInt(4)) {
      case 0 -> new Hostile("forged unsubscribe token", request(pick("GET", "POST"), "/u/" + badToken(
          unsubscribeTokens), "Content-Type: application/x-www-form-urlencoded"),
          body("List-Unsubscribe=One-Click"), Expect.REFUSED);
      case 1 -> form("unsubscribe without CSRF", "/u/" + token, "", pick("confirm=1", "List-Unsubscribe=One-Clic",
          "List-Unsubscribe=one-click", "csrf=&confirm=1", ""));
      case 2 -> form("unsubscribe with a wrong CSRF field", "/u/" + token, csrfByToken.get(pick(surveyTokens))[0],
          "csrf=" + mutate(csrfByToken.get(pick(surveyTokens))[1]));
      default -> new Hostile("survey token on the unsubscribe route", request("POST", "/u/" + pick(surveyTokens),
          "Content-Type: application/x-www-form-urlencoded"), body("List-Unsubscribe=One-Click"), Expect.REFUSED);
    };
  }

  private Hostile adminAbuse() {
    String session = "Cookie: " + AdminAuth.SESSION_COOKIE + "=" + pick(junk(), "", mutate("A".repeat(43)),
        "../../../etc/passwd", "%00");
    return switch (random.nextInt(6)) {
      case 0 -> form("sign-in with a wrong password", "/admin/login", adminCookie, "csrf=" + adminCsrf
          + "&password=" + URLEncoder.encode(PASSWORD + junk(), StandardCharsets.UTF_8));
      case 1 -> form("sign-in without CSRF", "/admin/login", adminCookie, "password=" + PASSWORD);
      case 2 -> form("sign-in with a wrong CSRF field", "/admin/login", adminCookie, "csrf=" + mutate(adminCsrf)
          + "&password=" + PASSWORD);
      case 3 -> new Hostile("dashboard without a session", request("GET", pick("/admin", "/admin/answers.csv"),
          session), body(""), Expect.REFUSED_OR_SIGN_IN);
      case 4 -> new Hostile("API without a session", request("GET", "/api/summary", session), body(""),
          Expect.REFUSED);
      default -> new Hostile("sign-out without a session or CSRF", request("POST", "/admin/logout", session,
          "Content-Type: application/x-www-form-urlencoded"), body("csrf=" + mutate(adminCsrf)),
          Expect.REFUSED_OR_SIGN_IN);
    };
  }

  private Hostile webhookAbuse() {
    String body = pick("[]", "not json", "{\"a\":1}", "[{\"eventId\":" + random.nextInt() + ",\"subscriptionType\":"
        + "\"deal.propertyChange\",\"objectId\":1,\"propertyName\":\"dealstage\",\"propertyValue\":\"closedwon\","
        + "\"occurredAt\":" + clock.millis() + "}]", junk(), "[" + "{}".repeat(1000) + "]");
    String uri = "http://127.0.0.1:" + service.port() + "/webhooks/hubspot/hs";
    String now = Long.toString(clock.millis());
    String stale = Long.toString(clock.millis() - Duration.ofMinutes(10).toMillis());
    List<String> headers = switch (random.nextInt(5)) {
      case 0 -> List.of();
      case 1 -> List.of("X-HubSpot-Signature-v3: " + mutate(sign("POST" + uri + body + now)),
          "X-HubSpot-Request-Timestamp: " + now);
      case 2 -> List.of("X-HubSpot-Signature-v3: " + sign("POST" + uri + body + stale),
          "X-HubSpot-Request-Timestamp: " + stale);
      case 3 -> List.of("X-HubSpot-Signature-v3: " + sign("POST" + uri + body + "x" + now),
          "X-HubSpot-Request-Timestamp: " + now);
      default -> List.of("X-HubSpot-Signature-v3: " + sign("GET" + uri + body + now),
          "X-HubSpot-Request-Timestamp: " + pick(now, "", "abc", "-1", "99999999999999999999"));
    };
    List<String> all = new ArrayList<>(headers);
    all.add("Content-Type: application/json");
    String path = pick("/webhooks/hubspot/hs", "/webhooks/hubspot/hs", "/webhooks/hubspot/nope",
        "/webhooks/hubspot/", "/webhooks/hubspot/hs/extra");
    return new Hostile("webhook signature abuse", request(pick("POST", "POST", "POST", "GET", "PUT"), path,
        all.toArray(String[]::new)), body(body), Expect.REFUSED);
  }

  private Hostile oversized() {
    String path = pick("/s/" + pick(surveyTokens), "/u/" + pick(unsubscribeTokens), "/admin/login",
        "/admin/logout", "/webhooks/hubspot/hs", "/health", "/elsewhere");
    String type = path.startsWith("/webhooks") ? "application/json" : "application/x-www-form-urlencoded";
    long over = (path.startsWith("/webhooks") || path.equals("/health") || path.equals("/elsewhere")
        ? BodyLimits.ANY_BODY : BodyLimits.FORM_BODY) + 1 + random.nextInt(4096);
    if (random.nextBoolean()) {
      return new Hostile("declared body over the limit", request("POST", path, "Content-Type: " + type,
          "Content-Length: " + (over + random.nextInt(Integer.MAX_VALUE))) + "\r\n", out -> out.write(new byte[1024]),
          Expect.REFUSED);
    }
    // a chunked body without its end: only a server that refuses before reading it all can answer
    return new Hostile("chunked body over the limit", request("POST", path, "Content-Type: " + type,
        "Transfer-Encoding: chunked") + "\r\n", RawHttp.chunked("a=1&".getBytes(StandardCharsets.US_ASCII),
        over + 65_536, false), Expect.REFUSED);
  }

  private Hostile brokenHttp() {
    if (random.nextInt(12) == 0) {
      return new Hostile("unknown HTTP version", "GET /health HTTP/" + pick("0.8", "1.2", "2.0", "3.7", "x", "")
          + "\r\nHost: x\r\nConnection: close\r\n\r\n", RawHttp.Body.NONE, Expect.REFUSED_OR_UNSUPPORTED_VERSION);
    }
    String head = pick(
        "GARBAGE\r\n\r\n",
        "GET /s/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /s/..%2F..%2Fadmin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /" + "u".repeat(9000 + random.nextInt(20_000)) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(9000 + random.nextInt(20_000))
            + "\r\nConnection: close\r\n\r\n",
        "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n",
        "POST /admin/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n"
            + "Content-Type: application/x-www-form-urlencoded\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        "POST /admin/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5\r\nContent-Length: 7\r\n"
            + "\r\nabcdefg",
        "POST /s/" + pick(surveyTokens) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 10\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\nConnection: close\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x\r\n" + "X-Many: 1\r\n".repeat(2000) + "Connection: close\r\n\r\n");
    return new Hostile("broken HTTP", head, RawHttp.Body.NONE, Expect.REFUSED_OR_CLOSED);
  }

  // ---- pieces ----

  private Hostile form(String kind, String path, String cookie, String form) {
    return new Hostile(kind, request("POST", path, "Content-Type: application/x-www-form-urlencoded", cookie),
        body(form), Expect.REFUSED);
  }

  /** A request head without its blank line; an empty header is left out; {@link #body} ends the head. */
  private static String request(String method, String path, String... headers) {
    StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Connection: close\r\n");
    for (String header : headers) {
      if (!header.isEmpty()) {
        head.append(header).append("\r\n");
      }
    }
    return head.toString();
  }

  /** Ends the head with the body's length, then the body. */
  private static RawHttp.Body body(String text) {
    return body(text.getBytes(StandardCharsets.UTF_8));
  }

  private static RawHttp.Body body(byte[] bytes) {
    return out -> {
      out.write(("Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
    };
  }

  private String badToken(List<String> genuine) {
    String token = pick(genuine);
    int dot = token.indexOf('.');
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char last = token.charAt(token.length() - 1);
    int index = alphabet.indexOf(last);
    String candidate = switch (random.nextInt(8)) {
      case 0 -> mutate(token);
      // the same signature bytes, spelled with other unused low bits
      case 1 -> token.substring(0, token.length() - 1) + alphabet.charAt(index - index % 4 + (index % 4 + 1
          + random.nextInt(3)) % 4);
      case 2 -> token.substring(0, random.nextInt(token.length()));
      case 3 -> token + pick("A", "=", "%00", ".x", "%2F..", "/..;/x"); // a trailing "/" is the same URL
      case 4 -> pick(genuine).substring(0, dot) + token.substring(dot);
      case 5 -> Base64.getUrlEncoder().withoutPadding().encodeToString(("v1|" + random.nextInt(1000)
          + "|s|" + (clock.instant().getEpochSecond() + 9999)).getBytes(StandardCharsets.US_ASCII)) + "."
          + "A".repeat(43);
      case 6 -> URLEncoder.encode(junk(), StandardCharsets.UTF_8);
      default -> "x".repeat(1 + random.nextInt(400));
    };
    return genuine.contains(candidate) || candidate.isEmpty() ? "not-a-token" : candidate;
  }

  private String mutate(String text) {
    if (text.isEmpty()) {
      return "x";
    }
    char[] chars = text.toCharArray();
    int at = random.nextInt(chars.length);
    chars[at] = chars[at] == 'A' ? 'B' : 'A';
    return new String(chars);
  }

  private String junk() {
    String[] pieces = {"<script>", "'", "\"", "%", "%%", "%0d%0a", "../", "\u00e9", "\u202e", "\ud83d\ude00", "{{7*7}}",
        "${jndi:ldap://x}", "=SUM(A1)", "\\", ";", "&", "=", "+", " ", "null", "-1", "9", "\u0000"};
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(6); i >= 0; i--) {
      text.append(pieces[random.nextInt(pieces.length)]);
    }
    return text.toString();
  }

  private String randomPath() {
    return pick("/", "/s", "/s/", "/u/", "/admin/", "/admin/../health", "/%2e%2e/%2e%2e/etc/passwd", "/.git/config",
        "/wp-login.php", "/api/", "/api/summary/x", "/webhooks", "/metrics/../admin", "/assets/../../pom.xml",
        "/assets/survey.css?" + URLEncoder.encode(junk(), StandardCharsets.UTF_8), "/s/" + "%41".repeat(100),
        "/" + URLEncoder.encode(junk(), StandardCharsets.UTF_8), "//admin", "/ADMIN", "/s/x/thanks/more",
        "/health;jsessionid=1", "/favicon.ico?x=%zz");
  }

  private String[] junkHeaders() {
    return new String[] {
        "Accept-Language: " + pick("*", "", ";;;", "xx-YYYY-zzzz-1234567890", "de;q=abc", junk().replace("\u0000", "")
            .replaceAll("[\\r\\n]", "")),
        "Cookie: " + pick(Csrf.COOKIE + "=" + "z".repeat(random.nextInt(100)), "=;=;=", "a=b; a=c", "\"\"=\"\""),
        "X-Forwarded-For: " + pick("1.2.3.4", "::1", "x, y, z"),
        "Content-Type: " + pick("text/plain", "application/json; charset=utf-8", "a/b; c=d")};
  }

  private String sign(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @SafeVarargs
  private <T> T pick(T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  private <T> T pick(List<T> choices) {
    return choices.get(random.nextInt(choices.size()));
  }

  private static byte[] concat(String text, byte[] tail) {
    byte[] head = text.getBytes(StandardCharsets.US_ASCII);
    byte[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }

  private static String cookieOf(RawHttp.Answer answer) {
    String setCookie = answer.header("Set-Cookie");
    assertThat(setCookie).as("a CSRF cookie").isNotNull().startsWith(Csrf.COOKIE + "=");
    return "Cookie: " + setCookie.substring(0, setCookie.indexOf(';'));
  }

  private static String csrfOf(String html) {
    Matcher matcher = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
    assertThat(matcher.find()).as("a CSRF field in the page").isTrue();
    return matcher.group(1);
  }

  private static String firstLine(String head) {
    String line = head.split("\r\n", 2)[0];
    return line.length() > 160 ? line.substring(0, 160) + "…" : line;
  }
}
