package io.npsconnector.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * One-click scores reported by a survey page's script, before they count: each is {@code PROVISIONAL} until it is
 * {@code CONFIRMED} (and stored as the answer), {@code DISCARDED} (a link scanner) or {@code SUPERSEDED} (a later
 * score or the submitted form replaced it). Internal to the engine.
 */
public final class ProvisionalScoreRepository {
  private final Jdbi jdbi;

  public ProvisionalScoreRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Where a provisional score stands. */
  public enum State {
    PROVISIONAL, CONFIRMED, DISCARDED, SUPERSEDED;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One reported score. */
  public record Provisional(long id, long invitationId, int score, State state, Instant recordedAt,
      Optional<Instant> decidedAt, Optional<String> reason) {}

  public long add(Handle handle, long invitationId, int score, State state, Instant now, Optional<String> reason) {
    return handle.createUpdate("INSERT INTO provisional_scores (invitation_id, score, state, recorded_at, decided_at, "
            + "reason) VALUES (:invitation, :score, :state, :now, :decided, :reason)")
        .bind("invitation", invitationId).bind("score", score).bind("state", state.name())
        .bind("now", Sql.timestamp(now))
        .bindByType("decided", state == State.PROVISIONAL ? null : Sql.timestamp(now), java.sql.Timestamp.class)
        .bindByType("reason", reason.orElse(null), String.class)
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  /** Every score reported for the invitation, oldest first. */
  public List<Provisional> forInvitation(Handle handle, long invitationId) {
    return handle.createQuery("SELECT id, invitation_id, score, state, recorded_at, decided_at, reason "
            + "FROM provisional_scores WHERE invitation_id = :invitation ORDER BY recorded_at, id")
        .bind("invitation", invitationId)
        .map((rs, ctx) -> new Provisional(rs.getLong("id"), rs.getLong("invitation_id"), rs.getInt("score"),
            State.valueOf(rs.getString("state")), rs.getTimestamp("recorded_at").toInstant(),
            Optional.ofNullable(rs.getTimestamp("decided_at")).map(java.sql.Timestamp::toInstant),
            Optional.ofNullable(rs.getString("reason"))))
        .list();
  }

  public List<Provisional> forInvitation(long invitationId) {
    return jdbi.withHandle(handle -> forInvitation(handle, invitationId));
  }

  /** The invitations with a score still provisional (waiting for a gesture or its grace period), oldest first. */
  public List<Long> openInvitations() {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT invitation_id FROM provisional_scores "
            + "WHERE state = 'PROVISIONAL' GROUP BY invitation_id ORDER BY MIN(recorded_at), invitation_id")
        .mapTo(Long.class).list());
  }

  /** Locks the invitation's row, so that reports for one invitation are judged one after the other. */
  public void lock(Handle handle, long invitationId) {
    handle.createQuery("SELECT id FROM invitations WHERE id = :id FOR UPDATE").bind("id", invitationId)
        .mapTo(Long.class).findOne();
  }

  /** Decides every still provisional score of the invitation; returns how many changed. */
  public int decideOpen(Handle handle, long invitationId, State to, String reason, Instant now) {
    return handle.createUpdate("UPDATE provisional_scores SET state = :to, decided_at = :now, reason = :reason "
            + "WHERE invitation_id = :invitation AND state = 'PROVISIONAL'")
        .bind("to", to.name()).bind("now", Sql.timestamp(now)).bind("reason", reason)
        .bind("invitation", invitationId).execute();
  }

  /** Decides one provisional score, if it still is provisional. */
  public boolean decide(Handle handle, long id, State to, String reason, Instant now) {
    return handle.createUpdate("UPDATE provisional_scores SET state = :to, decided_at = :now, reason = :reason "
            + "WHERE id = :id AND state = 'PROVISIONAL'")
        .bind("to", to.name()).bind("now", Sql.timestamp(now)).bind("reason", reason).bind("id", id).execute() == 1;
  }
}
