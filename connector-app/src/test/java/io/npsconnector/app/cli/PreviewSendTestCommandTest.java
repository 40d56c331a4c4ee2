package io.npsconnector.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.npsconnector.app.service.Composition;
import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.store.ContactRepository;
import io.npsconnector.core.store.Database;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code preview} writes a trigger's mail and pages; {@code send-test} mails them for real, counted nowhere. */
class PreviewSendTestCommandTest {
  @RegisterExtension
  static final GreenMailExtension SMTP =
      new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
  private static final Map<String, String> ENV = Map.of("TOKEN_SECRET", "0123456789abcdef0123456789abcdef",
      "ADMIN_PASSWORD", "correct-horse-battery", "HUBSPOT_TOKEN", "pat-test", "HOOK_SECRET", "0123456789abcdef");

  @TempDir Path dir;
  private Path config;

  @BeforeEach
  void writeTheConfigurationAndStoreOneContact() throws Exception {
    config = dir.resolve("nps.yaml");
    Files.writeString(config, """
        company: Acme
        store:
          path: %s
        server:
          public-url: https://nps.acme.example
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: hubspot
            type: hubspot
            credentials:
              token: ${HUBSPOT_TOKEN}
        channels:
          email:
            host: 127.0.0.1
            port: %d
            tls: none
            from: "Acme NPS <nps@acme.example>"
          webhook:
            url: https://hooks.acme.example/nps
            secret: ${HOOK_SECRET}
        triggers:
          - name: post-purchase
            on: purchase
          - name: sms-survey
            on: purchase
            channel: webhook
        branding:
          logo-url: https://cdn.acme.example/logo.png
          color: "#0B5FFF"
        """.formatted(dir.resolve("store").toString().replace('\\', '/'), SMTP.getSmtp().getPort()));
    NpsConfig loaded = ConfigLoader.load(config, ENV);
    try (Composition app = Composition.of(loaded)) {
      Database database = app.get(Database.class);
      database.jdbi().useHandle(handle -> new ContactRepository(database.jdbi()).upsert(handle, "hubspot",
          Contact.builder("1001", Instant.parse("2026-01-01T00:00:00Z")).email("claire@client.example")
              .firstName("Claire").lastName("Martin").locale(Locale.FRENCH).build(), Instant.now()));
    }
  }

  @Test
  void previewWritesTheMailAndThePagesOfASampleContactInTheLanguageAsked() throws Exception {
    Path out = dir.resolve("out");

    CommandRun run = CommandRun.of(ENV, "preview", "--config", config.toString(), "--trigger", "post-purchase",
        "--lang", "DE", "--out", out.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> names = List.of("post-purchase-de-mail.html", "post-purchase-de-mail.txt",
        "post-purchase-de-mail.eml", "post-purchase-de-survey.html", "post-purchase-de-thanks.html",
        "assets/survey.css", "assets/favicon.svg", "assets/brand.css");
    for (String name : names) {
      assertThat(out.resolve(name)).isRegularFile();
      assertThat(run.out()).contains(out.resolve(name).toString());
    }
    assertThat(run.out()).startsWith("Preview of trigger post-purchase in de for a sample contact (Alex Sample)");
    String html = Files.readString(out.resolve("post-purchase-de-mail.html"));
    assertThat(html).contains("<img src=\"https://cdn.acme.example/logo.png\" alt=\"Acme\"")
        .contains("background-color:#0B5FFF;color:#FFFFFF;").contains("Hallo Alex")
        .contains("https://nps.acme.example/t/");
    MimeMessage eml;
    try (InputStream in = Files.newInputStream(out.resolve("post-purchase-de-mail.eml"))) {
      eml = new MimeMessage(Session.getInstance(new Properties()), in);
    }
    assertThat(eml.getSubject()).contains("Acme");
    assertThat(eml.getHeader("Content-Language")).containsExactly("de");
    assertThat(Files.readString(out.resolve("post-purchase-de-survey.html")))
        .contains("href=\"assets/survey.css\"").contains("href=\"assets/brand.css\"").contains("lang=\"de\"");
    assertThat(Files.readString(out.resolve("assets/brand.css"))).contains("--brand: #0B5FFF; --on-brand: #FFFFFF;");
    assertThat(SMTP.getReceivedMessages()).isEmpty();
  }

  @Test
  void previewUsesAStoredContactInItsOwnLanguage() throws Exception {
    Path out = dir.resolve("claire");

    CommandRun run = CommandRun.of(ENV, "preview", "--config", config.toString(), "--trigger", "post-purchase",
        "--contact", "hubspot:1001", "--out", out.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("Preview of trigger post-purchase in fr for contact hubspot:1001 (Claire Martin)");
    assertThat(Files.readString(out.resolve("post-purchase-fr-mail.txt"))).contains("Claire");
    assertThat(Files.readString(out.resolve("post-purchase-fr-mail.eml"))).contains("claire@client.example");
  }

  @Test
  void previewNamesWhatIsWrong() {
    assertThat(fails("preview", "--trigger", "post-purchace"))
        .isEqualTo("no trigger is named 'post-purchace' — did you mean 'post-purchase'?; triggers: post-purchase, "
            + "sms-survey");
    assertThat(fails("preview", "--trigger", "post-purchase", "--contact", "hubspot:9999"))
        .startsWith("the store has no contact hubspot:9999 (it was never synced from hubspot)");
    assertThat(fails("preview", "--trigger", "post-purchase", "--contact", "hubsopt:1001"))
        .startsWith("no connection named 'hubsopt' in ").endsWith("; connections: hubspot");
    assertThat(fails("preview", "--trigger", "post-purchase", "--contact", "1001"))
        .isEqualTo("--contact must be CONNECTION:CRM_ID, such as hubspot:1001, got '1001'");
    assertThat(fails("preview", "--trigger", "post-purchase", "--lang", "fra"))
        .isEqualTo("template 'standard' has no texts in 'fra' — did you mean 'fr'?; template 'standard' has en, de, fr, "
            + "es, pt-BR");
    assertThat(fails("preview", "--trigger", "sms-survey"))
        .isEqualTo("trigger 'sms-survey' sends through the webhook channel; previews and test mails are of the "
            + "e-mail channel's mail");
  }

  @Test
  void sendTestMailsItForRealMarkedAsATestAndStoresNothing() throws Exception {
    CommandRun run = CommandRun.of(ENV, "send-test", "--config", config.toString(), "--trigger", "post-purchase",
        "--contact", "hubspot:1001", "--lang", "es", "--to", "owner@acme.example");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("Sent a test mail of trigger post-purchase to owner@acme.example (127.0.0.1:")
        .contains("Message-ID <nps-test-");
    MimeMessage[] received = SMTP.getReceivedMessages();
    assertThat(received).hasSize(1);
    assertThat(received[0].getAllRecipients()[0].toString()).isEqualTo("owner@acme.example");
    assertThat(received[0].getSubject()).startsWith("[TEST] ");
    assertThat(received[0].getHeader("X-NPS-Test")).containsExactly("true");
    assertThat(received[0].getHeader("Content-Language")).containsExactly("es");
    try (Composition app = Composition.of(ConfigLoader.load(config, ENV))) {
      Database database = app.get(Database.class);
      for (String table : List.of("invitations", "invitation_history", "decisions", "answers")) {
        long rows = database.jdbi().withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM " + table)
            .mapTo(Long.class).one());
        assertThat(rows).as(table).isZero();
      }
    }
  }

  @Test
  void sendTestRefusesAnAddressBeforeLoadingAnything() {
    assertThat(fails("send-test", "--trigger", "post-purchase", "--to", "owner at acme"))
        .startsWith("--to: 'owner at acme' is not an e-mail address");
    assertThat(SMTP.getReceivedMessages()).isEmpty();
  }

  /** The command's one-line error; it must exit 1 and print nothing else. */
  private String fails(String command, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = command;
    all[1] = "--config";
    all[2] = config.toString();
    System.arraycopy(args, 0, all, 3, args.length);
    CommandRun run = CommandRun.of(ENV, all);
    assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
    assertThat(run.err().lines()).hasSize(1);
    return run.err().strip();
  }
}
