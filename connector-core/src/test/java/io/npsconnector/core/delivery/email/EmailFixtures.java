package io.npsconnector.core.delivery.email;

import io.npsconnector.core.testing.FakeCrmProvider;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.Delivery;
import io.npsconnector.core.delivery.SurveyLinks;
import io.npsconnector.core.delivery.SurveyTokens;
import io.npsconnector.core.model.Contact;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;

/** A configuration with an e-mail channel on a local port, links, contacts and deliveries for the e-mail tests. */
final class EmailFixtures {
  static final Instant NOW = Instant.parse("2025-03-10T09:00:00Z");
  static final Instant EXPIRES_AT = NOW.plus(Duration.ofDays(14));
  static final long INVITATION_ID = 42L;
  static final String SMTP_PASSWORD = "hunter2-smtp-password";
  static final Map<String, String> ENV = Map.of(
      "TOKEN_SECRET", "0123456789abcdef0123456789abcdef",
      "ADMIN_PASSWORD", "correct-horse-battery",
      "HUBSPOT_TOKEN", "pat-eu1-0000",
      "SMTP_PASSWORD", SMTP_PASSWORD);

  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final SurveyTokens TOKENS = new SurveyTokens("0123456789abcdef0123456789abcdef", CLOCK);
  static final SurveyLinks LINKS = new SurveyLinks(URI.create("https://nps.example.com"), TOKENS);

  private EmailFixtures() {}

  /** A valid configuration whose e-mail channel sends to 127.0.0.1:{@code port} without TLS. */
  static NpsConfig config(int port) {
    return config(port, "");
  }

  /** As {@link #config(int)}, with extra keys for {@code channels.email} (indented by four spaces). */
  static NpsConfig config(int port, String emailSettings) {
    String yaml = """
        company: Acme
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
          public-url: https://nps.example.com
        connections:
          - name: hubspot
            type: fake
        channels:
          email:
            host: 127.0.0.1
            port: %d
            tls: none
            from: "Example NPS <nps@example.com>"
        %s
        """.formatted(port, emailSettings.stripTrailing());
    return FakeCrmProvider.parse("test.yaml", yaml, ENV);
  }

  static Contact.Builder contact() {
    return Contact.builder("003-ada", NOW).email("ada@example.com").firstName("Ada").lastName("Lovelace");
  }

  static Contact contact(Locale locale) {
    return contact().locale(locale).build();
  }

  static Delivery invitation(Contact contact) {
    return delivery("inv-42", Delivery.Kind.INVITATION, contact);
  }

  static Delivery delivery(String key, Delivery.Kind kind, Contact contact) {
    return new Delivery(INVITATION_ID, key, kind, "hubspot", "trigger-name", "standard", contact, EXPIRES_AT);
  }
}
