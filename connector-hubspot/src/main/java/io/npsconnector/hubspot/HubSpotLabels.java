package io.npsconnector.hubspot;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;

import io.npsconnector.core.spi.CrmException;
import io.npsconnector.hubspot.client.Budget;
import io.npsconnector.hubspot.client.HubSpotApiException;
import io.npsconnector.hubspot.client.HubSpotClient;

/**
 * What the dashboard shows about a HubSpot portal: the labels of the options of the contact properties segments
 * are read from (one call to {@code GET /crm/v3/properties/contacts} per sync), and where a contact's record
 * opens, {@code https://UI-DOMAIN/contacts/PORTAL-ID/record/0-1/ID}, from the account's details
 * ({@code GET /account-info/v3/details}: {@code portalId}, {@code uiDomain}), read once and remembered.
 */
final class HubSpotLabels {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HubSpotLabels.class);
  static final String READ_LABELS = "read the contact properties' option labels";
  static final String READ_ACCOUNT = "read the account details";
  /** HubSpot's object type id of contacts, as record pages name it. */
  static final String CONTACT_TYPE_ID = "0-1";

  private final HubSpotClient client;
  private final Map<String, String> segments;
  private final AtomicReference<Optional<URI>> contactPages = new AtomicReference<>(Optional.empty());

  /** @param segments segment name to the contact property it is read from */
  HubSpotLabels(HubSpotClient client, Map<String, String> segments) {
    this.client = client;
    this.segments = Map.copyOf(segments);
  }

  /** Segment name to option value to label, for segments read from enumeration properties. */
  Map<String, Map<String, String>> labels() {
    learnAccount();
    if (segments.isEmpty()) {
      return Map.of();
    }
    JsonNode body = call(READ_LABELS, "/crm/v3/properties/contacts");
    Map<String, JsonNode> properties = new LinkedHashMap<>();
    body.path("results").forEach(property -> properties.put(property.path("name").asText(), property));
    Map<String, Map<String, String>> labels = new LinkedHashMap<>();
    segments.forEach((segment, property) -> {
      Map<String, String> options = new LinkedHashMap<>();
      Optional.ofNullable(properties.get(property)).ifPresent(definition -> definition.path("options")
          .forEach(option -> {
            String value = option.path("value").asText("");
            String label = option.path("label").asText("");
            if (!value.isBlank() && !label.isBlank()) {
              options.put(value, label);
            }
          }));
      if (!options.isEmpty()) {
        labels.put(segment, options);
      }
    });
    return labels;
  }

  /** The contact's record page, once the account's details are known. */
  Optional<URI> contactUrl(String crmId) {
    return contactPages.get().filter(base -> crmId.chars().allMatch(Character::isDigit) && !crmId.isEmpty())
        .map(base -> base.resolve(crmId));
  }

  /**
   * Reads the portal id and UI domain once; without them (a token HubSpot refuses the details to) record links
   * are left out, and the labels are still read.
   */
  private void learnAccount() {
    if (contactPages.get().isPresent()) {
      return;
    }
    JsonNode details;
    try {
      details = client.get(READ_ACCOUNT, "/account-info/v3/details", Map.of(), Budget.STANDARD).body();
    } catch (HubSpotApiException e) {
      if (e.status() != 403) {
        throw HubSpotErrors.crmException(client.connection(), e);
      }
      // a token without the scope the account details need: the dashboard shows contacts without links
      LOG.warn("{}: {}: HubSpot refused ({}); the dashboard links to no HubSpot records", client.connection(),
          READ_ACCOUNT, HubSpotErrors.withoutOperation(e));
      return;
    }
    if (details == null) {
      return;
    }
    long portalId = details.path("portalId").asLong(0);
    String domain = details.path("uiDomain").asText("");
    if (portalId > 0 && domain.matches("[A-Za-z0-9.-]+")) {
      contactPages.set(Optional.of(URI.create("https://" + domain + "/contacts/" + portalId + "/record/"
          + CONTACT_TYPE_ID + "/")));
    }
  }

  private JsonNode call(String operation, String path) {
    try {
      JsonNode body = client.get(operation, path, Map.of(), Budget.STANDARD).body();
      if (body == null || !body.isObject()) {
        throw new CrmException.Data(client.connection(), operation, "UNREADABLE_ANSWER",
            "HubSpot's answer to GET " + path + " is not a JSON object", null);
      }
      return body;
    } catch (HubSpotApiException e) {
      throw HubSpotErrors.crmException(client.connection(), e);
    }
  }
}
