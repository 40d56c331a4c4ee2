package io.npsconnector.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.npsconnector.core.model.Contact;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.testing.FakeCrmAdapter;
import io.npsconnector.core.testing.ForwardingCrmAdapter;
import io.npsconnector.core.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sync's pipeline: the CRM reads page k+1 while page k is stored, one page ahead and never more, a cursor is
 * committed only after its page is stored, and a failure on either side ends the sync with what was thrown, the
 * cursor at the last stored page and no reader thread left. Ordering is shown with latches; the waits are bounds
 * that only keep a broken pipeline from hanging the build.
 */
class SyncServiceTest {
  private static final String CRM = "crm";
  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
  /** How long a latch may take before the test gives up: a bound against hanging, never a measured time. */
  private static final long BOUND_SECONDS = 30;

  private final TestClock clock = new TestClock(T0);
  private Database database;
  private Stores stores;
  private FakeCrmAdapter crm;

  @BeforeEach
  void open() {
    database = Database.open("jdbc:h2:mem:sync-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
    stores = Stores.of(database);
    crm = FakeCrmAdapter.builder().connection(CRM).clock(clock).pageSize(2).build();
    for (int i = 1; i <= 6; i++) {
      crm.putContact(Contact.builder("c" + i, T0.minus(Duration.ofMinutes(60 - i))).firstName("Person " + i).build());
    }
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void readsTheNextPageWhileAPageIsStoredBeforeItsCursorIsCommitted() throws Exception {
    List<SyncCursor> expected = cursorsOfAllPages();
    CountDownLatch secondReadStarted = new CountDownLatch(1);
    CountDownLatch firstPageStored = new CountDownLatch(1);
    ScriptedCrm adapter = new ScriptedCrm(crm, call -> {
      if (call == 2) {
        secondReadStarted.countDown();
        await(firstPageStored); // page 2's read stays under way until page 1 is stored
      }
    });
    int[] stored = {0};
    EngineHooks hooks = point -> {
      if (point.equals(EngineHooks.SYNC_STORED) && ++stored[0] == 1) {
        // page 1 is stored, its cursor not committed yet, and page 2 is being read
        await(secondReadStarted);
        assertThat(stores.contacts().count(CRM)).isEqualTo(2);
        assertThat(stores.cursors().load(CRM)).isEqualTo(SyncCursor.START);
        firstPageStored.countDown();
      }
    };

    SyncService.Result result = new SyncService(stores, clock, hooks, SyncProgress.NONE).sync(CRM, adapter);

    assertThat(result.pages()).isEqualTo(expected.size());
    assertThat(result.contacts()).isEqualTo(6);
    assertThat(result.complete()).isTrue();
    assertThat(stores.contacts().count(CRM)).isEqualTo(6);
    // every page read once, each from the one before's cursor
    assertThat(adapter.readCursors()).isEqualTo(expected);
    assertThat(adapter.readers()).doesNotContain(Thread.currentThread());
    assertEnded(adapter.readers());
  }

  @Test
  void holdsAtMostOnePageAheadOfTheStore() throws Exception {
    List<Integer> aheadAtEachRead = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger storedPages = new AtomicInteger();
    AtomicInteger reads = new AtomicInteger();
    CountDownLatch secondReadDone = new CountDownLatch(1);
    ScriptedCrm adapter = new ScriptedCrm(crm, call -> {
      reads.incrementAndGet();
      // pages read before this one that are not stored yet: the page under store, at most
      aheadAtEachRead.add(call - 1 - storedPages.get());
    }, call -> {
      if (call == 2) {
        secondReadDone.countDown();
      }
    });
    EngineHooks hooks = point -> {
      if (point.equals(EngineHooks.SYNC_STORED)) {
        if (storedPages.get() == 0) {
          // page 2 is read while page 1 waits here; nothing reads page 3 until page 2 is taken
          await(secondReadDone);
          assertThat(reads.get()).isEqualTo(2);
        }
        storedPages.incrementAndGet();
      }
    };

    SyncService.Result result = new SyncService(stores, clock, hooks, SyncProgress.NONE).sync(CRM, adapter);

    assertThat(aheadAtEachRead).hasSize(result.pages()).allSatisfy(ahead -> assertThat(ahead).isLessThanOrEqualTo(1));
    assertEnded(adapter.readers());
  }

  @Test
  void aFailedReadEndsTheSyncWithItsExceptionAndTheCursorAtTheLastStoredPage() throws Exception {
    CrmException.Retriable refused = new CrmException.Retriable(CRM, "read contacts", "HTTP 503",
        Optional.of(Duration.ofSeconds(30)), null);
    ScriptedCrm adapter = new ScriptedCrm(crm, call -> {
      if (call == 3) {
        throw refused;
      }
    });
    SyncService sync = new SyncService(stores, clock, EngineHooks.NONE, SyncProgress.NONE);

    assertThatThrownBy(() -> sync.sync(CRM, adapter)).isSameAs(refused);

    assertThat(stores.cursors().load(CRM)).isEqualTo(cursorsOfAllPages().get(2));
    assertThat(stores.contacts().count(CRM)).isEqualTo(4);
    assertEnded(adapter.readers());

    // the next sync reads on from there
    SyncService.Result again = sync.sync(CRM, new ScriptedCrm(crm, call -> { }));
    assertThat(again.contacts()).isEqualTo(2);
    assertThat(stores.contacts().count(CRM)).isEqualTo(6);
  }

  @Test
  void aFailedStoreEndsTheSyncStopsTheReadAheadAndKeepsTheCursorOfTheLastStoredPage() throws Exception {
    CountDownLatch thirdReadStarted = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    ScriptedCrm adapter = new ScriptedCrm(crm, call -> {
      if (call == 3) {
        thirdReadStarted.countDown();
        try {
          new CountDownLatch(1).await(); // a CRM that does not answer
        } catch (InterruptedException e) {
          interrupted.countDown();
          throw new CrmException.Retriable(CRM, "read contacts", "interrupted", Optional.empty(), e);
        }
      }
    });
    IllegalStateException died = new IllegalStateException("the process died");
    int[] stored = {0};
    EngineHooks hooks = point -> {
      if (point.equals(EngineHooks.SYNC_STORED) && ++stored[0] == 2) {
        await(thirdReadStarted);
        throw died;
      }
    };
    SyncService sync = new SyncService(stores, clock, hooks, SyncProgress.NONE);

    assertThatThrownBy(() -> sync.sync(CRM, adapter)).isSameAs(died);

    assertThat(interrupted.getCount()).as("the read under way was interrupted").isZero();
    // page 2 is stored, its cursor not committed: the committed one still points at page 2
    assertThat(stores.cursors().load(CRM)).isEqualTo(cursorsOfAllPages().get(1));
    assertThat(stores.contacts().count(CRM)).isEqualTo(4);
    assertEnded(adapter.readers());
  }

  @Test
  void anInterruptOfTheSyncReachesTheReadUnderWayWhichEndsItAsOnTheSyncsOwnThread() throws Exception {
    CountDownLatch readStarted = new CountDownLatch(1);
    CrmException.Retriable stopped = new CrmException.Retriable(CRM, "read contacts", "interrupted", Optional.empty(),
        null);
    ScriptedCrm adapter = new ScriptedCrm(crm, call -> {
      readStarted.countDown();
      try {
        new CountDownLatch(1).await(); // a CRM that does not answer, until the read is interrupted
      } catch (InterruptedException e) {
        throw stopped;
      }
    });
    SyncService sync = new SyncService(stores, clock, EngineHooks.NONE, SyncProgress.NONE);
    Throwable[] thrown = new Throwable[1];
    boolean[] interruptKept = new boolean[1];
    Thread caller = new Thread(() -> {
      try {
        sync.sync(CRM, adapter);
      } catch (Throwable e) {
        thrown[0] = e;
      }
      interruptKept[0] = Thread.currentThread().isInterrupted();
    }, "sync-caller");
    caller.start();
    await(readStarted);

    caller.interrupt();
    caller.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));

    assertThat(caller.isAlive()).isFalse();
    assertThat(thrown[0]).isSameAs(stopped);
    assertThat(interruptKept[0]).as("the caller's interrupt stays set").isTrue();
    assertThat(stores.cursors().load(CRM)).isEqualTo(SyncCursor.START);
    assertEnded(adapter.readers());
  }

  @Test
  void anIdleSyncReadsOnceAndCommitsNothing() {
    new SyncService(stores, clock, EngineHooks.NONE, SyncProgress.NONE).sync(CRM, crm);
    SyncCursor committed = stores.cursors().load(CRM);
    ScriptedCrm adapter = new ScriptedCrm(crm, call -> { });

    SyncService.Result result = new SyncService(stores, clock, EngineHooks.NONE, SyncProgress.NONE).sync(CRM, adapter);

    assertThat(result.pages()).isEqualTo(1);
    assertThat(result.contacts()).isZero();
    assertThat(adapter.readCursors()).containsExactly(committed);
    assertThat(stores.cursors().load(CRM)).isEqualTo(committed);
  }

  /** The cursors a sync from the start reads its pages with, read straight from the CRM. */
  private List<SyncCursor> cursorsOfAllPages() {
    List<SyncCursor> cursors = new ArrayList<>();
    SyncCursor cursor = SyncCursor.START;
    ChangePage page;
    do {
      cursors.add(cursor);
      page = crm.readChanges(cursor);
      cursor = page.next();
    } while (page.hasMore());
    return cursors;
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("latch reached").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void assertEnded(List<Thread> readers) throws InterruptedException {
    assertThat(readers).isNotEmpty();
    for (Thread reader : readers) {
      reader.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
      assertThat(reader.isAlive()).as("reader thread %s left running", reader.getName()).isFalse();
    }
  }

  /** A CRM whose n-th read (from 1) runs a step before and one after it, recording the cursors it was asked for and the threads. */
  private static final class ScriptedCrm extends ForwardingCrmAdapter {
    private final IntConsumer step;
    private final IntConsumer after;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<SyncCursor> cursors = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> readers = Collections.synchronizedList(new ArrayList<>());

    ScriptedCrm(io.npsconnector.core.spi.CrmAdapter delegate, IntConsumer step) {
      this(delegate, step, call -> { });
    }

    ScriptedCrm(io.npsconnector.core.spi.CrmAdapter delegate, IntConsumer step, IntConsumer after) {
      super(delegate);
      this.step = step;
      this.after = after;
    }

    @Override
    public ChangePage readChanges(SyncCursor cursor) {
      cursors.add(cursor);
      if (!readers.contains(Thread.currentThread())) {
        readers.add(Thread.currentThread());
      }
      int call = calls.incrementAndGet();
      step.accept(call);
      ChangePage page = super.readChanges(cursor);
      after.accept(call);
      return page;
    }

    List<SyncCursor> readCursors() {
      return List.copyOf(cursors);
    }

    List<Thread> readers() {
      return List.copyOf(readers);
    }
  }
}
