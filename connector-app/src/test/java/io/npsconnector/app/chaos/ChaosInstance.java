package io.npsconnector.app.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.npsconnector.app.service.InstanceName;
import io.npsconnector.app.service.Service;
import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.EngineHooks;
import io.npsconnector.core.engine.EngineSettings;

/**
 * One instance of the service for {@link ChaosSuiteTest}, in a process of its own that the suite kills with
 * SIGKILL: what {@code run} starts ({@link Service#start} with the scheduler, on the configured store, CRMs and
 * SMTP server), with the cycle's timing shortened, because the configuration cannot say it yet: sync every
 * {@code chaos.sync-interval} (the configuration's floor is one minute), scheduler poll and heartbeat of
 * {@code chaos.poll} and {@code chaos.heartbeat} (not configurable at all yet), write-backs every
 * {@code chaos.poll}. With {@code chaos.halt-at=POINT:N} the process halts (as a SIGKILL would: no shutdown
 * hook, nothing flushed) the N-th time the engine passes the hook point POINT. With {@code chaos.train=true} it
 * stops cleanly two seconds after it serves (the suite's one start that writes the class-data archive the
 * other starts load, so that they start faster).
 *
 * <p>Arguments: the configuration file and the port to listen on (loopback).
 */
public final class ChaosInstance {
  private ChaosInstance() {}

  public static void main(String[] args) throws InterruptedException {
    NpsConfig loaded = ConfigLoader.load(Path.of(args[0]), System.getenv());
    int port = Integer.parseInt(args[1]);
    Duration sync = Duration.parse(System.getProperty("chaos.sync-interval", "PT2S"));
    Duration poll = Duration.parse(System.getProperty("chaos.poll", "PT0.5S"));
    Duration heartbeat = Duration.parse(System.getProperty("chaos.heartbeat", "PT1S"));
    NpsConfig config = new NpsConfig(loaded.company(), loaded.store(), loaded.server(),
        loaded.connections().stream().map(connection -> new ConnectionConfig(connection.name(), connection.type(),
            connection.enabled(), sync, connection.fieldMapping(), connection.segments(), connection.timeZone(),
            connection.locale(), connection.settings())).toList(),
        loaded.email(), loaded.webhook(), loaded.triggers(), loaded.fatigue(), loaded.sendWindow(),
        loaded.reminderAfter(), loaded.invitationExpiry(), loaded.writeback(), loaded.templates(),
        loaded.scheduler());
    // the instance name run would take (stable across restarts), the cycle's shorter poll and heartbeat
    EngineSettings defaults = EngineSettings.defaults().with(config.scheduler(), InstanceName.of(config, port))
        .withPolling(poll, heartbeat);
    EngineSettings settings = new EngineSettings(defaults.instanceName(), defaults.threads(),
        defaults.pollingInterval(), defaults.heartbeatInterval(), defaults.missedHeartbeats(), Duration.ofMillis(500),
        poll, Duration.ofMillis(200), defaults.shutdownWait());
    EngineHooks hooks = haltAt(System.getProperty("chaos.halt-at", ""));
    Service.Options options = Service.Options.of(config).withPort("127.0.0.1", port)
        .withSurveyRequestsPerMinute(1_000_000);
    Service service = Service.start(config, binder -> {
      binder.bind(Service.Options.class).toInstance(options);
      binder.bind(EngineSettings.class).toInstance(settings);
      binder.bind(EngineHooks.class).toInstance(hooks);
    });
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "chaos-shutdown")); // SIGTERM, as run does
    System.out.println("chaos instance " + settings.instanceName() + " serving on " + service.port());
    System.out.flush();
    if (Boolean.getBoolean("chaos.train")) { // a start that only teaches the JVM's class-data archive
      Thread.sleep(2_000);
      service.close();
      System.exit(0);
    }
    new CountDownLatch(1).await(); // until killed
  }

  /** Halts the process at the N-th pass of a hook point ({@code POINT:N}); none for an empty text. */
  static EngineHooks haltAt(String spec) {
    if (spec.isBlank()) {
      return EngineHooks.NONE;
    }
    int colon = spec.lastIndexOf(':');
    String target = spec.substring(0, colon);
    int n = Integer.parseInt(spec.substring(colon + 1));
    AtomicInteger passes = new AtomicInteger();
    return point -> {
      if (point.equals(target) && passes.incrementAndGet() == n) {
        System.out.println("chaos instance halting at " + point + " #" + n);
        System.out.flush();
        Runtime.getRuntime().halt(137);
      }
    };
  }
}
