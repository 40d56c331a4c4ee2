package io.npsconnector.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateConfigCommandTest {
  private static final Path DEMO = Path.of("..", "config", "examples", "demo.yaml");

  @TempDir Path dir;

  @Test
  void summarisesAValidFileInOneParagraph() {
    CommandRun run = CommandRun.of("validate-config", DEMO.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out().strip()).doesNotContain("\n")
        .startsWith(DEMO + " is valid. It runs the NPS programme of Acme Analytics on 2 connections")
        .contains("hubspot-demo: hubspot, synced every 1m", "salesforce-demo: salesforce",
            "post-purchase on purchase, 3d after the event, when amount >= 1000, at most 500 a day, by email",
            "quarterly-relationship on relationship, every 90d",
            "Nobody is surveyed twice within 60 days (nor the same account within 7 days)",
            "outside 20:00-09:00 on Mon, Tue, Wed, Thu, Fri", "one reminder after 3d", "expire after 14d",
            "embedded H2 database at ./data/demo/npsconnector");
  }

  @Test
  void listsEveryProblemAndExitsOne() throws IOException {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, """
        company: Acme
        trigers: []
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: crm
            type: hubspot
            credentials:
              token: ${HUBSPOT_TOKEN}
            sync-interval: soon
        """);

    CommandRun run = CommandRun.of(Map.of("TOKEN_SECRET", "t".repeat(40), "ADMIN_PASSWORD", "secret-admin-pw"),
        "validate-config", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines()).containsExactly(
        file + ":2: trigers: unknown key 'trigers' — did you mean 'triggers'?",
        file + ":10: connections[0].credentials.token: environment variable HUBSPOT_TOKEN is not set",
        file + ":11: connections[0].sync-interval: invalid duration 'soon'; write ISO-8601 such as P3D or PT12H, "
            + "or a number and a unit: 30m, 12h, 3d, 2w");
    assertThat(run.err()).doesNotContain("secret-admin-pw", "tttt");
  }

  @Test
  void missingFileIsOneLineAndExitsOne() {
    CommandRun run = CommandRun.of("validate-config", dir.resolve("absent.yaml").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo(dir.resolve("absent.yaml") + ": no such file" + System.lineSeparator());
  }

  @Test
  void missingArgumentIsAUsageError() {
    CommandRun run = CommandRun.of("validate-config");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required parameter: 'FILE'");
  }
}
