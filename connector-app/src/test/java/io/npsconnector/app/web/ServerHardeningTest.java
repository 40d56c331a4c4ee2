package io.npsconnector.app.web;

import static io.npsconnector.app.web.SurveyFixture.csrf;
import static io.npsconnector.app.web.SurveyFixture.form;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.npsconnector.core.store.Invitation;

/** The server-wide defences, tested with raw requests: body limits, encodings, refusal counts, error headers. */
class ServerHardeningTest {
  private static final long MB = 1024 * 1024;
  @TempDir Path dir;
  private SurveyFixture fixture;
  private Invitation invitation;
  private String survey;
  private ProductionLogging logs;

  @BeforeEach
  void start() {
    fixture = new SurveyFixture(dir, 100_000);
    invitation = fixture.sentInvitation("c-1", "Ada", Locale.ENGLISH);
    survey = fixture.surveyPath(invitation);
    logs = new ProductionLogging();
  }

  @AfterEach
  void stop() {
    fixture.close();
    logs.close();
  }

  @Test
  void chunkedBodiesBeyondTheLimitAreRefusedBeforeTheyAreReadOnEveryRoute() {
    for (String path : List.of(survey, fixture.unsubscribePath(invitation), "/admin/login", "/admin/logout",
        "/elsewhere")) {
      RawHttp.Answer answer = RawHttp.exchange(fixture.port, head("POST", path,
          "Content-Type: application/x-www-form-urlencoded", "Transfer-Encoding: chunked"),
          RawHttp.chunked("score=9&comment=".getBytes(StandardCharsets.US_ASCII), 2 * MB, false));

      // the body never ends: only a server that refuses without reading it all can answer
      assertThat(answer.status()).as(path).isEqualTo(413);
      assertThat(answer.header("Content-Security-Policy")).isEqualTo(SurveyServer.CSP);
    }
    RawHttp.Answer declared = RawHttp.exchange(fixture.port, head("POST", "/admin/login",
        "Content-Type: application/x-www-form-urlencoded", "Content-Length: " + 256 * MB),
        out -> out.write(new byte[4096])); // Jetty hands a request to the routes once some of its body arrives
    assertThat(declared.status()).isEqualTo(413);
    assertThat(view().score()).isEmpty();
    assertThat(problems()).isEmpty();
  }

  @Test
  void aChunkedFormWithinTheLimitIsAnsweredAsUsual() {
    String page = fixture.get(survey).body();
    String cookie = cookieHeader();
    byte[] form = form("csrf", csrf(page), "score", "8", "comment", "chunked but fine")
        .getBytes(StandardCharsets.US_ASCII);

    RawHttp.Answer answer = RawHttp.exchange(fixture.port, head("POST", survey,
        "Content-Type: application/x-www-form-urlencoded", "Transfer-Encoding: chunked", cookie),
        out -> {
          out.write((Integer.toHexString(form.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(form);
          out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        });

    assertThat(answer.status()).as(answer.body()).isEqualTo(303);
    assertThat(view().score()).contains(8);
  }

  @Test
  void unknownCharsetsAndMalformedEncodingsAre4xxAndLogNothing() {
    String csrf = csrf(fixture.get(survey).body());
    String valid = form("csrf", csrf, "score", "9");
    List<String[]> cases = List.of(
        new String[] {"application/x-www-form-urlencoded; charset=utf-7", valid},
        new String[] {"application/x-www-form-urlencoded; charset=x-unknown", valid},
        new String[] {"application/x-www-form-urlencoded; charset=", valid},
        new String[] {"application/x-www-form-urlencoded; charset", valid},
        new String[] {"application/x-www-form-urlencoded; charset=\"utf-8\"", valid},
        new String[] {"text/plain; charset=utf-7", "List-Unsubscribe=One-Click"},
        new String[] {"application/x-www-form-urlencoded", valid + "&comment=%zz"},
        new String[] {"application/x-www-form-urlencoded", valid + "&comment=%E9t%E9"},
        new String[] {"application/x-www-form-urlencoded", valid + "&comment=%"},
        new String[] {"multipart/form-data; boundary=x",
            "--x\r\nContent-Disposition: form-data; name=\"score\"\r\n\r\n9\r\n--x--\r\n"});
    for (String path : List.of(survey, fixture.unsubscribePath(invitation), "/admin/login", "/admin/logout")) {
      for (String[] request : cases) {
        byte[] body = request[1].getBytes(StandardCharsets.ISO_8859_1);
        RawHttp.Answer answer = RawHttp.exchange(fixture.port, head("POST", path, "Content-Type: " + request[0],
            "Content-Length: " + body.length), out -> out.write(body));

        assertThat(answer.status()).as("%s %s %s", path, request[0], request[1]).isBetween(400, 499);
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("at io.");
      }
    }
    byte[] invalidUtf8 = {'s', 'c', 'o', 'r', 'e', '=', '9', '&', 'c', '=', (byte) 0xC3, (byte) 0x28};
    RawHttp.Answer raw = RawHttp.exchange(fixture.port, head("POST", survey,
        "Content-Type: application/x-www-form-urlencoded", "Content-Length: " + invalidUtf8.length),
        out -> out.write(invalidUtf8));
    assertThat(raw.status()).isEqualTo(400);
    assertThat(RawHttp.exchange(fixture.port, head("GET", survey + "?score=%zz")).status()).isEqualTo(400);
    assertThat(RawHttp.exchange(fixture.port, head("GET", survey + "?score=9",
        "Content-Type: text/plain; charset=utf-7")).status()).isEqualTo(415);

    assertThat(view().score()).isEmpty();
    assertThat(view().unsubscribed()).isFalse();
    assertThat(problems()).isEmpty();
  }

  @Test
  void refusalsAreCountedInOneSummaryLineNotLoggedOneByOne() {
    for (int i = 0; i < 50; i++) {
      fixture.get("/s/forged-token-" + i + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
      fixture.get("/wp-login.php");
    }
    assertThat(fromServer()).isEmpty();

    fixture.app.get(SurveyServer.class).close();

    assertThat(fromServer()).singleElement().satisfies(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.WARN);
      assertThat(event.getFormattedMessage()).startsWith("refused 100 requests in the last ")
          .contains("404 /s/{token} (forged token) x50").contains("404 other x50").doesNotContain("forged-token");
    });
  }

  @Test
  void jettysOwnErrorAnswersCarryTheSecurityHeaders() {
    record Case(String request, int status) {}
    List<Case> cases = List.of(
        new Case("GARBAGE\r\n\r\n", 400),
        new Case("GET /s/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 400),
        new Case("GET /s/..%2F..%2Fadmin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 400),
        new Case("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 414),
        new Case("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(20_000) + "\r\nConnection: close\r\n\r\n",
            431),
        new Case("GET / HTTP/3.7\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 505),
        new Case("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 400));
    for (Case c : cases) {
      RawHttp.Answer answer = RawHttp.exchange(fixture.port, c.request());

      String name = c.request().substring(0, Math.min(40, c.request().length()));
      assertThat(answer.status()).as(name).isEqualTo(c.status());
      SecurityHeaders.all().forEach((header, value) ->
          assertThat(answer.header(header)).as("%s: %s", name, header).isEqualTo(value));
      assertThat(answer.body()).doesNotContain("Exception").doesNotContain("Jetty").doesNotContain("at org.");
    }
    assertThat(problems()).isEmpty();
  }

  @Test
  void signInGuessesWaitLongerAndLongerAndTheAnswerSaysHowLong() {
    String csrf = csrf(fixture.get("/admin/login").body());
    for (int i = 0; i < 5; i++) {
      assertThat(fixture.post("/admin/login", form("csrf", csrf, "password", "guess " + i)).statusCode())
          .isEqualTo(401);
    }

    java.net.http.HttpResponse<String> throttled = fixture.post("/admin/login", form("csrf", csrf, "password",
        "correct-horse-battery"));
    fixture.clock.advance(java.time.Duration.ofSeconds(1));
    java.net.http.HttpResponse<String> sixth = fixture.post("/admin/login", form("csrf", csrf, "password", "guess"));
    java.net.http.HttpResponse<String> again = fixture.post("/admin/login", form("csrf", csrf, "password", "guess"));

    assertThat(throttled.statusCode()).as("even the right password waits").isEqualTo(429);
    assertThat(throttled.headers().firstValue("Retry-After")).contains("1");
    assertThat(throttled.body()).contains("Too many attempts. Try again in 1 s.");
    assertThat(sixth.statusCode()).isEqualTo(401);
    assertThat(again.headers().firstValue("Retry-After")).as("the wait doubles").contains("2");
  }

  private String cookieHeader() {
    return "Cookie: " + Csrf.COOKIE + "=" + ((java.net.CookieManager) fixture.browser.cookieHandler().orElseThrow())
        .getCookieStore().getCookies().stream().filter(cookie -> cookie.getName().equals(Csrf.COOKIE))
        .findFirst().orElseThrow().getValue();
  }

  private static String head(String method, String path, String... headers) {
    StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1\r\nConnection: close\r\n");
    for (String header : headers) {
      if (!header.isEmpty()) {
        head.append(header).append("\r\n");
      }
    }
    return head.append("\r\n").toString();
  }

  private List<ILoggingEvent> problems() {
    return logs.problems();
  }

  private List<ILoggingEvent> fromServer() {
    return logs.events().stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.INFO)
        && event.getLoggerName().startsWith("io.npsconnector.app.web")).toList();
  }

  private io.npsconnector.core.engine.SurveyView view() {
    return fixture.engine.surveyView(invitation.id()).orElseThrow();
  }
}
