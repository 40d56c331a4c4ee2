package io.npsconnector.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import io.npsconnector.hubspot.HubSpotSettings;
import io.npsconnector.salesforce.SalesforceSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file shipped in {@code config/examples/} is valid once its variables are set, read with the connection
 * types of the shipped build (HubSpot and Salesforce): so this test lives where both adapters are.
 */
class ExampleFilesTest {
  private static final Path EXAMPLES = Path.of("../config/examples");
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @Test
  void shipsTheThreeDocumentedExamples() throws IOException {
    assertThat(examples().map(file -> file.getFileName().toString()))
        .contains("demo.yaml", "hubspot.yaml", "salesforce.yaml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void loadsEveryExampleFile(Path example) throws IOException {
    Map<String, String> env = new HashMap<>();
    Matcher matcher = REFERENCE.matcher(Files.readString(example));
    while (matcher.find()) {
      env.put(matcher.group(1), "example-value-long-enough-for-every-secret-" + matcher.group(1));
    }
    env.put("PGHOST", "db.internal");

    NpsConfig config = ConfigLoader.load(example, env);

    assertThat(config.connections()).isNotEmpty();
    assertThat(config.triggers()).isNotEmpty();
  }

  @Test
  void demoRunsWithoutAnyEnvironment() {
    NpsConfig config = ConfigLoader.load(EXAMPLES.resolve("demo.yaml"), Map.of());

    assertThat(config.store()).isEqualTo(new StoreConfig.H2(Path.of("./data/demo/npsconnector")));
    assertThat(config.connections()).extracting(ConnectionConfig::type).containsExactly("hubspot", "salesforce");
    assertThat(config.connections().get(0).settings(HubSpotSettings.class).baseUrl().getHost())
        .isEqualTo("127.0.0.1");
    assertThat(config.connections().get(1).settings(SalesforceSettings.class).baseUrl().orElseThrow().getHost())
        .isEqualTo("127.0.0.1");
    assertThat(config.email().orElseThrow().host()).isEqualTo("127.0.0.1");
  }
}
