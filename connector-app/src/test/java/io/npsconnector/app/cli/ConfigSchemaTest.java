package io.npsconnector.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.npsconnector.app.demo.Demo;
import io.npsconnector.config.ConfigSchema;
import io.npsconnector.config.ConnectionTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shipped JSON Schema of the configuration: current, valid draft-07, and true to every example file. */
class ConfigSchemaTest {
  private static final Path SHIPPED = Path.of("..", "config", "nps-connector.schema.json");
  private static final Path EXAMPLES = Path.of("..", "config", "examples");
  private static final SchemaRegistry DRAFT_7 = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);

  private final Schema schema = DRAFT_7.getSchema(read(SHIPPED), InputFormat.JSON);

  @Test
  void theShippedSchemaIsWhatTheConfigurationModelGives() {
    String generated = ConfigSchema.json(ConnectionTypes.installed());

    assertThat(read(SHIPPED)).as("config/nps-connector.schema.json is stale; run: "
        + "./nps-connector config-schema > config/nps-connector.schema.json").isEqualTo(generated);
    assertThat(CommandRun.of("config-schema").out()).isEqualTo(generated);
  }

  @Test
  void theSchemaIsValidDraft7() {
    Schema metaSchema = DRAFT_7.getSchema(SchemaLocation.of("http://json-schema.org/draft-07/schema#"));

    assertThat(metaSchema.validate(read(SHIPPED), InputFormat.JSON)).isEmpty();
  }

  @Test
  void everyExampleFileIsValid() throws IOException {
    List<Path> examples;
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      examples = files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
    }

    assertThat(examples).extracting(file -> file.getFileName().toString())
        .contains("demo.yaml", "hubspot.yaml", "salesforce.yaml");
    for (Path example : examples) {
      assertThat(errors(read(example))).as(example.toString()).isEmpty();
    }
  }

  @Test
  void theConfigurationTheDemoWritesIsValid() {
    String demo = Demo.configuration(Path.of("data", "demo"), 8080, "http://127.0.0.1:8081",
        "http://127.0.0.1:8082", 8083);

    assertThat(errors(demo)).isEmpty();
  }

  @Test
  void flagsAMisspeltKeyAKeyOfAnotherConnectionTypeAndAnUnknownChoice() {
    String hubspot = read(EXAMPLES.resolve("hubspot.yaml"));

    assertThat(errors(hubspot.replace("\ntriggers:", "\ntrigers:"))).anyMatch(error -> error.contains("trigers"));
    // api-version is a Salesforce setting: unknown on a HubSpot connection
    assertThat(errors(hubspot.replace("    sync-interval: 5m", "    sync-interval: 5m\n    api-version: \"62.0\"")))
        .anyMatch(error -> error.contains("api-version"));
    assertThat(errors(hubspot.replace("  type: postgresql", "  type: mysql")))
        .anyMatch(error -> error.contains("/store/type"));
  }

  @Test
  void eachConnectionTypeContributesItsOwnSettings() {
    String salesforce = read(EXAMPLES.resolve("salesforce.yaml"));
    String shipped = read(SHIPPED);

    assertThat(shipped).contains("\"rate-limit\"", "\"api-limit\"", "\"contact-roles\"", "\"webhook-secret\"");
    assertThat(errors(salesforce.replace("type: salesforce", "type: hubspot"))).isNotEmpty();
  }

  private List<String> errors(String yaml) {
    return schema.validate(yaml, InputFormat.YAML).stream().map(Error::toString).toList();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
