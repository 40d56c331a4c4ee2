package io.npsconnector.hubspot.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * A successful answer (2xx, including 207 Multi-Status).
 *
 * @param body the parsed JSON body; a missing node for 204
 */
public record HubSpotResponse(int status, JsonNode body, Optional<String> correlationId) {
  public boolean multiStatus() {
    return status == 207;
  }
}
