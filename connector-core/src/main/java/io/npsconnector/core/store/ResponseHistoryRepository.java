package io.npsconnector.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.jdbi.v3.core.Jdbi;

import io.npsconnector.core.model.Score;
import io.npsconnector.core.stats.NpsTally;

/**
 * The answers of one contact or one account of one connection, newest first, and their tally: what the
 * read API serves to CRM cards. Every query is bound to a connection, so nothing of another connection is
 * ever read. An account's answers are those whose invitation named the account when it was made.
 */
public final class ResponseHistoryRepository {
  /** Whose answers: a contact's or an account's, by its CRM id. */
  public enum Scope {
    CONTACT("i.contact_crm_id"),
    ACCOUNT("i.account_id");

    private final String column;

    Scope(String column) {
      this.column = column;
    }
  }

  /** One answer as a card shows it. */
  public record Response(long invitationId, String contactCrmId, String trigger, String channel, int score,
      Optional<String> comment, Instant answeredAt) {
    /** promoter, passive or detractor. */
    public String category() {
      return Score.of(score).category().name().toLowerCase(Locale.ROOT);
    }
  }

  private final Jdbi jdbi;

  public ResponseHistoryRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** At most {@code limit} answers after skipping {@code offset}, newest first. */
  public List<Response> page(String connection, Scope scope, String crmId, int offset, int limit) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT a.invitation_id, i.contact_crm_id, i.trigger_name, "
            + "i.channel, a.score, a.comment_text, a.answered_at FROM answers a "
            + "JOIN invitations i ON i.id = a.invitation_id "
            + "WHERE i.connection = :connection AND " + scope.column + " = :crmId "
            + "ORDER BY a.answered_at DESC, a.id DESC OFFSET :offset ROWS FETCH NEXT :limit ROWS ONLY")
        .bind("connection", connection).bind("crmId", crmId).bind("offset", offset).bind("limit", limit)
        .map((rs, ctx) -> new Response(rs.getLong("invitation_id"), rs.getString("contact_crm_id"),
            rs.getString("trigger_name"), rs.getString("channel"), rs.getInt("score"),
            Optional.ofNullable(rs.getString("comment_text")), rs.getTimestamp("answered_at").toInstant()))
        .list());
  }

  /** How many answers {@link #page} pages through. */
  public int count(String connection, Scope scope, String crmId) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM answers a "
            + "JOIN invitations i ON i.id = a.invitation_id "
            + "WHERE i.connection = :connection AND " + scope.column + " = :crmId")
        .bind("connection", connection).bind("crmId", crmId).mapTo(Integer.class).one());
  }

  /** Promoters, passives and detractors among the answers given since {@code since}. */
  public NpsTally tally(String connection, Scope scope, String crmId, Instant since) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT "
            + "COALESCE(SUM(CASE WHEN a.score >= 9 THEN 1 ELSE 0 END), 0) AS promoters, "
            + "COALESCE(SUM(CASE WHEN a.score BETWEEN 7 AND 8 THEN 1 ELSE 0 END), 0) AS passives, "
            + "COALESCE(SUM(CASE WHEN a.score <= 6 THEN 1 ELSE 0 END), 0) AS detractors FROM answers a "
            + "JOIN invitations i ON i.id = a.invitation_id "
            + "WHERE i.connection = :connection AND " + scope.column + " = :crmId AND a.answered_at >= :since")
        .bind("connection", connection).bind("crmId", crmId).bind("since", Sql.timestamp(since))
        .map((rs, ctx) -> NpsTally.of(rs.getInt("promoters"), rs.getInt("passives"), rs.getInt("detractors")))
        .one());
  }
}
