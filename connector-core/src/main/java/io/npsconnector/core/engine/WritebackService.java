package io.npsconnector.core.engine;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.Score;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.PriorWrite;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.core.stats.NpsTally;
import io.npsconnector.core.store.WritebackRepository;
import io.npsconnector.core.store.WritebackRepository.Item;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands pending write-backs to the adapter in batches of its maximum size, one kind per batch. Whole
 * calls that fail retriably are retried with backoff and jitter (Resilience4j); per-record results are
 * all stored; retriable record failures come back later, permanent ones stay for the admin with the
 * CRM's code.
 *
 * <p>Each row is marked as handed to the CRM, and that committed, before the call; its request then tells
 * the adapter what is known of earlier writes of its key ({@link PriorWrite}), so that a write whose
 * outcome was never recorded (a crash between the CRM's answer and the commit, a timeout) updates the
 * record it may have made instead of making a second one.
 */
final class WritebackService {
  private static final Logger LOG = LoggerFactory.getLogger(WritebackService.class);
  static final int MAX_RECORD_ATTEMPTS = 5;
  static final int MAX_ITEMS_PER_FLUSH = 20_000;

  private final NpsConfig config;
  private final Stores stores;
  private final Clock clock;
  private final RetryConfig retryConfig;
  private final EngineHooks hooks;

  /**
   * @param firstRetryWait the first wait between whole-call retries (zero in tests)
   */
  WritebackService(NpsConfig config, Stores stores, Clock clock, Duration firstRetryWait, EngineHooks hooks) {
    this.config = config;
    this.hooks = hooks;
    this.stores = stores;
    this.clock = clock;
    // IntervalFunction.of refuses waits under 1 ms, so zero (tests) is a function of its own
    IntervalFunction noWait = attempt -> 0L;
    this.retryConfig = RetryConfig.custom()
        .maxAttempts(4)
        .intervalFunction(firstRetryWait.isZero()
            ? noWait
            : IntervalFunction.ofExponentialRandomBackoff(firstRetryWait, 2.0, 0.5))
        .retryExceptions(CrmException.Retriable.class)
        .build();
  }

  /** What one flush did. */
  record Result(int calls, int written, int failed, int retryLater) {}

  Result flush(String connection, CrmAdapter adapter) {
    Instant now = clock.instant();
    List<Item> due = stores.writebacks().due(connection, now, MAX_ITEMS_PER_FLUSH);
    Map<WritebackRepository.Kind, List<Item>> byKind = new EnumMap<>(WritebackRepository.Kind.class);
    for (Item item : due) {
      byKind.computeIfAbsent(item.kind(), kind -> new ArrayList<>()).add(item);
    }
    Retry retry = Retry.of("writeback-" + connection, retryConfig);
    int calls = 0;
    int written = 0;
    int failed = 0;
    int later = 0;
    int batchSize = adapter.maxWriteBatch();
    for (List<Item> items : byKind.values()) {
      for (int from = 0; from < items.size(); from += batchSize) {
        List<Item> batch = items.subList(from, Math.min(items.size(), from + batchSize));
        List<WriteRequest> requests = batch.stream().map(item -> request(connection, item, now)).toList();
        stores.writebacks().markSent(batch, clock.instant());
        List<RecordResult> results;
        int[] attempts = {0};
        try {
          results = Retry.decorateSupplier(retry, () -> {
            attempts[0]++;
            return adapter.write(requests);
          }).get();
        } catch (CrmException.Retriable e) {
          LOG.warn("{}: write-back paused after retries: {}", connection, e.getMessage());
          // everything neither written nor failed for good waits, earlier retriable failures included
          return new Result(calls + attempts[0], written, failed, due.size() - written - failed);
        } catch (CrmException.Data e) {
          results = requests.stream()
              .map(request -> RecordResult.failed(request.key(), e.vendorCode(), e.getMessage(), false)).toList();
        }
        calls += attempts[0];
        hooks.at(EngineHooks.WRITEBACK_ACKNOWLEDGED);
        Map<String, RecordResult> byKey = new HashMap<>();
        for (RecordResult result : results) {
          byKey.put(result.key(), result);
        }
        for (Item item : batch) {
          RecordResult result = byKey.getOrDefault(item.coalesceKey(), RecordResult.failed(item.coalesceKey(),
              "NO_RESULT", "the adapter returned no result for this record", true));
          Optional<Instant> retryAt = result.retriable() && item.attempts() + 1 < MAX_RECORD_ATTEMPTS
              ? Optional.of(clock.instant().plus(DeliveryService.backoff(item.attempts() + 1)))
              : Optional.empty();
          stores.writebacks().complete(item, result, retryAt, clock.instant());
          if (result.success()) {
            written++;
          } else if (retryAt.isPresent()) {
            later++;
          } else {
            failed++;
            LOG.warn("{}: write-back {} failed permanently: {} {}", connection, item.coalesceKey(),
                result.errorCode().orElse(""), result.message().orElse(""));
          }
        }
      }
    }
    return new Result(calls, written, failed, later);
  }

  /**
   * The stored request; an account's roll-up is computed now, over the trailing window; a task or timeline
   * entry learns what is known of earlier writes of its key.
   */
  private WriteRequest request(String connection, Item item, Instant now) {
    WriteRequest request = item.request();
    if (request instanceof WriteRequest.FollowUpTask task) {
      return task.withPrior(item.prior());
    }
    if (request instanceof WriteRequest.TimelineActivity activity) {
      return activity.withPrior(item.prior());
    }
    if (request instanceof WriteRequest.AccountNps account) {
      Instant since = now.minus(config.writeback().accountRollupWindow());
      List<Integer> scores = stores.jdbi().withHandle(handle ->
          stores.answers().accountScores(handle, connection, account.accountId(), since));
      return new WriteRequest.AccountNps(account.key(), account.accountId(),
          NpsTally.of(scores.stream().map(Score::of).toList()).nps(), scores.size());
    }
    return request;
  }
}
