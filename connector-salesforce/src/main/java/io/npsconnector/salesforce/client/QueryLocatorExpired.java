package io.npsconnector.salesforce.client;

/**
 * Salesforce no longer knows a query cursor ({@code INVALID_QUERY_LOCATOR}: expired after two days, or too
 * many open cursors); the reader starts the query again from its last checkpoint.
 */
public final class QueryLocatorExpired extends RuntimeException {
  public QueryLocatorExpired(String message, Throwable cause) {
    super(message, cause);
  }
}
