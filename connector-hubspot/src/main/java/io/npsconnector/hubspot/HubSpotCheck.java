package io.npsconnector.hubspot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.WritebackConfig;
import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.FieldReport;
import io.npsconnector.hubspot.client.Budget;
import io.npsconnector.hubspot.client.HubSpotApiException;
import io.npsconnector.hubspot.client.HubSpotClient;
import io.npsconnector.hubspot.client.TokenSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Checks a HubSpot connection without changing anything: whether HubSpot takes the token, which of the
 * scopes the connector needs it lacks, and which properties are missing or unusable. When the configuration
 * opts unsubscribed contacts out of e-mail ({@code writeback.email-opt-out}), the scope to write
 * communication preferences ({@value #EMAIL_OPT_OUT_SCOPE}) is needed as well.
 *
 * <p>A private app's token is described by {@code POST /oauth/v2/private-apps/get/access-token-info}; an
 * OAuth access token by {@code GET /oauth/v1/access-tokens/{token}}. As that path holds the token, the
 * OAuth call is made here rather than through {@link HubSpotClient}, which logs paths. No message ever
 * holds a token.
 *
 * <p>Throws {@link CrmException.Retriable} when HubSpot cannot be reached; everything else is a problem in
 * the {@link ConnectionCheck}.
 */
public final class HubSpotCheck {
  static final String PRIVATE_APP = "private-app";
  static final String OPERATION = "read the access token's scopes";
  /** The scopes the connector needs; each entry lists names that grant the same access. */
  static final List<List<String>> REQUIRED_SCOPES = List.of(
      List.of("crm.objects.contacts.read"),
      List.of("crm.objects.contacts.write"),
      List.of("crm.objects.companies.read"),
      List.of("crm.objects.companies.write"),
      List.of("crm.objects.deals.read"),
      List.of("tickets", "crm.objects.tickets.read"),
      List.of("crm.schemas.contacts.read"),
      List.of("crm.schemas.contacts.write"),
      List.of("crm.schemas.companies.read"),
      List.of("crm.schemas.companies.write"));
  /** Needed to opt contacts out of e-mail (Communication Preferences v4, batch unsubscribe-all). */
  static final String EMAIL_OPT_OUT_SCOPE = "communication_preferences.statuses.batch.write";

  private final HubSpotClient client;
  private final TokenSource tokens;
  private final boolean privateApp;
  private final HubSpotFieldInstaller installer;
  private final List<List<String>> requiredScopes;

  /** @param writeback decides the scopes needed beyond {@link #REQUIRED_SCOPES} */
  public HubSpotCheck(HubSpotClient client, ConnectionConfig connection, TokenSource tokens,
      HubSpotFieldInstaller installer, WritebackConfig writeback) {
    this.client = Objects.requireNonNull(client, "client");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.privateApp = HubSpotSettings.PRIVATE_APP.equals(
        connection.settings(HubSpotSettings.class).credentials().auth());
    this.installer = Objects.requireNonNull(installer, "installer");
    this.requiredScopes = requiredScopes(Objects.requireNonNull(writeback, "writeback"));
  }

  /** The scopes the connector needs with this configuration; each entry lists names granting the same access. */
  static List<List<String>> requiredScopes(WritebackConfig writeback) {
    if (!writeback.emailOptOut()) {
      return REQUIRED_SCOPES;
    }
    List<List<String>> scopes = new ArrayList<>(REQUIRED_SCOPES);
    scopes.add(List.of(EMAIL_OPT_OUT_SCOPE));
    return List.copyOf(scopes);
  }

  /** Signs in, compares the token's scopes with those needed, and describes the properties. */
  public ConnectionCheck check() {
    List<String> problems = new ArrayList<>();
    Scopes scopes = scopes();
    if (scopes.refused().isPresent()) {
      return new ConnectionCheck(false, List.of(scopes.refused().get()));
    }
    scopes.unknown().ifPresent(problems::add);
    scopes.granted().ifPresent(granted -> missing(granted, requiredScopes).ifPresent(problems::add));
    try {
      FieldReport fields = installer.describeFields();
      problems.addAll(fields.instructions());
    } catch (CrmException.Authentication e) {
      if (e.getCause() instanceof HubSpotApiException api && api.status() == 401) {
        return new ConnectionCheck(false, List.of("HubSpot refused the access token: " + e.getMessage()));
      }
      problems.add("The connector may not read the contact and company properties: " + e.getMessage());
    } catch (CrmException.Data e) {
      problems.add("The contact and company properties could not be read: " + e.getMessage());
    }
    return new ConnectionCheck(true, problems);
  }

  /** One sentence naming the needed scopes the token lacks, if any. */
  static Optional<String> missing(Set<String> granted, List<List<String>> required) {
    List<String> missing = required.stream()
        .filter(names -> names.stream().noneMatch(granted::contains))
        .map(names -> names.size() == 1 ? names.get(0) : names.get(0) + " (or " + String.join(" or ",
            names.subList(1, names.size())) + ")")
        .toList();
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("The access token lacks the scope" + (missing.size() == 1 ? " " : "s ")
        + String.join(", ", missing) + ": add " + (missing.size() == 1 ? "it" : "them")
        + " to the HubSpot app and install it again (or create a new token)");
  }

  // ---- the token's scopes ----

  /** What HubSpot said of the token: its scopes, that it refused it, or that it could not say. */
  private record Scopes(Optional<Set<String>> granted, Optional<String> refused, Optional<String> unknown) {
    static Scopes of(JsonNode info) {
      Set<String> scopes = new HashSet<>();
      info.path("scopes").forEach(scope -> scopes.add(scope.asText()));
      return new Scopes(Optional.of(scopes), Optional.empty(), Optional.empty());
    }

    static Scopes refused(String problem) {
      return new Scopes(Optional.empty(), Optional.of(problem), Optional.empty());
    }

    static Scopes unknown(String problem) {
      return new Scopes(Optional.empty(), Optional.empty(), Optional.of(problem));
    }
  }

  private Scopes scopes() {
    String token;
    try {
      token = tokens.token();
    } catch (HubSpotApiException e) {
      if (e.retriable()) {
        throw HubSpotErrors.crmException(client.connection(), e);
      }
      return Scopes.refused("HubSpot gave no access token: " + e.getMessage());
    }
    return privateApp ? privateAppScopes(token) : oauthScopes(token);
  }

  private Scopes privateAppScopes(String token) {
    try {
      return Scopes.of(client.post(OPERATION, "/oauth/v2/private-apps/get/access-token-info",
          Map.of("tokenKey", token), Budget.STANDARD).body());
    } catch (HubSpotApiException e) {
      if (e.status() == 401) {
        return Scopes.refused("HubSpot refused the private app's access token: " + e.getMessage());
      }
      if (e.retriable()) {
        throw HubSpotErrors.crmException(client.connection(), e);
      }
      return Scopes.unknown("The token's scopes could not be read: " + e.getMessage());
    }
  }

  /** Made here, not through the client, so that no log line shows the path that holds the token. */
  private Scopes oauthScopes(String token) {
    try {
      client.governor().acquire(Budget.STANDARD);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CrmException.Retriable(client.connection(), OPERATION, "interrupted", Optional.empty(), e);
    }
    Request request = new Request.Builder()
        .url(client.url("/oauth/v1/access-tokens/" + token, Map.of()))
        .header("Accept", "application/json")
        .get()
        .build();
    try (Response response = client.http().newCall(request).execute()) {
      ResponseBody body = response.body();
      String text = body == null ? "" : body.string();
      String correlation = Optional.ofNullable(response.header(HubSpotClient.CORRELATION_ID))
          .map(id -> " [correlation id " + id + "]").orElse("");
      if (response.isSuccessful()) {
        try {
          return Scopes.of(client.json().readTree(text.isBlank() ? "{}" : text));
        } catch (JsonProcessingException e) {
          return Scopes.unknown("The token's scopes could not be read: HubSpot's answer is not JSON" + correlation);
        }
      }
      String answer = "HTTP " + response.code() + correlation;
      if (response.code() == 401 || response.code() == 404) {
        return Scopes.refused("HubSpot does not know the OAuth access token (" + answer + ")");
      }
      if (response.code() == 429 || response.code() >= 500) {
        throw new CrmException.Retriable(client.connection(), OPERATION, answer, Optional.empty(), null);
      }
      return Scopes.unknown("The token's scopes could not be read (" + answer + ")");
    } catch (IOException e) {
      // the exception's text may hold the URL, and with it the token: keep only its kind
      throw new CrmException.Retriable(client.connection(), OPERATION, "no answer (" + e.getClass().getSimpleName()
          + ")", Optional.empty(), null);
    }
  }
}
