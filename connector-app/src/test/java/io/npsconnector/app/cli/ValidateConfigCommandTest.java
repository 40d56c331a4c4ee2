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
  void refusesFilterAttributesTheAdaptersDoNotFillAndOperatorsThatDoNotSuitThem() throws IOException {
    Path file = dir.resolve("filters.yaml");
    Files.writeString(file, """
        company: Acme
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: crm
            type: hubspot
            credentials:
              token: ${HUBSPOT_TOKEN}
            segments:
              region: hs_region
        channels:
          email:
            host: smtp.example.com
            from: nps@example.com
        triggers:
          - name: big-deals
            on: purchase
            filter:
              - amout >= 1000
              - contact.regoin = EMEA
              - dealstage >= 3
              - amount in [1000, lots]
          - name: urgent-tickets
            on: support
            filter:
              - priorty in [High]
              - amount => 1000
        """);

    CommandRun run = CommandRun.of(Map.of("TOKEN_SECRET", "t".repeat(40), "ADMIN_PASSWORD", "secret-admin-pw",
        "HUBSPOT_TOKEN", "pat-na1-00000000"), "validate-config", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines()).containsExactly(
        file + ":28: triggers[1].filter[1]: condition 'amount => 1000': unknown operator '=>' — did you mean '>='? "
            + "(write 'amount >= 1000')");

    Files.writeString(file, Files.readString(file).replace("      - amount => 1000\n", ""));
    run = CommandRun.of(Map.of("TOKEN_SECRET", "t".repeat(40), "ADMIN_PASSWORD", "secret-admin-pw",
        "HUBSPOT_TOKEN", "pat-na1-00000000"), "validate-config", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines()).containsExactly(
        file + ":20: triggers[0].filter[0]: condition 'amout >= 1000': unknown purchase event attribute 'amout' — "
            + "did you mean 'amount'?; connection 'crm' has: amount, dealname, dealstage, dealtype, pipeline",
        file + ":21: triggers[0].filter[1]: condition 'contact.regoin = EMEA': unknown contact attribute "
            + "'contact.regoin' — did you mean 'contact.region'?; connection 'crm' has: account-id, account-name, "
            + "email, email-opt-out, first-name, last-name, locale, owner, phone, region, time-zone (segments are "
            + "read as the connection's 'segments' name them)",
        file + ":22: triggers[0].filter[2]: condition 'dealstage >= 3': '>=' compares numbers, but 'dealstage' is "
            + "text; compare it with =, !=, in or not in",
        file + ":23: triggers[0].filter[3]: condition 'amount in [1000, lots]': 'amount' is a number, got 'lots'",
        file + ":27: triggers[1].filter[0]: condition 'priorty in [High]': unknown support event attribute "
            + "'priorty' — did you mean 'priority'?; connection 'crm' has: category, pipeline, priority, stage, "
            + "subject");
  }

  @Test
  void missingFileIsOneLineAndExitsOne() {
    CommandRun run = CommandRun.of("validate-config", dir.resolve("absent.yaml").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo(dir.resolve("absent.yaml") + ": no such file" + System.lineSeparator());
  }

  @Test
  void takesTheFileAsConfigOptionLikeEveryOtherCommand() {
    CommandRun withOption = CommandRun.of("validate-config", "--config", DEMO.toString());
    CommandRun positional = CommandRun.of("validate-config", DEMO.toString());

    assertThat(withOption.exitCode()).as(withOption.err()).isZero();
    assertThat(withOption.out()).startsWith(DEMO + " is valid.").isEqualTo(positional.out());
  }

  @Test
  void refusesNoFileAndTwoFilesAsUsageErrors() {
    CommandRun none = CommandRun.of("validate-config");
    CommandRun both = CommandRun.of("validate-config", "--config", DEMO.toString(), "other.yaml");

    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err().lines()).containsExactly("Missing required option: '--config=FILE'",
        "Usage: nps-connector validate-config --config FILE (see nps-connector validate-config --help)");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).startsWith("Give the file once: --config " + DEMO + " or other.yaml, not both");
  }
}
