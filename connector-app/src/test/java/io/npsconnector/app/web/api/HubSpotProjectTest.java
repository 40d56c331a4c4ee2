package io.npsconnector.app.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;

/**
 * The HubSpot developer project in {@code hubspot-project/} fits the service it calls: the card may fetch
 * from the service's public URL of the shipped HubSpot configuration ({@code config/examples/hubspot.yaml})
 * and nothing else, calls the read API's routes for a HubSpot connection that can verify its signature, and
 * its files are where the 2025.2 developer platform looks for them.
 */
class HubSpotProjectTest {
  private static final Path REPOSITORY = Path.of("..");
  private static final Path PROJECT = REPOSITORY.resolve("hubspot-project");
  private static final Path CONFIGURATION = REPOSITORY.resolve(Path.of("config", "examples", "hubspot.yaml"));
  private static final Pattern CONSTANT = Pattern.compile("export const (SERVICE_URL|CONNECTION) = '([^']*)';");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theProjectIsOnThe2025DeveloperPlatform() throws IOException {
    JsonNode project = JSON.readTree(PROJECT.resolve("hsproject.json").toFile());
    assertThat(project.path("name").asText()).isNotBlank();
    assertThat(project.path("platformVersion").asText()).isEqualTo("2025.2");
    assertThat(PROJECT.resolve(project.path("srcDir").asText()).resolve("app")).isDirectory();
  }

  @Test
  void theAppReadsContactsAndCompaniesAndFetchesOnlyFromTheService() throws IOException {
    JsonNode app = JSON.readTree(src().resolve(Path.of("app", "app-hsmeta.json")).toFile());
    assertThat(app.path("type").asText()).isEqualTo("app");
    assertThat(app.path("uid").asText()).matches("[a-z0-9_]+");
    JsonNode auth = app.path("config").path("auth");
    assertThat(texts(auth.path("requiredScopes")))
        .containsExactlyInAnyOrder("crm.objects.contacts.read", "crm.objects.companies.read");

    URI publicUrl = configuration().server().publicUrl();
    assertThat(publicUrl.getScheme()).as("hubspot.fetch only calls https").isEqualTo("https");
    assertThat(publicUrl.getHost()).isNotEqualTo("localhost");
    List<String> permitted = texts(app.path("config").path("permittedUrls").path("fetch"));
    assertThat(permitted).as("permittedUrls.fetch of app-hsmeta.json").containsExactly(withoutSlash(publicUrl));
    assertThat(texts(app.path("config").path("permittedUrls").path("iframe"))).isEmpty();
  }

  @Test
  void theCardSitsOnContactsAndCompaniesAndItsEntryPointExists() throws IOException {
    JsonNode card = JSON.readTree(src().resolve(Path.of("app", "cards", "NpsCard-hsmeta.json")).toFile());
    assertThat(card.path("type").asText()).isEqualTo("card");
    JsonNode config = card.path("config");
    assertThat(config.path("location").asText()).isIn("crm.record.sidebar", "crm.record.tab");
    assertThat(texts(config.path("objectTypes"))).containsExactlyInAnyOrder("contacts", "companies");
    String entrypoint = config.path("entrypoint").asText();
    assertThat(entrypoint).startsWith("/app/cards/");
    assertThat(src().resolve(entrypoint.substring(1))).isRegularFile();
  }

  @Test
  void theCardCallsTheReadApiOfAHubSpotConnectionThatVerifiesSignatures() throws IOException {
    Map<String, String> constants = new HashMap<>();
    Matcher matcher = CONSTANT.matcher(Files.readString(src().resolve(Path.of("app", "cards", "service.js"))));
    while (matcher.find()) {
      constants.put(matcher.group(1), matcher.group(2));
    }
    NpsConfig configuration = configuration();
    assertThat(constants.get("SERVICE_URL")).as("SERVICE_URL in service.js")
        .isEqualTo(withoutSlash(configuration.server().publicUrl()));
    ConnectionConfig connection = configuration.connection(constants.get("CONNECTION")).orElseThrow(() ->
        new AssertionError("CONNECTION in service.js names no connection of " + CONFIGURATION));
    assertThat(connection.type()).isEqualTo("hubspot");
    assertThat(connection.settings(io.npsconnector.hubspot.HubSpotSettings.class).webhookSecret()).as("the app's client secret verifies the card's requests")
        .isPresent();

    String helpers = Files.readString(src().resolve(Path.of("app", "cards", "nps.js")));
    String contacts = ReadApi.CONTACT_ROUTE.replace("{connection}", "${encodeURIComponent(connection)}")
        .replace("/contacts/{id}/nps", "/${kind}/");
    assertThat(helpers).as("the card builds the read API's paths").contains(contacts)
        .contains("'accounts' : 'contacts'");
  }

  private static Path src() throws IOException {
    return PROJECT.resolve(JSON.readTree(PROJECT.resolve("hsproject.json").toFile()).path("srcDir").asText());
  }

  /** The shipped HubSpot configuration, every environment reference set. */
  private static NpsConfig configuration() throws IOException {
    Map<String, String> env = new HashMap<>();
    Matcher reference = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)").matcher(Files.readString(CONFIGURATION));
    while (reference.find()) {
      env.put(reference.group(1), "a-test-value-long-enough-for-any-secret-" + reference.group(1));
    }
    return ConfigLoader.load(CONFIGURATION, env);
  }

  private static String withoutSlash(URI url) {
    return url.toString().replaceAll("/+$", "");
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(item -> texts.add(item.asText()));
    return texts;
  }
}
