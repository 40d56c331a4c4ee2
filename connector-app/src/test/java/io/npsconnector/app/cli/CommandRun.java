package io.npsconnector.app.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** One in-process run of the command line: exit code, standard output and standard error. */
record CommandRun(int exitCode, String out, String err) {
  static CommandRun of(Map<String, String> environment, String... args) {
    CommandLine commandLine = NpsConnectorCommand.commandLine(environment);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new CommandRun(exitCode, out.toString(), err.toString());
  }

  static CommandRun of(String... args) {
    return of(Map.of(), args);
  }
}
