package io.npsconnector.hubspot.dto;

import java.util.List;

/** The answer of {@code GET /crm/v3/properties/{objectType}} and of the properties' {@code batch/create}. */
public record PropertyBatchResponse(String status, List<PropertyDefinition> results, List<WriteError> errors) {
  public PropertyBatchResponse {
    results = results == null ? List.of() : List.copyOf(results);
    errors = errors == null ? List.of() : List.copyOf(errors);
  }
}
