package io.npsconnector.hubspot;

import io.npsconnector.hubspot.client.Budget;
import io.npsconnector.hubspot.client.HubSpotApiException;
import io.npsconnector.hubspot.client.HubSpotClient;
import io.npsconnector.hubspot.client.HubSpotResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The e-mail addresses of HubSpot owners (the users records are assigned to), for alerts to a contact's owner:
 * {@code GET /crm/v3/owners/{ownerId}?idProperty=id&archived=false} (scope {@code crm.objects.owners.read}), each
 * answer kept for {@link #CACHE_FOR}. An owner HubSpot does not know (404, or archived) has no address. Thread-safe.
 */
final class HubSpotOwners {
  static final String OPERATION = "read owner";
  static final Duration CACHE_FOR = Duration.ofHours(1);
  /** Owner ids are numbers; anything else is never put into a path. */
  private static final Pattern ID = Pattern.compile("[0-9]{1,20}");

  private final HubSpotClient client;
  private final Clock clock;
  private final Map<String, Known> known = new ConcurrentHashMap<>();

  private record Known(Optional<String> email, Instant at) {}

  HubSpotOwners(HubSpotClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  Optional<String> email(String ownerId) {
    String id = ownerId.strip();
    if (!ID.matcher(id).matches()) {
      return Optional.empty();
    }
    Known cached = known.get(id);
    Instant now = clock.instant();
    if (cached != null && now.isBefore(cached.at().plus(CACHE_FOR))) {
      return cached.email();
    }
    Optional<String> email;
    try {
      HubSpotResponse owner = client.get(OPERATION, "/crm/v3/owners/" + id,
          Map.of("idProperty", "id", "archived", "false"), Budget.STANDARD);
      email = Optional.of(owner.body().path("email").asText("").strip()).filter(value -> !value.isEmpty());
    } catch (HubSpotApiException e) {
      if (e.status() != 404) {
        throw HubSpotErrors.crmException(client.connection(), e);
      }
      email = Optional.empty();
    }
    known.put(id, new Known(email, now));
    return email;
  }
}
