package io.npsconnector.core.engine;

import java.time.Instant;

/** Where the engine puts future work: db-scheduler in production, a list in some tests. */
interface Scheduling {
  /** Schedules the send of an invitation, unless it is already scheduled (idempotent). */
  void send(long invitationId, Instant at);

  /**
   * Schedules the sends of many invitations, each unless it is already scheduled (idempotent, as {@link #send}).
   * This default schedules them one by one; the database scheduler inserts them in one batch.
   *
   * @param sends the send time of each invitation
   */
  default void sends(java.util.Map<Long, Instant> sends) {
    sends.forEach(this::send);
  }

  void reminder(long invitationId, Instant at);

  void expiry(long invitationId, Instant at);

  /**
   * Schedules what follows a sent invitation: its reminder (when there is one) and its expiry, each unless it is
   * already scheduled (idempotent). This default schedules them one by one; the database scheduler inserts both in
   * one batch.
   */
  default void followUps(long invitationId, java.util.Optional<Instant> reminder, Instant expiry) {
    reminder.ifPresent(at -> reminder(invitationId, at));
    expiry(invitationId, expiry);
  }

  /** Schedules the grace-period confirmation of the invitation's one-click score (idempotent). */
  default void confirmScore(long invitationId, Instant at) {}

  /** Scheduling that does nothing, for commands that only read or simulate. */
  Scheduling NONE = new Scheduling() {
    @Override
    public void send(long invitationId, Instant at) {}

    @Override
    public void reminder(long invitationId, Instant at) {}

    @Override
    public void expiry(long invitationId, Instant at) {}
  };
}
