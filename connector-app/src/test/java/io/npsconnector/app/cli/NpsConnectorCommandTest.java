package io.npsconnector.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NpsConnectorCommandTest {
  @Test
  void helpListsTheCommandsAndExitsZero() {
    CommandRun run = CommandRun.of("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: nps-connector", "validate-config", "report", "demo");
  }

  @Test
  void versionPrintsTheProjectVersion() {
    CommandRun run = CommandRun.of("--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).matches("nps-connector \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R");
  }

  @Test
  void unknownCommandPrintsUsageAndExitsTwo() {
    CommandRun run = CommandRun.of("frobnicate");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unmatched argument at index 0: 'frobnicate'", "Usage: nps-connector");
  }

  @Test
  void unknownOptionPrintsUsageAndExitsTwo() {
    CommandRun run = CommandRun.of("validate-config", "--colour", "x.yaml");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown option: '--colour'", "Usage: nps-connector validate-config");
  }

  @Test
  void noCommandPrintsUsageAndExitsTwo() {
    CommandRun run = CommandRun.of();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required subcommand", "Usage: nps-connector");
  }

  @Test
  void misspeltCommandGetsADidYouMeanAndOneLineOfUsage() {
    CommandRun run = CommandRun.of("rnu", "--config", "x.yaml");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().lines()).containsExactly(
        "Unmatched arguments from index 0: 'rnu', '--config', 'x.yaml' — did you mean 'run'?",
        "Usage: nps-connector COMMAND (see nps-connector --help, or nps-connector help COMMAND)");
  }

  @Test
  void misspeltOptionGetsADidYouMean() {
    CommandRun run = CommandRun.of("check", "--confg", "x.yaml");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().lines()).first().asString().contains("'--confg'").endsWith(" — did you mean '--config'?");
  }

  @Test
  void missingOptionPrintsTheErrorAndOneLineOfUsageNotTheWholeHelp() {
    CommandRun run = CommandRun.of("explain", "--config", "x.yaml");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().lines()).containsExactly("Missing required option: '--contact=CONNECTION:CRM_ID'",
        "Usage: nps-connector explain --config FILE --contact CONNECTION:CRM_ID (see nps-connector explain --help)");
  }

  @Test
  void demoDescribesItsOptions() {
    CommandRun run = CommandRun.of("demo", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("--exit", "--summary=FILE", "--port=N", "--data=DIR", "simulated respondents");
  }

  @Test
  void demoRunsToItsSummaryAndWritesItAsJson(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path summary = dir.resolve("summary.json");
    // the demo takes the three ports after --port too
    int port = io.npsconnector.core.testing.FreePorts.block(4);

    CommandRun run = CommandRun.of("demo", "--exit", "--port", Integer.toString(port), "--data",
        dir.resolve("data").toString(), "--summary", summary.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("npsconnector demo — summary", "hubspot-demo (hubspot)",
        "salesforce-demo (salesforce)", "Overall: NPS", "summary written to");
    com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(summary.toFile());
    assertThat(json.path("crms")).hasSize(2);
    assertThat(json.path("overall").path("answers").asInt()).isPositive();
  }
}
