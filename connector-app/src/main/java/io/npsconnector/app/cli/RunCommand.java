package io.npsconnector.app.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.npsconnector.app.service.Service;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.SyncProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code run}: the production service, until the process is stopped. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Runs the service: syncs every enabled connection on its interval, sends surveys, serves the "
        + "survey pages, /health and /metrics (Prometheus), and writes answers back, until stopped (Ctrl-C or "
        + "SIGTERM: the server stops taking requests, running sends finish, claims are released).")
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand NpsConnectorCommand parent;
  @Mixin ConfigOption config;

  @Option(names = "--port", paramLabel = "N", description = "Listen on this port instead of server.port.")
  Integer port;

  @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
      description = "Listen on this address (default: ${DEFAULT-VALUE}).")
  String host;

  @Override
  public Integer call() throws InterruptedException {
    NpsConfig loaded = config.load(parent.environment());
    Service service;
    try {
      Service.Options options = Service.Options.of(loaded).withPort(host,
          port == null ? loaded.server().port() : port);
      service = Service.start(loaded, binder -> {
        binder.bind(Service.Options.class).toInstance(options);
        binder.bind(SyncProgress.class).toInstance(ProgressDisplay.forThisProcess());
      });
    } catch (RuntimeException e) {
      throw new CommandFailure("cannot start: " + e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    PrintWriter out = spec.commandLine().getOut();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println("npsconnector: stopping (running work finishes)");
      out.flush();
      service.close();
      out.println("npsconnector: stopped");
      out.flush();
      stopped.countDown();
    }, "npsconnector-shutdown"));
    out.printf("npsconnector: serving on http://%s:%d (survey pages, /health, /metrics); Ctrl-C stops%n",
        host.equals("0.0.0.0") ? "localhost" : host, service.port());
    out.flush();
    stopped.await();
    return 0;
  }
}
