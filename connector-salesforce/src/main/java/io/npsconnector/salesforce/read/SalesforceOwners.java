package io.npsconnector.salesforce.read;

import com.sforce.soap.partner.QueryResult;
import com.sforce.ws.bind.XmlObject;
import io.npsconnector.salesforce.client.SalesforceSession;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The e-mail addresses of Salesforce users who own contacts, for alerts to a contact's owner: one
 * {@code SELECT Email FROM User WHERE Id = '...'} per owner, each answer kept for {@link #CACHE_FOR}. A user the org
 * does not have (or an id that is none) has no address. Thread-safe.
 */
public final class SalesforceOwners {
  public static final Duration CACHE_FOR = Duration.ofHours(1);
  /** User ids: 15 or 18 letters and digits starting with the User key prefix; nothing else reaches the query. */
  private static final Pattern USER_ID = Pattern.compile("005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?");

  private final SalesforceSession session;
  private final Clock clock;
  private final Map<String, Known> known = new ConcurrentHashMap<>();

  private record Known(Optional<String> email, Instant at) {}

  public SalesforceOwners(SalesforceSession session, Clock clock) {
    this.session = session;
    this.clock = clock;
  }

  public Optional<String> email(String ownerId) {
    String id = ownerId.strip();
    if (!USER_ID.matcher(id).matches()) {
      return Optional.empty();
    }
    Known cached = known.get(id);
    Instant now = clock.instant();
    if (cached != null && now.isBefore(cached.at().plus(CACHE_FOR))) {
      return cached.email();
    }
    String soql = "SELECT Email FROM User WHERE Id = '" + id + "'";
    QueryResult result = session.call("query", "read owner", partner -> partner.query(soql));
    Optional<String> email = result.getRecords().length == 0 ? Optional.empty()
        : Records.text((XmlObject) result.getRecords()[0], "Email").map(String::strip).filter(v -> !v.isEmpty());
    known.put(id, new Known(email, now));
    return email;
  }
}
