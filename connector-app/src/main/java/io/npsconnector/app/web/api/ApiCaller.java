package io.npsconnector.app.web.api;

import java.util.Optional;

/**
 * Who is calling the read API, once authenticated, or why not.
 *
 * @param name the API token's name, or {@code signed:CONNECTION} for a request the CRM signed
 * @param status 200 when authenticated, otherwise 401 (no or bad credentials) or 403 (not for this connection)
 * @param refusal why not, one sentence that names no secret
 */
record ApiCaller(String name, int status, Optional<String> refusal) {
  static ApiCaller allowed(String name) {
    return new ApiCaller(name, 200, Optional.empty());
  }

  static ApiCaller unauthenticated(String why) {
    return new ApiCaller("", 401, Optional.of(why));
  }

  static ApiCaller forbidden(String name, String why) {
    return new ApiCaller(name, 403, Optional.of(why));
  }

  boolean ok() {
    return status == 200;
  }
}
