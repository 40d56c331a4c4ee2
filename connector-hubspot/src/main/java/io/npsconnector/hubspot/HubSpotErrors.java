package io.npsconnector.hubspot;

import io.npsconnector.core.spi.CrmException;
import io.npsconnector.hubspot.client.HubSpotApiException;

/** HubSpot's failures as the SPI's exceptions, in one place for the whole adapter. */
final class HubSpotErrors {
  private HubSpotErrors() {}

  /**
   * A failed HubSpot call as the SPI's exception: 401 and 403 are authentication failures (an admin must
   * act), retriable statuses stay retriable with HubSpot's hint, anything else is a data error with
   * HubSpot's category (or {@code HTTP_<status>}) as its code.
   */
  static CrmException crmException(String connection, HubSpotApiException e) {
    String message = withoutOperation(e);
    if (e.status() == 401 || e.status() == 403) {
      return new CrmException.Authentication(connection, e.operation(), message, e);
    }
    if (e.retriable()) {
      return new CrmException.Retriable(connection, e.operation(), message, e.retryAfter(), e);
    }
    return new CrmException.Data(connection, e.operation(),
        e.category().orElse(e.status() == 0 ? "IO_ERROR" : "HTTP_" + e.status()), message, e);
  }

  /** The exception's message without the operation it starts with (the SPI's exceptions add it). */
  static String withoutOperation(HubSpotApiException e) {
    String message = String.valueOf(e.getMessage());
    String prefix = e.operation() + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }
}
