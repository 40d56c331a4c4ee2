package io.npsconnector.hubspot.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One input of a {@code batch/update} (with {@code id}) or {@code batch/create} (with {@code associations}).
 * Property values are strings, as HubSpot takes them; an empty string clears a property.
 *
 * @param objectWriteTraceId our request key: HubSpot names it in the errors of a 207 answer
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WriteInput(String id, String objectWriteTraceId, Map<String, String> properties,
    List<WriteAssociation> associations) {

  public WriteInput {
    properties = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(properties));
    associations = associations == null ? null : List.copyOf(associations);
  }

  public static WriteInput update(String id, String traceId, Map<String, String> properties) {
    return new WriteInput(id, traceId, properties, null);
  }

  public static WriteInput create(String traceId, Map<String, String> properties, List<WriteAssociation> associations) {
    return new WriteInput(null, traceId, properties, associations);
  }
}
