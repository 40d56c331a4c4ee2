package io.npsconnector.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.npsconnector.app.demo.Demo;
import io.npsconnector.app.demo.DemoReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code demo}: the whole product on this machine, with CRM sandboxes and simulated respondents. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Runs the whole product on this machine: HubSpot and Salesforce sandboxes, an embedded SMTP "
        + "server that captures every mail, the service with its store under data/demo, and simulated respondents "
        + "who answer through the real survey pages. Prints a summary, then serves the dashboard until stopped.")
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--exit", description = "Stop after the summary instead of serving the dashboard.")
  boolean exit;

  @Option(names = "--summary", paramLabel = "FILE", description = "Also write the summary as JSON to FILE.")
  Path summaryFile;

  @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
      description = "The port of the survey pages and the dashboard (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--data", paramLabel = "DIR", defaultValue = "data/demo",
      description = "Where the demo keeps its store, the configuration it runs on (demo.yaml) and its answers "
          + "(answers.csv) (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--use-env", description = "Let NPS_DEMO_* environment variables (such as "
      + "NPS_DEMO_ADMIN_PASSWORD) replace the demo's defaults; without it the demo reads no environment.")
  boolean useEnvironment;

  @ParentCommand NpsConnectorCommand parent;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    out.println("npsconnector demo: starting the CRM sandboxes, the mail server and the service ...");
    out.flush();
    Demo demo;
    Demo.Options options = Demo.Options.defaults(data, port);
    try {
      demo = Demo.start(useEnvironment ? options.withEnvironment(parent.environment()) : options, line -> {
        out.println("  " + line);
        out.flush();
      });
    } catch (RuntimeException e) {
      throw new CommandFailure("the demo cannot start: " + e.getMessage());
    }
    DemoReport report;
    try {
      report = demo.run(line -> {
        out.println("  " + line);
        out.flush();
      });
    } catch (Exception e) {
      demo.close();
      throw new CommandFailure("the demo failed: " + e.getMessage());
    }
    out.print(report.text());
    out.flush();
    if (summaryFile != null) {
      if (summaryFile.getParent() != null) {
        Files.createDirectories(summaryFile.getParent());
      }
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(summaryFile.toFile(), report.json());
      out.println("summary written to " + summaryFile);
    }
    if (exit) {
      demo.close();
      return 0;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      demo.close();
      out.println();
      out.println("npsconnector demo: stopped the dashboard and survey pages, the mail server and both CRM "
          + "sandboxes; the store, " + Demo.CONFIG_FILE + " and " + Demo.ANSWERS_FILE + " stay in " + data);
      out.flush();
      stopped.countDown();
    }, "npsconnector-demo-shutdown"));
    Path config = data.resolve(Demo.CONFIG_FILE);
    out.printf("%nDashboard: http://localhost:%d/admin (password: %s). Ctrl-C stops.%n", demo.port(),
        useEnvironment ? "$NPS_DEMO_ADMIN_PASSWORD, default demo-admin" : "demo-admin");
    out.printf("While it serves, try in another terminal:%n");
    demo.answeredContact().ifPresent(contact -> out.printf("  ./nps-connector explain --config %s --contact %s%n",
        config, contact));
    out.printf("  ./nps-connector report --responses %s --by month%n", data.resolve(Demo.ANSWERS_FILE));
    out.flush();
    stopped.await();
    return 0;
  }
}
