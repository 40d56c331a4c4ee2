package io.npsconnector.hubspot.dto;

import java.util.List;

/**
 * The answer of {@code POST /communication-preferences/v4/statuses/batch/unsubscribe-all}: 200 with
 * {@code results}, or 207 with per-input {@code errors} as well (their {@code context} names the address,
 * as {@code subscriberIdString}).
 */
public record SubscriptionBatchResponse(String status, List<SubscriptionStatus> results, List<WriteError> errors) {
  public SubscriptionBatchResponse {
    results = results == null ? List.of() : List.copyOf(results);
    errors = errors == null ? List.of() : List.copyOf(errors);
  }
}
