package io.npsconnector.core.engine;

import java.time.Instant;
import java.util.Optional;

import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.InvitationState;

/**
 * What a survey page needs to know of one invitation, read without changing anything.
 *
 * @param template the trigger's template name
 * @param answerable whether an answer would be taken now (sent, not expired, not cancelled)
 * @param score the answer given so far, if any
 * @param comment its comment, if any
 * @param unsubscribed whether the contact is on the unsubscribe list
 * @param trigger the name of the trigger that sent the invitation
 */
public record SurveyView(long invitationId, String connection, String template, Contact contact,
    InvitationState state, Optional<Instant> expiresAt, boolean answerable, Optional<Integer> score,
    Optional<String> comment, boolean unsubscribed, String trigger) {}
