package io.npsconnector.core.engine;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.Credentials;
import io.npsconnector.config.CrmSettings;
import io.npsconnector.config.Secret;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.store.ConnectionStateRepository;
import io.npsconnector.core.store.ConnectionStateRepository.Stopped;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the SPI's error contract for every call the engine makes to a CRM: an authentication failure stops the
 * connection (in the store, so every instance honours it, across restarts) until its credentials change or an
 * admin resumes it; a retriable failure with the CRM's retry hint holds the connection's calls back until the
 * hint has passed. Other connections go on.
 */
final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  private record Waiting(Instant until, String operation, String message) {}

  /** A connection whose calls fail: since when, and how many failed since the first (which was logged). */
  private record Failing(Instant since, int failures) {}

  private final ConnectionStateRepository states;
  private final Function<String, String> fingerprints;
  private final Clock clock;
  private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
  private final Map<String, Failing> failing = new ConcurrentHashMap<>();

  ConnectionGuard(ConnectionStateRepository states, Function<String, String> fingerprints, Clock clock) {
    this.states = states;
    this.fingerprints = fingerprints;
    this.clock = clock;
  }

  /** Runs a CRM call of {@code connection} unless the connection is stopped or waiting, and notes how it failed. */
  <T> T call(String connection, Supplier<T> work) {
    ensureAvailable(connection);
    try {
      T result = work.get();
      waiting.remove(connection);
      recovered(connection);
      return result;
    } catch (CrmException.Authentication e) {
      stopped(connection, e);
      throw e;
    } catch (CrmException.Retriable e) {
      retryLater(connection, e, java.time.Duration.ZERO);
      failed(connection, e);
      throw e;
    } catch (CrmException e) {
      failed(connection, e);
      throw e;
    }
  }

  /** The first failure of a run of failures is a warning naming the connection and the cause; the rest are counted. */
  private void failed(String connection, CrmException e) {
    Failing run = failing.merge(connection, new Failing(clock.instant(), 1),
        (old, added) -> new Failing(old.since(), old.failures() + 1));
    if (run.failures() == 1) {
      LOG.warn("{}: {} failed: {}; further failures are counted until the CRM answers again", connection,
          e.operation(), e.getMessage());
    } else {
      LOG.debug("{}: {} failed again ({} since {}): {}", connection, e.operation(), run.failures(), run.since(),
          e.getMessage());
    }
  }

  private void recovered(String connection) {
    Failing run = failing.remove(connection);
    if (run != null) {
      Engine.ACTIVITY.info("{}: the CRM answers again after {} failed runs since {}", connection, run.failures(), run.since());
    }
  }

  /**
   * A retriable failure: later calls of the connection wait for the CRM's hint, or for {@code least} when the
   * CRM gave none (or a shorter one).
   */
  void retryLater(String connection, CrmException.Retriable e, java.time.Duration least) {
    java.time.Duration wait = e.retryAfter().filter(hint -> hint.compareTo(least) > 0).orElse(least);
    if (wait.isNegative() || wait.isZero()) {
      return;
    }
    waiting.put(connection, new Waiting(clock.instant().plus(wait), e.operation(), e.getMessage()));
  }

  /** @throws ConnectionUnavailableException when the connection is stopped or waits for a retry hint */
  void ensureAvailable(String connection) {
    ConnectionStatus status = status(connection);
    switch (status.state()) {
      case STOPPED -> throw new ConnectionUnavailableException(status, connection + ": stopped since "
          + status.since().orElseThrow() + " because the CRM refused the credentials (" + status.operation().orElse("")
          + "): " + status.message().orElse("") + "; fix the credentials, or resume the connection "
          + "(nps-connector resume --connection " + connection + ", or the dashboard) once they work");
      case WAITING -> throw new ConnectionUnavailableException(status, connection + ": the CRM asked to wait until "
          + status.since().orElseThrow() + " (" + status.operation().orElse("") + ")");
      case ACTIVE -> { }
    }
  }

  /** The connection's state now; a stop whose credentials have changed since is cleared on the way. */
  ConnectionStatus status(String connection) {
    Optional<Stopped> stopped = states.find(connection);
    if (stopped.isPresent()) {
      if (stopped.get().credentialsFingerprint().equals(fingerprints.apply(connection))) {
        Stopped stop = stopped.get();
        return new ConnectionStatus(connection, ConnectionStatus.State.STOPPED, Optional.of(stop.since()),
            Optional.of(stop.operation()), Optional.of(stop.message()));
      }
      if (states.resume(connection)) {
        LOG.info("{}: the credentials changed since the CRM refused them at {}; the connection resumes", connection,
            stopped.get().since());
      }
    }
    Waiting wait = waiting.get(connection);
    if (wait != null && wait.until().isAfter(clock.instant())) {
      return new ConnectionStatus(connection, ConnectionStatus.State.WAITING, Optional.of(wait.until()),
          Optional.of(wait.operation()), Optional.of(wait.message()));
    }
    return ConnectionStatus.active(connection);
  }

  /** Clears a stop and any wait; true when the connection was stopped. */
  boolean resume(String connection, String who) {
    waiting.remove(connection);
    boolean was = states.resume(connection);
    if (was) {
      LOG.info("{}: resumed by {}", connection, who);
    }
    return was;
  }

  private void stopped(String connection, CrmException.Authentication e) {
    Instant now = clock.instant();
    states.stop(new Stopped(connection, e.operation(), e.getMessage(), fingerprints.apply(connection), now));
    LOG.error("{}: the CRM refused the credentials ({}): {}; sync and write-back of this connection stop until the "
        + "credentials change or an admin resumes it", connection, e.operation(), e.getMessage());
  }

  /**
   * A hash of the connection's type and its adapter's settings, secrets included (credentials, tokens), so that
   * changed credentials are noticed without a secret ever being stored. The settings are the adapter's record;
   * its components are read by name.
   */
  static String fingerprint(ConnectionConfig connection) {
    Map<String, String> parts = new TreeMap<>();
    parts.put("~type", connection.type());
    CrmSettings settings = connection.settings();
    if (settings.getClass().isRecord()) {
      for (RecordComponent component : settings.getClass().getRecordComponents()) {
        try {
          Method accessor = component.getAccessor();
          accessor.setAccessible(true);
          parts.put(component.getName(), text(accessor.invoke(settings)));
        } catch (ReflectiveOperationException | RuntimeException e) {
          parts.put(component.getName(), "?");
        }
      }
    } else {
      parts.put("~settings", String.valueOf(settings));
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      parts.forEach((key, value) -> {
        sha.update(key.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(value.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      });
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  /** A setting's value as text, secrets revealed (only ever hashed). */
  private static String text(Object value) {
    if (value instanceof Optional<?> optional) {
      return optional.map(ConnectionGuard::text).orElse("");
    }
    if (value instanceof Secret secret) {
      return secret.reveal();
    }
    if (value instanceof Credentials credentials) {
      Map<String, String> sorted = new TreeMap<>(credentials.values());
      credentials.secrets().forEach((key, secret) -> sorted.put("secret:" + key, secret.reveal()));
      return credentials.auth() + sorted;
    }
    return String.valueOf(value);
  }
}
