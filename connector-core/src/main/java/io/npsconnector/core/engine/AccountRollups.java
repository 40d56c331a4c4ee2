package io.npsconnector.core.engine;

import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.Score;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.core.stats.ConfidenceInterval;
import io.npsconnector.core.stats.NpsTally;
import io.npsconnector.core.store.AccountRollupRepository.Figure;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;

/**
 * An account's roll-up over the trailing window ({@code writeback.account-rollup-window}): NPS, n and the
 * adjusted-Wald 95 % interval, computed the same way for an answer, a flush and the daily refresh. The refresh
 * queues the accounts whose figure moved with the window since the CRM last acknowledged one (answers aged
 * out), in the write-back queue like every other write, so that the flush writes them in its batches; an
 * account whose figure did not change is not written again.
 */
final class AccountRollups {
  private final NpsConfig config;
  private final Stores stores;
  private final Clock clock;

  AccountRollups(NpsConfig config, Stores stores, Clock clock) {
    this.config = config;
    this.stores = stores;
    this.clock = clock;
  }

  /** The queue's key of an account's roll-up. */
  static String key(String accountId) {
    return "account:" + accountId;
  }

  /** The roll-up of {@code account} at {@code now}, in the caller's transaction. */
  WriteRequest.AccountNps compute(Handle handle, String connection, String account, Instant now) {
    return of(account, stores.answers().accountScores(handle, connection, account, since(now)));
  }

  /** The roll-up of an account whose answers in the window are {@code scores}. */
  static WriteRequest.AccountNps of(String account, List<Integer> scores) {
    NpsTally tally = NpsTally.of(scores.stream().map(Score::of).toList());
    Optional<ConfidenceInterval> ci = tally.ci95();
    return new WriteRequest.AccountNps(key(account), account, tally.nps(), tally.n(),
        ci.map(interval -> OptionalDouble.of(interval.low())).orElse(OptionalDouble.empty()),
        ci.map(interval -> OptionalDouble.of(interval.high())).orElse(OptionalDouble.empty()));
  }

  /** What one refresh did: accounts looked at, and those queued because their figure moved. */
  record Result(int accounts, int queued) {}

  /**
   * Queues the roll-up of every account of the connection whose figure now differs from the one the CRM last
   * acknowledged: accounts with answers in the window, and accounts whose CRM figure still counts answers.
   */
  Result refresh(String connection) {
    Instant now = clock.instant();
    Map<String, List<Integer>> scores = stores.answers().scoresByAccount(connection, since(now));
    Map<String, Figure> written = stores.rollups().all(connection);
    Set<String> accounts = new TreeSet<>(scores.keySet());
    written.forEach((account, figure) -> {
      if (figure.responses() > 0) {
        accounts.add(account);
      }
    });
    int queued = 0;
    for (String account : accounts) {
      WriteRequest.AccountNps figure = of(account, scores.getOrDefault(account, List.of()));
      if (!Figure.of(figure).equals(written.get(account))) {
        stores.jdbi().useHandle(handle -> stores.writebacks().enqueue(handle, connection, figure, now));
        queued++;
      }
    }
    return new Result(accounts.size(), queued);
  }

  private Instant since(Instant now) {
    return now.minus(config.writeback().accountRollupWindow());
  }
}
