package io.npsconnector.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigSchemaTest {
  /** A connection type of a made-up CRM, with two auth modes and a setting of its own. */
  private static final ConnectionType PIPEDRIVE = new ConnectionType() {
    @Override
    public String type() {
      return "pipedrive";
    }

    @Override
    public CrmSettings readSettings(Section connection) {
      Credentials.read(connection, "pipedrive", Optional.empty(), Map.of(
          "api-key", new Credentials.AuthMode(Set.of(), Set.of("key")),
          "oauth", new Credentials.AuthMode(Set.of("client-id"), Set.of("client-secret"))));
      connection.section("paging").integer("page-size", 1, 500);
      return new CrmSettings() {};
    }
  };

  private final JsonNode schema = ConfigSchema.schema(ConnectionTypes.of(List.of(PIPEDRIVE)));

  @Test
  void hasTheKeysTheLoaderReadsAndNoOthers() {
    assertThat(schema.path("$schema").asText()).isEqualTo("http://json-schema.org/draft-07/schema#");
    assertThat(fieldNames(schema.path("properties"))).containsExactly("company", "store", "server", "connections",
        "channels", "fatigue", "send-window", "invitation-expiry", "reminder", "writeback", "templates", "scheduler",
        "triggers", "branding", "alerts");
    assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
    assertThat(fieldNames(schema.at("/properties/alerts/properties"))).containsExactly("max-attempts", "slack",
        "teams", "owner-mail");
    assertThat(fieldNames(schema.at("/properties/alerts/properties/slack/properties"))).containsExactly(
        "webhook-url", "when", "connections", "triggers", "min-interval");
    assertThat(fieldNames(schema.at("/properties/alerts/properties/owner-mail/properties"))).containsExactly(
        "fallback", "when", "connections", "triggers", "min-interval");
    assertThat(fieldNames(schema.at("/properties/channels/properties/email/properties"))).containsExactly("host",
        "tls", "port", "user", "password", "from", "reply-to", "max-connections", "max-per-second");
    assertThat(schema.at("/properties/channels/properties/email/properties/max-connections/anyOf/0").toString())
        .isEqualTo("{\"type\":\"integer\",\"minimum\":1,\"maximum\":64}");
    // every branch of a reader is visited: both stores' keys, every trigger kind's
    assertThat(fieldNames(schema.at("/properties/store/properties"))).containsExactly("type", "path", "url", "user",
        "password");
    assertThat(fieldNames(schema.at("/properties/triggers/items/properties")))
        .contains("on", "filter", "period", "delay", "max-event-age", "daily-cap");
  }

  @Test
  void aConnectionTypeContributesItsSettingsForEveryAuthMode() {
    JsonNode connection = schema.at("/properties/connections/items");
    JsonNode pipedrive = connection.at("/allOf/0");

    assertThat(pipedrive.at("/if/properties/type/const").asText()).isEqualTo("pipedrive");
    JsonNode settings = pipedrive.at("/then/properties");
    assertThat(fieldNames(settings)).contains("name", "type", "sync-interval", "auth", "credentials", "paging");
    assertThat(settings.at("/auth/anyOf/0/enum").toString()).isEqualTo("[\"api-key\",\"oauth\"]");
    assertThat(fieldNames(settings.at("/credentials/properties"))).containsExactlyInAnyOrder("key", "client-id",
        "client-secret");
    assertThat(settings.at("/credentials/properties/client-secret/pattern").asText()).startsWith("\\$\\{");
    assertThat(settings.at("/paging/properties/page-size/anyOf/0").toString())
        .isEqualTo("{\"type\":\"integer\",\"minimum\":1,\"maximum\":500}");
    assertThat(pipedrive.at("/then/additionalProperties").asBoolean(true)).isFalse();
  }

  @Test
  void mappingsWithFreeKeysTakeAnyKeyWithTheValuesTheirReaderAsksFor() {
    JsonNode segments = schema.at("/properties/connections/items/properties/segments");
    JsonNode templates = schema.at("/properties/templates");

    assertThat(segments.path("properties").isMissingNode()).isTrue();
    assertThat(segments.at("/additionalProperties/type").toString()).isEqualTo("[\"string\",\"number\",\"boolean\"]");
    assertThat(fieldNames(templates.at("/additionalProperties/additionalProperties/properties")))
        .containsExactly("subject", "intro", "question", "thank-you", "follow-up", "promoter-link-text");
    assertThat(fieldNames(templates.at("/additionalProperties/additionalProperties/properties/follow-up/properties")))
        .containsExactly("promoter", "passive", "detractor");
    assertThat(fieldNames(templates.at("/additionalProperties/properties"))).containsExactly("promoter-link");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
