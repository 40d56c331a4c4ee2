package io.npsconnector.core.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * How the engine runs (not what it does: that is the configuration file).
 *
 * @param instanceName names this process in claims; unique per running instance
 * @param threads scheduler worker threads
 * @param pollingInterval how often the scheduler looks for due work
 * @param heartbeatInterval how often claims are renewed; a claim not renewed for 4 intervals is revived elsewhere
 * @param taskRetryWait first wait before a failed task runs again (doubling after that)
 * @param writebackInterval how often pending write-backs are flushed
 * @param writebackRetryWait the least wait before write-back calls a CRM again after it refused one retriably
 *     without a longer retry hint (zero in tests)
 * @param shutdownWait how long running work may take to finish at shutdown
 */
public record EngineSettings(String instanceName, int threads, Duration pollingInterval, Duration heartbeatInterval,
    Duration taskRetryWait, Duration writebackInterval, Duration writebackRetryWait, Duration shutdownWait) {

  public EngineSettings {
    Objects.requireNonNull(instanceName, "instanceName");
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    positive("pollingInterval", pollingInterval);
    positive("heartbeatInterval", heartbeatInterval);
    positive("taskRetryWait", taskRetryWait);
    positive("writebackInterval", writebackInterval);
    Objects.requireNonNull(writebackRetryWait, "writebackRetryWait");
    if (writebackRetryWait.isNegative()) {
      throw new IllegalArgumentException("writebackRetryWait must not be negative, got " + writebackRetryWait);
    }
    Objects.requireNonNull(shutdownWait, "shutdownWait");
  }

  /** Production defaults, with a random instance name. */
  public static EngineSettings defaults() {
    return new EngineSettings("npsconnector-" + UUID.randomUUID().toString().substring(0, 8), 4,
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofSeconds(30),
        Duration.ofSeconds(1), Duration.ofSeconds(30));
  }

  public EngineSettings withInstanceName(String name) {
    return new EngineSettings(name, threads, pollingInterval, heartbeatInterval, taskRetryWait, writebackInterval,
        writebackRetryWait, shutdownWait);
  }

  public EngineSettings withPolling(Duration polling, Duration heartbeat) {
    return new EngineSettings(instanceName, threads, polling, heartbeat, taskRetryWait, writebackInterval,
        writebackRetryWait, shutdownWait);
  }

  public EngineSettings withThreads(int count) {
    return new EngineSettings(instanceName, count, pollingInterval, heartbeatInterval, taskRetryWait,
        writebackInterval, writebackRetryWait, shutdownWait);
  }

  public EngineSettings withWritebackRetryWait(Duration wait) {
    return new EngineSettings(instanceName, threads, pollingInterval, heartbeatInterval, taskRetryWait,
        writebackInterval, wait, shutdownWait);
  }

  private static void positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
