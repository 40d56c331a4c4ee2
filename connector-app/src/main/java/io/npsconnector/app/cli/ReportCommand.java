package io.npsconnector.app.cli;

import picocli.CommandLine.Command;

@Command(name = "report", description = "Prints NPS with its 95 % interval from a CSV of answers.")
final class ReportCommand implements Runnable {
  @Override
  public void run() {
    throw new CommandFailure("report: being written");
  }
}
