package io.npsconnector.hubspot.write;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.npsconnector.hubspot.client.HubSpotClient;
import java.io.UncheckedIOException;

/**
 * Answers a {@code batch/update} as HubSpot does when every input is written: 200, one result per input
 * with the values sent. For stubs that name the transformer {@value #NAME}.
 */
final class BatchUpdateEcho implements ResponseDefinitionTransformerV2 {
  static final String NAME = "hubspot-batch-update-echo";
  private static final ObjectMapper JSON = HubSpotClient.objectMapper();
  private static final String NOW = "2024-03-02T10:15:30.412Z";

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  @Override
  public ResponseDefinition transform(ServeEvent event) {
    JsonNode request;
    try {
      request = JSON.readTree(event.getRequest().getBodyAsString());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    ObjectNode answer = JSON.createObjectNode();
    answer.put("status", "COMPLETE");
    ArrayNode results = answer.putArray("results");
    for (JsonNode input : request.path("inputs")) {
      String id = input.path("id").asText();
      ObjectNode record = results.addObject();
      record.put("id", id);
      ObjectNode properties = record.putObject("properties");
      properties.put("hs_object_id", id);
      properties.put("lastmodifieddate", NOW);
      input.path("properties").properties().forEach(field -> properties.set(field.getKey(), field.getValue()));
      record.put("createdAt", "2023-11-20T08:00:01.104Z");
      record.put("updatedAt", NOW);
      record.put("archived", false);
    }
    answer.put("startedAt", "2024-03-02T10:15:30.201Z");
    answer.put("completedAt", "2024-03-02T10:15:30.455Z");
    return ResponseDefinitionBuilder.like(event.getResponseDefinition()).but().withBody(answer.toString()).build();
  }
}
