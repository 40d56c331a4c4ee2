package io.npsconnector.app;

import io.npsconnector.app.cli.NpsConnectorCommand;

/** Entry point of the runnable jar. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(NpsConnectorCommand.commandLine().execute(args));
  }
}
