package io.npsconnector.core.engine;

import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.SyncCursor;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads changes from a connection's adapter page by page. Each page's contacts and events are stored
 * in one transaction, and only then is its cursor committed: a crash between the two reads the page
 * again, and the store's unique keys make the repeat harmless. The adapter reads the next page (from the page's
 * own {@code next} cursor) while a page is stored, on a thread of its own ({@link ReadAhead}): one page ahead,
 * never more.
 */
final class SyncService {
  private static final Logger LOG = LoggerFactory.getLogger(SyncService.class);
  /** A bound on pages per run, so that one connection cannot hold a scheduler thread forever. */
  static final int MAX_PAGES_PER_RUN = 10_000;

  private final Stores stores;
  private final Clock clock;
  private final EngineHooks hooks;
  private final SyncProgress progress;

  SyncService(Stores stores, Clock clock, EngineHooks hooks, SyncProgress progress) {
    this.stores = stores;
    this.clock = clock;
    this.hooks = hooks;
    this.progress = progress;
  }

  /** What one run did. */
  record Result(int pages, int contacts, int events, int apiCalls, boolean complete) {}

  Result sync(String connection, CrmAdapter adapter) {
    return sync(connection, adapter, pairs -> { });
  }

  /**
   * As {@link #sync(String, CrmAdapter)}, telling {@code stored}, once each page is stored and its cursor
   * committed, how many pairs of event and contact the page held: the caller's work on them (the trigger pass
   * along the read) runs while the next page is read.
   */
  Result sync(String connection, CrmAdapter adapter, java.util.function.IntConsumer stored) {
    int pages = 0;
    int contacts = 0;
    int events = 0;
    int calls = 0;
    boolean more = true;
    long started = System.nanoTime();
    try (ReadAhead reads = new ReadAhead(connection, adapter)) {
      SyncCursor cursor = stores.cursors().load(connection);
      reads.request(cursor);
      while (reads.requested()) {
        ChangePage page = reads.take();
        pages++;
        more = page.hasMore();
        if (more && pages < MAX_PAGES_PER_RUN) {
          reads.request(page.next()); // the CRM reads the next page while this one is stored
        }
        Instant now = store(connection, page.contacts(), page.events());
        hooks.at(EngineHooks.SYNC_STORED);
        if (!page.next().equals(cursor)) {
          stores.cursors().commit(connection, page.next(), now);
        }
        cursor = page.next();
        contacts += page.contacts().size();
        events += page.events().size();
        calls += page.apiCalls();
        progress.update(connection, new SyncProgress.Page(pages, contacts, events, calls,
            java.time.Duration.ofNanos(System.nanoTime() - started)), !more);
        stored.accept(page.events().stream().mapToInt(event -> (int) event.contactIds().stream().distinct().count())
            .sum());
      }
    }
    if (contacts + events > 0) {
      LOG.info("{}: synced {} contacts and {} events in {} pages ({} API calls)", connection, contacts, events, pages,
          calls);
    }
    return new Result(pages, contacts, events, calls, !more);
  }

  /**
   * Stores contacts and events in one transaction, each kind in batched statements (one round trip each
   * for the page); the time it stored them at. A page some other writer stored part of at the same moment
   * (a webhook's events while the sync reads them) is stored again once, in a new transaction that sees it.
   */
  Instant store(String connection, List<Contact> contacts, List<InteractionEvent> events) {
    Instant now = clock.instant();
    try {
      storeOnce(connection, contacts, events, now);
    } catch (RuntimeException e) {
      if (!uniqueViolation(e)) {
        throw e;
      }
      storeOnce(connection, contacts, events, now);
    }
    return now;
  }

  private void storeOnce(String connection, List<Contact> contacts, List<InteractionEvent> events, Instant now) {
    stores.jdbi().useTransaction(handle -> {
      stores.contacts().upsertAll(handle, connection, contacts, now);
      stores.events().upsertAll(handle, connection, events, now);
    });
  }

  private static boolean uniqueViolation(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
