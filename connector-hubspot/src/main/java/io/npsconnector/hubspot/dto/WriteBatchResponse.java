package io.npsconnector.hubspot.dto;

import java.util.List;

/**
 * The answer of a batch write: 200/201 with {@code results}, or 207 with {@code errors} as well.
 *
 * @param status {@code COMPLETE} once HubSpot processed the batch
 */
public record WriteBatchResponse(String status, List<WriteRecord> results, Integer numErrors, List<WriteError> errors) {
  public WriteBatchResponse {
    results = results == null ? List.of() : List.copyOf(results);
    errors = errors == null ? List.of() : List.copyOf(errors);
  }
}
