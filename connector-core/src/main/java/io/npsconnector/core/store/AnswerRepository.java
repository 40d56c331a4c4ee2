package io.npsconnector.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Answers, one per invitation: submitting again updates it. Internal to the engine. */
public final class AnswerRepository {
  private final Jdbi jdbi;

  public AnswerRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * How an answer was first confirmed: the submitted form, or a one-click score confirmed by a gesture on the page
   * or by its grace period passing.
   */
  public enum Confirmation {
    FORM, GESTURE, GRACE;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Confirmation of(String id) {
      return valueOf(id.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** A stored answer. */
  public record Answer(long id, long invitationId, int score, Optional<String> comment, Instant answeredAt,
      Instant updatedAt, Confirmation confirmedBy) {}

  /** Stores or updates the answer of an invitation; returns its id. */
  public long upsert(Handle handle, long invitationId, int score, Optional<String> comment, Instant now) {
    return upsert(handle, invitationId, score, comment, now, Confirmation.FORM);
  }

  /**
   * Stores or updates the answer of an invitation; returns its id. {@code confirmedBy} is kept from the first
   * time: an update says nothing new about how the answer was first confirmed.
   */
  public long upsert(Handle handle, long invitationId, int score, Optional<String> comment, Instant now,
      Confirmation confirmedBy) {
    int updated = handle.createUpdate("UPDATE answers SET score = :score, comment_text = :comment, updated_at = :now "
            + "WHERE invitation_id = :invitationId")
        .bind("score", score).bindByType("comment", comment.orElse(null), String.class)
        .bind("now", Sql.timestamp(now)).bind("invitationId", invitationId).execute();
    if (updated == 0) {
      boolean inserted = Sql.insertIfAbsent(handle, h -> h.createUpdate("INSERT INTO answers (invitation_id, score, "
              + "comment_text, answered_at, updated_at, confirmed_by) VALUES (:invitationId, :score, :comment, :now, "
              + ":now, :confirmedBy)")
          .bind("score", score).bind("confirmedBy", confirmedBy.id())
          .bindByType("comment", comment.orElse(null), String.class)
          .bind("now", Sql.timestamp(now)).bind("invitationId", invitationId).execute());
      if (!inserted) {
        return upsert(handle, invitationId, score, comment, now, confirmedBy); // a concurrent first answer won; update it
      }
    }
    return handle.createQuery("SELECT id FROM answers WHERE invitation_id = :invitationId")
        .bind("invitationId", invitationId).mapTo(Long.class).one();
  }

  public Optional<Answer> find(long answerId) {
    return jdbi.withHandle(handle -> findBy(handle, "id", answerId));
  }

  public Optional<Answer> forInvitation(long invitationId) {
    return jdbi.withHandle(handle -> forInvitation(handle, invitationId));
  }

  public Optional<Answer> forInvitation(Handle handle, long invitationId) {
    return findBy(handle, "invitation_id", invitationId);
  }

  /** The answer whose {@code column} ({@code id} or {@code invitation_id}, never input) is {@code value}. */
  private static Optional<Answer> findBy(Handle handle, String column, long value) {
    return handle.createQuery("SELECT id, invitation_id, score, comment_text, answered_at, "
            + "updated_at, confirmed_by FROM answers WHERE " + column + " = :value")
        .bind("value", value).map((rs, ctx) -> new Answer(rs.getLong("id"), rs.getLong("invitation_id"),
            rs.getInt("score"), Optional.ofNullable(rs.getString("comment_text")),
            rs.getTimestamp("answered_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
            Confirmation.of(rs.getString("confirmed_by"))))
        .findOne();
  }

  /** Scores answered for an account's contacts since {@code since} (the roll-up window). */
  public List<Integer> accountScores(Handle handle, String connection, String accountId, Instant since) {
    return handle.createQuery("SELECT a.score FROM answers a JOIN invitations i ON i.id = a.invitation_id "
            + "WHERE i.connection = :connection AND i.account_id = :accountId AND a.answered_at >= :since")
        .bind("connection", connection).bind("accountId", accountId).bind("since", Sql.timestamp(since))
        .mapTo(Integer.class).list();
  }

  /** Per account of the connection, the scores answered by its contacts since {@code since} (the roll-up window). */
  public java.util.Map<String, List<Integer>> scoresByAccount(String connection, Instant since) {
    java.util.Map<String, List<Integer>> byAccount = new java.util.HashMap<>();
    jdbi.useHandle(handle -> handle.createQuery("SELECT i.account_id, a.score FROM answers a JOIN invitations i "
            + "ON i.id = a.invitation_id WHERE i.connection = :connection AND i.account_id IS NOT NULL "
            + "AND a.answered_at >= :since")
        .bind("connection", connection).bind("since", Sql.timestamp(since))
        .map((rs, ctx) -> java.util.Map.entry(rs.getString(1), rs.getInt(2)))
        .forEach(row -> byAccount.computeIfAbsent(row.getKey(), key -> new java.util.ArrayList<>())
            .add(row.getValue())));
    return byAccount;
  }

  /** Answers given since {@code since}, by how they were first confirmed. */
  public java.util.Map<Confirmation, Integer> countByConfirmation(Instant since) {
    java.util.Map<Confirmation, Integer> counts = new java.util.EnumMap<>(Confirmation.class);
    for (Confirmation confirmation : Confirmation.values()) {
      counts.put(confirmation, 0);
    }
    jdbi.useHandle(handle -> handle.createQuery("SELECT confirmed_by, COUNT(*) FROM answers WHERE answered_at >= :since "
            + "GROUP BY confirmed_by").bind("since", Sql.timestamp(since))
        .map((rs, ctx) -> java.util.Map.entry(Confirmation.of(rs.getString(1)), rs.getInt(2)))
        .forEach(row -> counts.put(row.getKey(), row.getValue())));
    return counts;
  }

  public int count(String connection) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM answers a JOIN invitations i "
            + "ON i.id = a.invitation_id WHERE i.connection = :c").bind("c", connection).mapTo(Integer.class).one());
  }
}
