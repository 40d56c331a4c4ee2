package io.npsconnector.core.engine;

import io.npsconnector.config.SchedulerConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * How the engine runs (not what it does: that is the configuration file).
 *
 * @param instanceName names this process in claims; the same across restarts of one instance (a restart then
 *     takes back its own claims at once), different for instances running at the same time
 * @param threads scheduler worker threads
 * @param pollingInterval how often the scheduler looks for due work
 * @param heartbeatInterval how often claims are renewed
 * @param missedHeartbeats a claim not renewed for this many heartbeats is revived elsewhere (at least 4)
 * @param taskRetryWait first wait before a failed task runs again (doubling after that)
 * @param writebackInterval how often pending write-backs are flushed
 * @param writebackRetryWait the least wait before write-back calls a CRM again after it refused one retriably
 *     without a longer retry hint (zero in tests)
 * @param shutdownWait how long running work may take to finish at shutdown
 */
public record EngineSettings(String instanceName, int threads, Duration pollingInterval, Duration heartbeatInterval,
    int missedHeartbeats, Duration taskRetryWait, Duration writebackInterval, Duration writebackRetryWait,
    Duration shutdownWait) {

  public EngineSettings {
    Objects.requireNonNull(instanceName, "instanceName");
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    positive("pollingInterval", pollingInterval);
    positive("heartbeatInterval", heartbeatInterval);
    if (missedHeartbeats < SchedulerConfig.MIN_MISSED_HEARTBEATS) {
      throw new IllegalArgumentException("missedHeartbeats must be at least " + SchedulerConfig.MIN_MISSED_HEARTBEATS
          + ", got " + missedHeartbeats);
    }
    positive("taskRetryWait", taskRetryWait);
    positive("writebackInterval", writebackInterval);
    Objects.requireNonNull(writebackRetryWait, "writebackRetryWait");
    if (writebackRetryWait.isNegative()) {
      throw new IllegalArgumentException("writebackRetryWait must not be negative, got " + writebackRetryWait);
    }
    Objects.requireNonNull(shutdownWait, "shutdownWait");
  }

  /** Production defaults (the configuration's {@code scheduler} defaults), with a random instance name. */
  public static EngineSettings defaults() {
    return new EngineSettings("npsconnector-" + UUID.randomUUID().toString().substring(0, 8), 4,
        SchedulerConfig.DEFAULT_POLL, SchedulerConfig.DEFAULT_HEARTBEAT, SchedulerConfig.DEFAULT_MISSED_HEARTBEATS,
        Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(30));
  }

  /**
   * The longest a dead instance's claim waits for another instance: its last heartbeat may be its last act, the
   * claim is dead {@code missedHeartbeats} heartbeats later, db-scheduler looks for dead claims every 2
   * heartbeats, and the revived execution runs at the next poll.
   */
  public Duration takeOverWithin() {
    return heartbeatInterval.multipliedBy(missedHeartbeats + 2L).plus(pollingInterval);
  }

  /** How long a claim's heartbeat must have stood still before its own instance, restarted, takes it back. */
  Duration ownClaimStaleAfter() {
    return heartbeatInterval.multipliedBy(2);
  }

  public EngineSettings withInstanceName(String name) {
    return new EngineSettings(name, threads, pollingInterval, heartbeatInterval, missedHeartbeats, taskRetryWait,
        writebackInterval, writebackRetryWait, shutdownWait);
  }

  public EngineSettings withPolling(Duration polling, Duration heartbeat) {
    return new EngineSettings(instanceName, threads, polling, heartbeat, missedHeartbeats, taskRetryWait,
        writebackInterval, writebackRetryWait, shutdownWait);
  }

  /** The scheduler's part of the configuration. */
  public EngineSettings with(SchedulerConfig scheduler, String name) {
    return new EngineSettings(name, threads, scheduler.poll(), scheduler.heartbeat(), scheduler.missedHeartbeats(),
        taskRetryWait, writebackInterval, writebackRetryWait, shutdownWait);
  }

  public EngineSettings withThreads(int count) {
    return new EngineSettings(instanceName, count, pollingInterval, heartbeatInterval, missedHeartbeats,
        taskRetryWait, writebackInterval, writebackRetryWait, shutdownWait);
  }

  public EngineSettings withWritebackRetryWait(Duration wait) {
    return new EngineSettings(instanceName, threads, pollingInterval, heartbeatInterval, missedHeartbeats,
        taskRetryWait, writebackInterval, wait, shutdownWait);
  }

  public EngineSettings withShutdownWait(Duration wait) {
    return new EngineSettings(instanceName, threads, pollingInterval, heartbeatInterval, missedHeartbeats,
        taskRetryWait, writebackInterval, writebackRetryWait, wait);
  }

  private static void positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
