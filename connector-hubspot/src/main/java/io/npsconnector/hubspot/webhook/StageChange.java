package io.npsconnector.hubspot.webhook;

import java.time.Instant;
import java.util.Objects;

/**
 * A deal or ticket that HubSpot reported in a pipeline stage.
 *
 * @param kind what kind of record moved
 * @param objectId HubSpot's record id, as text (ids outgrow {@code int} and the rest of the connector
 *     keeps CRM ids as strings)
 * @param stageId the internal stage id ({@code closedwon}, or a number such as {@code 1045332} for
 *     custom pipelines), not its label
 * @param occurredAt when the change happened in HubSpot
 * @param eventId HubSpot's webhook event id, the same on every retry of the delivery
 */
public record StageChange(Kind kind, String objectId, String stageId, Instant occurredAt, long eventId) {
  /** The kinds of record whose stage changes are passed on. */
  public enum Kind { DEAL, TICKET }

  public StageChange {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(occurredAt, "occurredAt");
    if (objectId == null || objectId.isBlank()) {
      throw new IllegalArgumentException("objectId must not be blank, got '" + objectId + "'");
    }
    if (stageId == null || stageId.isBlank()) {
      throw new IllegalArgumentException("stageId must not be blank, got '" + stageId + "'");
    }
  }
}
