package io.npsconnector.core.engine;

import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.PriorWrite;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.WriteRequest;
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
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands pending write-backs to the adapter in batches of its maximum size, one kind per batch. A whole call
 * that fails retriably is not tried again here (the adapter's transport retries single HTTP calls, the one
 * retry layer): the flush stops and the rest waits for a later flush, after the CRM's retry hint. Per-record
 * results are all stored; retriable record failures come back later, with {@link Backoff}; permanent ones
 * stay for the admin with the CRM's code.
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
  /** The most write calls in flight at once, whatever an adapter allows. */
  static final int MAX_CONCURRENT_WRITES = 8;

  private final Stores stores;
  private final Clock clock;
  private final EngineHooks hooks;
  private final AccountRollups rollups;

  WritebackService(NpsConfig config, Stores stores, Clock clock, EngineHooks hooks) {
    this.hooks = hooks;
    this.stores = stores;
    this.clock = clock;
    this.rollups = new AccountRollups(config, stores, clock);
  }

  /**
   * What one flush did.
   *
   * @param pausedBy the retriable failure of a whole call that ended the flush early, if one did
   */
  record Result(int calls, int written, int failed, int retryLater, Optional<CrmException.Retriable> pausedBy) {}

  Result flush(String connection, CrmAdapter adapter) {
    Instant now = clock.instant();
    List<Item> due = stores.writebacks().due(connection, now, MAX_ITEMS_PER_FLUSH);
    Map<WritebackRepository.Kind, List<Item>> byKind = new EnumMap<>(WritebackRepository.Kind.class);
    for (Item item : due) {
      byKind.computeIfAbsent(item.kind(), kind -> new ArrayList<>()).add(item);
    }
    int parallel = Math.max(1, Math.min(MAX_CONCURRENT_WRITES, adapter.maxConcurrentWrites()));
    int batchSize = adapter.maxWriteBatch();
    Counts counts = new Counts();
    ExecutorService pool = parallel > 1 && due.size() > batchSize ? Executors.newFixedThreadPool(parallel, task -> {
      Thread thread = new Thread(task, "writeback-" + connection);
      thread.setDaemon(true);
      return thread;
    }) : null;
    try {
      // kind after kind, as before; within a kind up to `parallel` calls in flight, each with other records
      for (List<Item> items : byKind.values()) {
        List<List<Item>> batches = new ArrayList<>();
        for (int from = 0; from < items.size(); from += batchSize) {
          batches.add(items.subList(from, Math.min(items.size(), from + batchSize)));
        }
        Optional<CrmException.Retriable> paused = pool == null
            ? inTurn(connection, adapter, batches, now, counts)
            : inFlight(connection, adapter, batches, now, counts, pool, parallel);
        if (paused.isPresent()) {
          // the adapter's transport has retried the call already (one retry layer); the batch and everything
          // after it wait for a later flush, after the CRM's hint, earlier retriable record failures included
          LOG.warn("{}: write-back paused: {}", connection, paused.get().getMessage());
          return new Result(counts.calls, counts.written, counts.failed, due.size() - counts.written - counts.failed,
              paused);
        }
      }
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    return new Result(counts.calls, counts.written, counts.failed, counts.later, Optional.empty());
  }

  /** What the batches of a flush did so far. */
  private static final class Counts {
    private int calls;
    private int written;
    private int failed;
    private int later;

    synchronized void add(int written, int failed, int later) {
      this.written += written;
      this.failed += failed;
      this.later += later;
    }

    synchronized void call() {
      calls++;
    }
  }

  /** One batch after another; the first retriable failure of a whole call stops the rest. */
  private Optional<CrmException.Retriable> inTurn(String connection, CrmAdapter adapter, List<List<Item>> batches,
      Instant now, Counts counts) {
    for (List<Item> batch : batches) {
      counts.call();
      try {
        write(connection, adapter, batch, now, counts);
      } catch (CrmException.Retriable e) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /**
   * Up to {@code parallel} batches in flight; after a retriable failure of a whole call no batch starts, and those
   * in flight are waited for (their results are stored as any other's).
   */
  private Optional<CrmException.Retriable> inFlight(String connection, CrmAdapter adapter, List<List<Item>> batches,
      Instant now, Counts counts, ExecutorService pool, int parallel) {
    CompletionService<Void> done = new ExecutorCompletionService<>(pool);
    int next = 0;
    int running = 0;
    Optional<CrmException.Retriable> paused = Optional.empty();
    Throwable broken = null;
    while (running > 0 || (next < batches.size() && paused.isEmpty() && broken == null)) {
      while (running < parallel && next < batches.size() && paused.isEmpty() && broken == null) {
        List<Item> batch = batches.get(next++);
        counts.call();
        done.submit(() -> {
          write(connection, adapter, batch, now, counts);
          return null;
        });
        running++;
      }
      try {
        done.take().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(connection + ": write-back interrupted", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof CrmException.Retriable retriable) {
          paused = paused.or(() -> Optional.of(retriable));
        } else if (broken == null) {
          broken = e.getCause();
        }
      } finally {
        running--;
      }
    }
    if (broken instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (broken instanceof Error error) {
      throw error;
    }
    if (broken != null) {
      throw new IllegalStateException(connection + ": write-back failed: " + broken, broken);
    }
    return paused;
  }

  /**
   * Marks one batch handed over, writes it, and stores every record's result in one transaction.
   *
   * @throws CrmException.Retriable when the whole call failed retriably (its rows stay handed over)
   */
  private void write(String connection, CrmAdapter adapter, List<Item> batch, Instant now, Counts counts) {
    List<WriteRequest> requests = batch.stream().map(item -> request(connection, item, now)).toList();
    stores.writebacks().markSent(batch, clock.instant());
    List<RecordResult> results;
    try {
      results = adapter.write(requests);
    } catch (CrmException.Data e) {
      results = requests.stream()
          .map(request -> RecordResult.failed(request.key(), e.vendorCode(), e.getMessage(), false)).toList();
    }
    hooks.at(EngineHooks.WRITEBACK_ACKNOWLEDGED);
    Map<String, RecordResult> byKey = new HashMap<>();
    for (RecordResult result : results) {
      byKey.put(result.key(), result);
    }
    List<WritebackRepository.Completion> completions = new ArrayList<>(batch.size());
    Instant answered = clock.instant();
    for (Item item : batch) {
      RecordResult result = byKey.getOrDefault(item.coalesceKey(), RecordResult.failed(item.coalesceKey(),
          "NO_RESULT", "the adapter returned no result for this record", true));
      Optional<Instant> retryAt = result.retriable() && item.attempts() + 1 < MAX_RECORD_ATTEMPTS
          ? Optional.of(answered.plus(Backoff.after(item.attempts() + 1)))
          : Optional.empty();
      completions.add(new WritebackRepository.Completion(item, result, retryAt));
    }
    // the batch's results are one transaction: a crash before it leaves every row handed over, whose next
    // write looks the record up by its key (PriorWrite.UNKNOWN)
    stores.writebacks().completeAll(completions, answered);
    int written = 0;
    int failed = 0;
    int later = 0;
    for (int i = 0; i < batch.size(); i++) {
      Item item = batch.get(i);
      RecordResult result = completions.get(i).result();
      Optional<Instant> retryAt = completions.get(i).retryAt();
      if (result.success()) {
        if (requests.get(i) instanceof WriteRequest.AccountNps account) {
          stores.rollups().written(connection, account, clock.instant()); // the daily refresh compares with it
        }
        written++;
      } else if (retryAt.isPresent()) {
        later++;
      } else {
        failed++;
        LOG.warn("{}: write-back {} failed permanently: {} {}", connection, item.coalesceKey(),
            result.errorCode().orElse(""), result.message().orElse(""));
      }
    }
    counts.add(written, failed, later);
  }

  /**
   * The stored request; an account's roll-up (NPS, n, interval) is computed now, over the trailing window; a
   * task or timeline entry learns what is known of earlier writes of its key.
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
      return stores.jdbi().withHandle(handle -> rollups.compute(handle, connection, account.accountId(), now));
    }
    return request;
  }
}
