package io.npsconnector.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the CRM sandboxes exist: says so and fails, so scripts never mistake it for a run. */
@Command(name = "demo", description = "Runs the whole product self-contained (not available in this build).")
final class DemoCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new CommandFailure(
        "demo is not available yet in this build: it needs the CRM sandboxes (connector-sandbox). "
            + "Try 'nps-connector validate-config config/examples/demo.yaml' or 'nps-connector report --help'.");
  }
}
