package io.npsconnector.core.store;

import io.npsconnector.core.spi.WriteRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import org.jdbi.v3.core.Jdbi;

/**
 * The account roll-up each CRM last acknowledged, per connection and account: what the daily refresh compares
 * a new figure with. Internal to the engine.
 */
public final class AccountRollupRepository {
  private final Jdbi jdbi;

  public AccountRollupRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** The figure the CRM holds for an account, as written. */
  public record Figure(OptionalDouble nps, int responses, OptionalDouble ciLow, OptionalDouble ciHigh) {
    public static Figure of(WriteRequest.AccountNps written) {
      return new Figure(written.nps(), written.responses(), written.ciLow(), written.ciHigh());
    }
  }

  /** Records that the CRM acknowledged {@code written} for its account. */
  public void written(String connection, WriteRequest.AccountNps written, Instant now) {
    jdbi.useTransaction(handle -> {
      handle.createUpdate("DELETE FROM account_rollups WHERE connection = :connection AND account_id = :account")
          .bind("connection", connection).bind("account", written.accountId()).execute();
      handle.createUpdate("INSERT INTO account_rollups (connection, account_id, nps, responses, ci_low, ci_high, "
              + "written_at) VALUES (:connection, :account, :nps, :responses, :low, :high, :now)")
          .bind("connection", connection).bind("account", written.accountId())
          .bindByType("nps", boxed(written.nps()), Double.class).bind("responses", written.responses())
          .bindByType("low", boxed(written.ciLow()), Double.class)
          .bindByType("high", boxed(written.ciHigh()), Double.class)
          .bind("now", Sql.timestamp(now)).execute();
    });
  }

  /** Every account's last written figure, by account id. */
  public Map<String, Figure> all(String connection) {
    Map<String, Figure> figures = new HashMap<>();
    jdbi.useHandle(handle -> handle.createQuery("SELECT account_id, nps, responses, ci_low, ci_high "
            + "FROM account_rollups WHERE connection = :connection").bind("connection", connection)
        .map((rs, ctx) -> Map.entry(rs.getString("account_id"), new Figure(optional(rs, "nps"),
            rs.getInt("responses"), optional(rs, "ci_low"), optional(rs, "ci_high"))))
        .forEach(entry -> figures.put(entry.getKey(), entry.getValue())));
    return figures;
  }

  private static Double boxed(OptionalDouble value) {
    return value.isPresent() ? value.getAsDouble() : null;
  }

  private static OptionalDouble optional(ResultSet rs, String column) throws SQLException {
    double value = rs.getDouble(column);
    return rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(value);
  }
}
