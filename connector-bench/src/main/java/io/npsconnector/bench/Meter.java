package io.npsconnector.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.OperatingSystemMXBean;

/**
 * Measures one stretch of work in this JVM: wall time, the process's CPU time (every thread: the work's own, the
 * JIT's and the collector's) and the largest heap in use right after a collection. One meter per process: it
 * listens to every collector from its creation.
 *
 * <p>After a young collection the old generation still holds whatever garbage was promoted since the last full
 * or concurrent cycle, so that figure follows the collector's heuristics (with G1 and a busy allocator it nears
 * the heap's size whatever is held). A meter made {@link #live} forces a full collection every {@code every} and
 * counts only full collections: the peak of what is really held, at the cost of those pauses.
 */
final class Meter {
  /** What a stretch of work took. */
  /**
   * What a stretch of work took.
   *
   * @param machineBusySeconds core-seconds the whole machine was busy meanwhile ({@link MachineCpu})
   * @param postgresSeconds the PostgreSQL server's CPU time meanwhile, when it runs on this machine
   */
  record Reading(double wallSeconds, double cpuSeconds, long peakHeapAfterGcBytes, double machineBusySeconds,
      double postgresSeconds) {}

  private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final AtomicLong peakAfterGc = new AtomicLong();
  private final boolean fullOnly;
  private long startedNanos;
  private long startedCpu;
  private double startedBusy;
  private double startedPostgres;

  Meter() {
    this(false);
  }

  /** A meter whose heap peak is the live data: a full collection every {@code every}, only those counted. */
  static Meter live(java.time.Duration every) {
    Meter meter = new Meter(true);
    Thread sampler = new Thread(() -> {
      try {
        while (true) {
          Thread.sleep(every.toMillis());
          System.gc();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "bench-live-heap");
    sampler.setDaemon(true);
    sampler.start();
    return meter;
  }

  private Meter(boolean fullOnly) {
    this.fullOnly = fullOnly;
    java.util.Set<String> heapPools = new java.util.HashSet<>();
    for (java.lang.management.MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener((notification, handback) -> {
          if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
                .from((CompositeData) notification.getUserData());
            if (fullOnly && !info.getGcAction().contains("major")) {
              return; // "end of minor GC": young and mixed collections leave old garbage in place
            }
            long used = 0;
            for (java.util.Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
              if (heapPools.contains(pool.getKey())) { // metaspace and code cache are not the heap
                used += pool.getValue().getUsed();
              }
            }
            peakAfterGc.accumulateAndGet(used, Math::max);
          }
        }, null, null);
      }
    }
  }

  /** Starts (or restarts) the stretch: clock, CPU and heap peak from now. */
  void start() {
    peakAfterGc.set(0);
    startedBusy = MachineCpu.busySeconds();
    startedPostgres = MachineCpu.postgresSeconds();
    startedCpu = os.getProcessCpuTime();
    startedNanos = System.nanoTime();
  }

  /** The stretch so far. The heap peak includes a collection made now, so live data at the end counts too. */
  Reading stop() {
    long wall = System.nanoTime() - startedNanos;
    long cpu = os.getProcessCpuTime() - startedCpu;
    double busy = MachineCpu.busySeconds() - startedBusy;
    double postgres = MachineCpu.postgresSeconds() - startedPostgres;
    System.gc();
    waitForNotifications();
    return new Reading(wall / 1e9, cpu / 1e9, peakAfterGc.get(), busy, postgres);
  }

  /**
   * Wall and CPU time since {@link #start()}, without a collection, and without the machine's figures: reading them
   * walks {@code /proc}, work a lap in the middle of a measurement should not add.
   */
  Reading lap() {
    return new Reading((System.nanoTime() - startedNanos) / 1e9, (os.getProcessCpuTime() - startedCpu) / 1e9,
        peakAfterGc.get(), Double.NaN, Double.NaN);
  }

  /** Collection notifications arrive on their own thread, shortly after the collection. */
  private static void waitForNotifications() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
