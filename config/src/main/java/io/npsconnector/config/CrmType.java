package io.npsconnector.config;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The CRMs a connection can speak to, with the credentials each way of signing in needs. */
public enum CrmType {
  SALESFORCE("salesforce", null, Map.of(
      "jwt", new AuthMode(Set.of("client-id", "username"), Set.of("private-key")),
      "client-credentials", new AuthMode(Set.of("client-id"), Set.of("client-secret")),
      "static-token", new AuthMode(Set.of(), Set.of("token")))),
  HUBSPOT("hubspot", "private-app", Map.of(
      "private-app", new AuthMode(Set.of(), Set.of("token")),
      "oauth", new AuthMode(Set.of("client-id"), Set.of("client-secret", "refresh-token"))));

  private final String id;
  private final String defaultAuth;
  private final Map<String, AuthMode> authModes;

  CrmType(String id, String defaultAuth, Map<String, AuthMode> authModes) {
    this.id = id;
    this.defaultAuth = defaultAuth;
    this.authModes = authModes;
  }

  /** The name used in configuration files, such as {@code hubspot}. */
  public String id() {
    return id;
  }

  /** The auth mode used when a connection names none, or null when the connection must name one. */
  String defaultAuth() {
    return defaultAuth;
  }

  Map<String, AuthMode> authModes() {
    return authModes;
  }

  static List<String> ids() {
    return Arrays.stream(values()).map(CrmType::id).toList();
  }

  static CrmType ofId(String id) {
    return Arrays.stream(values()).filter(type -> type.id.equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown CRM type: " + id));
  }

  /** The plain keys and the secret keys one auth mode requires. */
  record AuthMode(Set<String> values, Set<String> secrets) {}
}
