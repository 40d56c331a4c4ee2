package io.npsconnector.core.model;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A CRM event that may start a survey.
 *
 * @param crmId the id of the opportunity, deal, case or ticket; unique per connection and kind
 * @param occurredAt when it was won or closed
 * @param contactIds the CRM ids of the contacts it concerns; a later read may add contacts
 * @param attributes values filters can test ({@code amount}, {@code pipeline}, {@code priority}, ...)
 */
public record InteractionEvent(
    String crmId, EventKind kind, Instant occurredAt, List<String> contactIds, Map<String, String> attributes) {

  public InteractionEvent {
    Objects.requireNonNull(crmId, "crmId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(occurredAt, "occurredAt");
    contactIds = List.copyOf(contactIds);
    attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }
}
