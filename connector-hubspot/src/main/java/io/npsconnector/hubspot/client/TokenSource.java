package io.npsconnector.hubspot.client;

/**
 * Gives the bearer token for the next request. Implementations are thread-safe and never log a token.
 */
public interface TokenSource {
  /** The token to send now; may call HubSpot to get a fresh one. */
  String token();

  /**
   * HubSpot refused {@code rejected} with a 401: forget it, so that the next {@link #token()} gets a
   * new one if this source can. Returns true when a retry with a new token can help.
   */
  boolean invalidate(String rejected);

  /** A private app's (or any static) token: it cannot be renewed. */
  static TokenSource fixed(String token) {
    return new TokenSource() {
      @Override
      public String token() {
        return token;
      }

      @Override
      public boolean invalidate(String rejected) {
        return false;
      }

      @Override
      public String toString() {
        return "fixed token";
      }
    };
  }
}
