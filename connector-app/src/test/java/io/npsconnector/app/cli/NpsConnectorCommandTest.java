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
  void demoSaysItIsNotAvailableYetAndFails() {
    CommandRun run = CommandRun.of("demo");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("demo is not available yet");
  }
}
