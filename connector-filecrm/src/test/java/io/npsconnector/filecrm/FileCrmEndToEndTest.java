package io.npsconnector.filecrm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.npsconnector.app.service.Service;
import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.spi.CrmProvider;
import io.npsconnector.core.spi.support.CrmProviders;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.InvitationRepository;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole product on a JSON-folder CRM that nothing in config, core or the app names: the service finds the
 * adapter through {@link java.util.ServiceLoader}, syncs two contacts and their won deal, mails both surveys
 * (GreenMail), both respondents answer through the survey pages over HTTP, and the write-back lands in the
 * folder: scores and categories on the contacts, the roll-up on their account, one timeline entry per answer,
 * and a follow-up task for the detractor's owner.
 */
class FileCrmEndToEndTest {
  @RegisterExtension
  static final GreenMailExtension SMTP = new GreenMailExtension(
      new ServerSetup(3026, "127.0.0.1", "smtp").dynamicPort());
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Service service;

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void syncsSendsTakesAnswersAndWritesThemBackIntoTheFolder() throws Exception {
    Path crm = dir.resolve("crm");
    Instant now = Instant.now();
    contact(crm, "c-1", "grace@example.com", "Grace", "owner-1", now.minus(Duration.ofHours(2)));
    contact(crm, "c-2", "alan@example.com", "Alan", "owner-2", now.minus(Duration.ofHours(2)));
    Files.writeString(crm.resolve("events").resolve("deal-7.json"), """
        {"id": "deal-7", "kind": "purchase", "occurred-at": "%s", "contacts": ["c-1", "c-2"], "amount": "900"}
        """.formatted(now.minus(Duration.ofMinutes(30))));
    NpsConfig config = ConfigLoader.load(config(crm), Map.of("TOKEN_SECRET",
        "end-to-end-token-secret-0123456789abcdef", "ADMIN_PASSWORD", "correct-horse"));
    assertThat(CrmProviders.installed()).extracting(CrmProvider::type).contains("json-folder");

    // the product as it ships: the adapter is found through ServiceLoader, like every other one
    service = Service.start(config, binder -> binder.bind(Service.Options.class)
        .toInstance(new Service.Options("127.0.0.1", 0, false, 60)));
    Engine engine = service.engine();

    Engine.SyncReport sync = engine.syncAndTrigger("files");
    assertThat(sync.contacts()).isEqualTo(2);
    assertThat(sync.events()).isEqualTo(1);
    assertThat(sync.invited()).isEqualTo(2);

    InvitationRepository invitations = new InvitationRepository(service.database().jdbi());
    for (Invitation invitation : invitations.inStates("files", InvitationState.SCHEDULED)) {
      engine.send(invitation.id());
    }
    MimeMessage[] mails = SMTP.getReceivedMessages();
    assertThat(mails).hasSize(2);
    for (MimeMessage mail : mails) {
      String to = ((InternetAddress) mail.getAllRecipients()[0]).getAddress();
      answer(mail, to.startsWith("grace") ? 9 : 3, to.startsWith("grace") ? "Quick setup" : "Too slow");
    }
    assertThat(invitations.inStates("files", InvitationState.ANSWERED)).hasSize(2);

    Engine.FlushReport flushed = engine.flushWritebacks("files");

    assertThat(flushed.failed()).isZero();
    JsonNode grace = read(crm.resolve("contacts/c-1.json"));
    assertThat(grace.path("nps_score").asInt()).isEqualTo(9);
    assertThat(grace.path("nps_category").asText()).isEqualTo("promoter");
    assertThat(grace.path("nps_comment").asText()).isEqualTo("Quick setup");
    assertThat(grace.path("email").asText()).isEqualTo("grace@example.com");
    JsonNode alan = read(crm.resolve("contacts/c-2.json"));
    assertThat(alan.path("nps_score").asInt()).isEqualTo(3);
    assertThat(alan.path("nps_category").asText()).isEqualTo("detractor");
    JsonNode account = read(crm.resolve("accounts/acme.json"));
    assertThat(account.path("nps_responses").asInt()).isEqualTo(2);
    assertThat(account.path("nps_account_score").asDouble()).isEqualTo(0.0); // 50 % promoters - 50 % detractors
    List<JsonNode> activities = all(crm.resolve("activities"));
    assertThat(activities).extracting(activity -> activity.path("contact").asText())
        .containsExactlyInAnyOrder("c-1", "c-2");
    List<JsonNode> tasks = all(crm.resolve("tasks"));
    assertThat(tasks).hasSize(1);
    assertThat(tasks.get(0).path("contact").asText()).isEqualTo("c-2");
    assertThat(tasks.get(0).path("owner").asText()).isEqualTo("owner-2");
    assertThat(tasks.get(0).path("description").asText()).contains("Too slow");
  }

  /** Follows the mail's score link to the survey page, then posts the score and a comment with its CSRF token. */
  private void answer(MimeMessage mail, int score, String comment) throws Exception {
    // each respondent's own browser: cookies kept (the CSRF cookie), redirects not followed
    HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER).build();
    String text = GreenMailUtil.getWholeMessage(mail).replace("=\r\n", "").replace("=3D", "=");
    Matcher link = Pattern.compile("http://127\\.0\\.0\\.1/s/[A-Za-z0-9_.-]+\\?score=" + score).matcher(text);
    assertThat(link.find()).as("a score-%d link in:%n%s", score, text).isTrue();
    URI uri = URI.create(link.group());
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(local(uri.getRawPath() + "?" + uri.getRawQuery()))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
    assertThat(csrf.find()).as("a CSRF field in the survey page").isTrue();
    String form = "csrf=" + encode(csrf.group(1)) + "&score=" + score + "&comment=" + encode(comment);
    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(local(uri.getRawPath()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).isEqualTo(303);
  }

  private URI local(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + service.port() + pathAndQuery);
  }

  private Path config(Path crm) throws IOException {
    Path file = dir.resolve("nps.yaml");
    Files.writeString(file, """
        company: Acme
        store:
          type: h2
          path: %s
        server:
          public-url: http://127.0.0.1
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: files
            type: json-folder
            folder: %s
            page-size: 10
        channels:
          email:
            host: 127.0.0.1
            port: %d
            tls: none
            from: nps@example.com
        triggers:
          - name: won
            on: purchase
        send-window:
          quiet-hours: none
          weekdays: [mon, tue, wed, thu, fri, sat, sun]
        """.formatted(dir.resolve("store"), crm, SMTP.getSmtp().getPort()));
    return file;
  }

  private static void contact(Path crm, String id, String email, String name, String owner, Instant modifiedAt)
      throws IOException {
    Files.createDirectories(crm.resolve("contacts"));
    Files.createDirectories(crm.resolve("events"));
    Files.writeString(crm.resolve("contacts").resolve(id + ".json"), JSON.writeValueAsString(Map.of("id", id,
        "email", email, "first-name", name, "owner", owner, "account-id", "acme", "account-name", "Acme Ltd",
        "modified-at", modifiedAt.toString())));
  }

  private static JsonNode read(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  private static List<JsonNode> all(Path folder) throws IOException {
    List<JsonNode> records = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(path -> path.toString().endsWith(".json")).sorted().toList()) {
        records.add(read(file));
      }
    }
    return records;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
