package io.npsconnector.salesforce.auth;

/**
 * Where a Salesforce connection's access tokens come from. Thread-safe.
 *
 * <p>Errors: {@link io.npsconnector.core.spi.CrmException.Authentication} when the org refuses the
 * credentials (permanent until an admin acts), {@link io.npsconnector.core.spi.CrmException.Retriable}
 * when the token endpoint cannot be reached or fails on its side.
 */
public interface TokenSource {
  /** The token to use now, fetched on first use and kept until {@link #renew} replaces it. */
  AccessToken current();

  /**
   * A new token, because Salesforce refused {@code stale} ({@code INVALID_SESSION_ID}). When another
   * thread has renewed it already, the newer token is returned without asking again.
   */
  AccessToken renew(AccessToken stale);

  /** A token given in the configuration ({@code auth: static-token}); it cannot be renewed. */
  static TokenSource fixed(AccessToken token) {
    return new TokenSource() {
      @Override
      public AccessToken current() {
        return token;
      }

      @Override
      public AccessToken renew(AccessToken stale) {
        return token;
      }

      @Override
      public String toString() {
        return "a static token for " + token.instanceUrl();
      }
    };
  }
}
