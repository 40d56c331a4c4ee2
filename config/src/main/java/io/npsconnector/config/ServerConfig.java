package io.npsconnector.config;

import java.net.URI;
import java.util.Optional;

/**
 * The connector's own HTTP server.
 *
 * @param publicUrl the base of every link in a survey mail, as respondents reach it
 * @param tokenSecret signs survey links (HMAC); at least 32 characters
 * @param adminPassword protects the dashboard and the JSON API
 */
public record ServerConfig(int port, URI publicUrl, Secret tokenSecret, Secret adminPassword) {
  public static final int DEFAULT_PORT = 8080;
  static final int MIN_TOKEN_SECRET_LENGTH = 32;
  static final int MIN_ADMIN_PASSWORD_LENGTH = 8;

  static ServerConfig read(Section server) {
    int port = server.integer("port", 1, 65_535).orElse(DEFAULT_PORT);
    URI publicUrl = server.parsed("public-url", Urls::httpUrl)
        .orElse(URI.create("http://localhost:" + port));
    Optional<Secret> tokenSecret = server.requiredSecret("token-secret");
    tokenSecret.filter(secret -> secret.reveal().length() < MIN_TOKEN_SECRET_LENGTH).ifPresent(secret ->
        server.problem("token-secret", "must be at least " + MIN_TOKEN_SECRET_LENGTH
            + " characters long (it signs survey links); " + secret.reference() + " is shorter"));
    Optional<Secret> adminPassword = server.requiredSecret("admin-password");
    adminPassword.filter(secret -> secret.reveal().length() < MIN_ADMIN_PASSWORD_LENGTH).ifPresent(secret ->
        server.problem("admin-password", "must be at least " + MIN_ADMIN_PASSWORD_LENGTH
            + " characters long; " + secret.reference() + " is shorter"));
    server.finish();
    return new ServerConfig(port, publicUrl,
        tokenSecret.orElse(Urls.MISSING_SECRET), adminPassword.orElse(Urls.MISSING_SECRET));
  }
}
