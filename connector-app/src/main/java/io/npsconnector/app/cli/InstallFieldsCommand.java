package io.npsconnector.app.cli;

import io.npsconnector.app.service.Composition;
import io.npsconnector.app.service.CrmAdapters;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.FieldReport;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code install-fields}: creates the NPS fields the write-back needs, where the CRM's API allows it. */
@Command(
    name = "install-fields",
    mixinStandardHelpOptions = true,
    description = "Creates the NPS fields the connector writes to on one connection's CRM, when they are missing "
        + "(running it twice changes nothing; an existing field of another type is reported, never changed), or "
        + "prints how to create them by hand. Exit 0 when every field is ready, 1 otherwise.")
final class InstallFieldsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand NpsConnectorCommand parent;
  @Mixin ConfigOption config;

  @Mixin ConnectionOption connectionOption;

  @Override
  public Integer call() {
    NpsConfig loaded = config.load(parent.environment());
    ConnectionConfig connection = connectionOption.select(loaded, config.file);
    FieldReport report;
    try (Composition app = Composition.of(loaded)) {
      report = app.get(CrmAdapters.class).open(connection).installFields();
    } catch (CrmException e) {
      throw new CommandFailure(e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    for (FieldReport.Field field : report.fields()) {
      out.printf("  %-10s %-32s %s%n", field.object(), field.name(), field.state().name().toLowerCase(Locale.ROOT)
          .replace('_', ' '));
    }
    report.instructions().forEach(line -> out.println(line));
    out.println(report.complete() ? connection.name() + ": every NPS field is ready"
        : connection.name() + ": some NPS fields are not ready (see above)");
    return report.complete() ? 0 : 1;
  }
}
