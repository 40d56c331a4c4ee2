package io.npsconnector.core.delivery;

import io.npsconnector.core.model.Contact;
import java.time.Instant;
import java.util.Objects;

/**
 * One message to send.
 *
 * @param idempotencyKey the same for every attempt of this message, different for its reminder
 * @param template the trigger's template name
 * @param expiresAt when the survey link stops working
 */
public record Delivery(
    long invitationId, String idempotencyKey, Kind kind, String connection, String trigger, String template,
    Contact contact, Instant expiresAt) {

  /** An invitation or its one reminder. */
  public enum Kind { INVITATION, REMINDER }

  public Delivery {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(contact, "contact");
  }
}
