package io.npsconnector.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.npsconnector.app.cli.NpsConnectorCommand;
import io.npsconnector.app.demo.Demo;

/**
 * The README's Quick start, line by line, against a fresh demo: the demo runs as {@code demo} runs it (its own
 * data folder instead of {@code data/demo}) and keeps serving; then every {@code ./nps-connector} line of the
 * Quick start's first code block runs, in the README's order, through the real command line with a clean
 * environment, and must exit 0 and print each {@code #>} line that follows it. One reading command also runs
 * as a process of its own, as an admin's second terminal would, while the demo holds the store.
 */
class QuickStartTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String PROMPT = "./nps-connector ";
  private static final String DEMO_DATA = "data/demo/";

  @TempDir Path dir;

  /** One command of the Quick start and the output lines the README shows under it. */
  private record Line(List<String> args, List<String> shown) {}

  @Test
  void everyQuickStartLineWorksAgainstAFreshDemoInTheReadmesOrder() throws Exception {
    List<Line> lines = quickStart();
    assertThat(lines).as("the Quick start starts with the demo").isNotEmpty();
    assertThat(lines.get(0).args()).containsExactly("demo");
    Path data = dir.resolve("demo");
    StringWriter demoOutput = new StringWriter();
    try (Demo demo = Demo.start(Demo.Options.defaults(data, 0), line -> demoOutput.append(line).append('\n'))) {
      demo.run(line -> demoOutput.append(line).append('\n'));
      for (String shown : lines.get(0).shown()) {
        assertThat(demoOutput.toString()).as("the demo's output").contains(local(shown, data));
      }
      Line explain = lines.stream().filter(line -> line.args().get(0).equals("explain")).findFirst().orElseThrow();
      assertThat(explain.args().get(explain.args().indexOf("--contact") + 1))
          .as("the README's explain names the contact the demo suggests (its first HubSpot contact who answered)")
          .isEqualTo(demo.answeredContact().orElseThrow());
      for (Line line : lines.subList(1, lines.size())) {
        String[] args = line.args().stream().map(arg -> local(arg, data)).toArray(String[]::new);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var commandLine = NpsConnectorCommand.commandLine(Map.of());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);

        String command = String.join(" ", line.args());
        assertThat(exitCode).as("exit code of %s; it printed:%n%s%n%s", command, out, err).isZero();
        assertThat(out.toString()).as("output of %s", command).isNotBlank();
        assertThat(err.toString()).as("errors of %s", command).doesNotContain("Exception", "\tat ");
        for (String shown : line.shown()) {
          assertThat(out.toString()).as("output of %s", command).contains(local(shown, data));
        }
        keyOutput(line.args(), out.toString(), command);
      }
      assertExplainRunsAsItsOwnProcessWhileTheDemoServes(explain, data);
    }
  }

  /** What each kind of command must say about the demo, whatever the README shows under it. */
  private static void keyOutput(List<String> args, String out, String command) {
    switch (args.get(0)) {
      case "explain" -> assertThat(out).as(command).startsWith(args.get(args.indexOf("--contact") + 1) + " — ")
          .contains("event", "decision", "answer");
      case "report" -> assertThat(out).as(command).containsAnyOf("NPS", "nps");
      case "simulate" -> assertThat(out).as(command).contains("Nothing was stored, scheduled or sent.");
      case "check" -> assertThat(out).as(command).contains("hubspot-demo", "salesforce-demo");
      default -> { }
    }
  }

  /** A reading command as a JVM of its own, as from a second terminal: H2 serves it the demo's open store. */
  private static void assertExplainRunsAsItsOwnProcessWhileTheDemoServes(Line explain, Path data)
      throws IOException, InterruptedException {
    // the test class path holds several modules' logback-test.xml, which logback would report on standard output
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener", "-Dfile.encoding=UTF-8",
        "-Dsun.stdout.encoding=UTF-8",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    explain.args().forEach(arg -> command.add(local(arg, data)));
    Path errors = Files.createTempFile(data, "explain", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
    builder.environment().keySet().removeIf(name -> !name.equals("PATH") && !name.equals("HOME"));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String error = Files.readString(errors);
    assertThat(process.exitValue()).as("explain in its own process; it printed:%n%s%n%s", output, error).isZero();
    assertThat(output).startsWith(explain.args().get(explain.args().indexOf("--contact") + 1) + " — ");
    assertThat(error).as("no stack trace").doesNotContain("\tat ");
  }

  /** The demo's data folder in a README argument or output line, as this test's own folder. */
  private static String local(String text, Path data) {
    return text.replace(DEMO_DATA, data + "/");
  }

  /** The commands of the Quick start's first code block, each with the {@code #>} lines under it. */
  private static List<Line> quickStart() throws IOException {
    List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));
    int section = readme.indexOf("## Quick start");
    assertThat(section).as("README's Quick start").isNotNegative();
    int open = section + 1;
    while (!readme.get(open).startsWith("```")) {
      open++;
    }
    List<Line> lines = new ArrayList<>();
    for (int i = open + 1; !readme.get(i).startsWith("```"); i++) {
      String text = readme.get(i).strip();
      if (text.startsWith(PROMPT)) {
        String command = text.substring(PROMPT.length());
        int comment = command.indexOf(" #");
        command = (comment < 0 ? command : command.substring(0, comment)).strip();
        lines.add(new Line(Arrays.asList(command.split("\\s+")), new ArrayList<>()));
      } else if (text.startsWith("#> ")) {
        assertThat(lines).as("a #> line follows a command").isNotEmpty();
        lines.get(lines.size() - 1).shown().add(text.substring(3));
      }
    }
    return lines;
  }
}
