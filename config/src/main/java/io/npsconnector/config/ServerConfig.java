package io.npsconnector.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The connector's own HTTP server.
 *
 * @param publicUrl the base of every link in a survey mail, as respondents reach it
 * @param tokenSecret signs survey links (HMAC); at least 32 characters
 * @param adminPassword the password of the dashboard's bootstrap account {@code admin}; without it only the
 *     accounts the {@code users} command made sign in
 * @param apiTokens bearer tokens of the read API, each scoped to some connections
 * @param oneClick whether a score link's page reports the clicked score by script (stored provisionally)
 * @param oneClickGrace how long an unconfirmed one-click score waits before it counts as the answer
 * @param reportingZone where the dashboard's days, weeks, months and quarters begin and end
 */
public record ServerConfig(int port, URI publicUrl, Secret tokenSecret, Optional<Secret> adminPassword,
    List<ApiTokenConfig> apiTokens, boolean oneClick, java.time.Duration oneClickGrace,
    java.time.ZoneId reportingZone) {
  public static final int DEFAULT_PORT = 8080;
  public static final java.time.Duration DEFAULT_ONE_CLICK_GRACE = java.time.Duration.ofMinutes(10);
  static final int MIN_TOKEN_SECRET_LENGTH = 32;
  static final int MIN_ADMIN_PASSWORD_LENGTH = 8;

  public ServerConfig {
    apiTokens = List.copyOf(apiTokens);
  }

  static ServerConfig read(Section server, List<Consumer<Set<String>>> afterConnections) {
    int port = server.integer("port", 1, 65_535).orElse(DEFAULT_PORT);
    URI publicUrl = server.parsed("public-url", Urls::httpUrl)
        .orElse(URI.create("http://localhost:" + port));
    Optional<Secret> tokenSecret = server.requiredSecret("token-secret");
    tokenSecret.filter(secret -> secret.isSet() && secret.reveal().length() < MIN_TOKEN_SECRET_LENGTH).ifPresent(secret ->
        server.problem("token-secret", "must be at least " + MIN_TOKEN_SECRET_LENGTH
            + " characters long (it signs survey links); " + secret.reference() + " is shorter"));
    Optional<Secret> adminPassword = server.secret("admin-password");
    adminPassword.filter(secret -> secret.isSet() && secret.reveal().length() < MIN_ADMIN_PASSWORD_LENGTH).ifPresent(secret ->
        server.problem("admin-password", "must be at least " + MIN_ADMIN_PASSWORD_LENGTH
            + " characters long; " + secret.reference() + " is shorter"));
    List<ApiTokenConfig> apiTokens = new ArrayList<>();
    Set<String> tokenNames = new HashSet<>();
    for (Section token : server.sections("api-tokens")) {
      ApiTokenConfig read = ApiTokenConfig.read(token, afterConnections);
      if (!read.name().isEmpty() && !tokenNames.add(read.name())) {
        token.problem("name", "another API token is already named '" + read.name() + "'");
      }
      apiTokens.add(read);
    }
    boolean oneClick = server.bool("one-click").orElse(true);
    java.time.Duration grace = server.duration("one-click-grace", java.time.Duration.ofMinutes(1))
        .orElse(DEFAULT_ONE_CLICK_GRACE);
    if (grace.compareTo(java.time.Duration.ofDays(7)) > 0) {
      server.problem("one-click-grace", "must be at most 7d, got " + Durations.format(grace));
    }
    java.time.ZoneId reportingZone = server.parsed("reporting-zone", ConnectionConfig::zone)
        .orElse(java.time.ZoneOffset.UTC);
    server.finish();
    return new ServerConfig(port, publicUrl,
        tokenSecret.orElse(Urls.MISSING_SECRET), adminPassword, apiTokens, oneClick, grace, reportingZone);
  }
}
