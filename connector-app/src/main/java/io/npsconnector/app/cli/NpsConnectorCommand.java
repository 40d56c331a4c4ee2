package io.npsconnector.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code nps-connector} command: prints usage when called without a subcommand. */
@Command(
    name = "nps-connector",
    mixinStandardHelpOptions = true,
    versionProvider = NpsConnectorCommand.Version.class,
    description = "Runs a Net Promoter Score programme inside your CRM (Salesforce, HubSpot).",
    subcommands = {
      ValidateConfigCommand.class,
      ConfigSchemaCommand.class,
      ReportCommand.class,
      ExplainCommand.class,
      PreviewCommand.class,
      SendTestCommand.class,
      SimulateCommand.class,
      CheckCommand.class,
      ResumeCommand.class,
      UsersCommand.class,
      InstallFieldsCommand.class,
      RunCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class NpsConnectorCommand implements Runnable {
  @Spec CommandSpec spec;

  private final Map<String, String> environment;

  private NpsConnectorCommand(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** The environment configuration files resolve {@code ${VAR}} references from. */
  Map<String, String> environment() {
    return environment;
  }

  /** Builds the command line with the exit codes the README documents (0 ok, 1 failure, 2 usage). */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /** As {@link #commandLine()}, resolving configuration references from {@code environment}. */
  public static CommandLine commandLine(Map<String, String> environment) {
    CommandLine commandLine = new CommandLine(new NpsConnectorCommand(environment));
    // the error, "did you mean", and one line of usage: the whole help would bury the error
    commandLine.setParameterExceptionHandler((ex, args) -> {
      CommandLine failed = ex.getCommandLine();
      failed.getErr().println(Usage.error(ex, args));
      return failed.getCommandSpec().exitCodeOnInvalidInput();
    });
    commandLine.setExecutionExceptionHandler(
        (ex, cl, parseResult) -> {
          if (ex instanceof CommandFailure failure) {
            cl.getErr().println(failure.getMessage());
            return CommandFailure.EXIT_CODE;
          }
          throw ex;
        });
    return commandLine;
  }

  @Override
  public void run() {
    // no subcommand: the usage is the most useful answer, and an invocation error
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties properties = new Properties();
      try (InputStream in = Version.class.getResourceAsStream("/io/npsconnector/app/version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new String[] {"nps-connector " + properties.getProperty("version", "unknown")};
    }
  }
}
