package io.npsconnector.core.store;

import io.npsconnector.core.model.InvitationState;
import java.time.Instant;
import java.util.Optional;

/**
 * An invitation as stored.
 *
 * @param remindedAt when the reminder was handed to the channel; while the invitation is still {@code SENT},
 *     present means the reminder may have left (unconfirmed)
 * @param handedOverAt when the current attempt's message was handed to the channel; while the invitation is
 *     {@code SENDING}, present means the message may have left (its send is unconfirmed), empty that it has not
 */
public record Invitation(
    long id,
    String connection,
    String trigger,
    String dedupKey,
    String contactId,
    Optional<String> accountId,
    Optional<Long> eventId,
    String channel,
    InvitationState state,
    Instant sendAt,
    Optional<Instant> sentAt,
    Optional<Instant> remindedAt,
    Optional<Instant> expiresAt,
    int attempts,
    Optional<String> lastError,
    Optional<String> messageId,
    Optional<Instant> handedOverAt,
    Instant createdAt) {}
