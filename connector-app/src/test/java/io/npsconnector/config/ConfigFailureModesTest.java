package io.npsconnector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Read with the connection types of the shipped build (HubSpot and Salesforce), every fixture under
 * {@code invalid/} is named by its failure mode and lists, in {@code # expect:}
 * lines, exactly the problems loading it must report (line, path and message), no more and no fewer.
 */
class ConfigFailureModesTest {
  static final Map<String, String> ENV = Map.of(
      "TOKEN_SECRET", "s3cret-token-signing-key-0123456789abcdef",
      "ADMIN_PASSWORD", "adm1n-pa55word",
      "HUBSPOT_TOKEN", "pat-na1-11111111-2222-3333-4444-555555555555",
      "SHORT_SECRET", "tiny-s3cret");

  static Stream<Path> fixtures() throws IOException, URISyntaxException {
    Path dir = Path.of(ConfigFailureModesTest.class.getResource("/invalid").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void reportsExactlyTheExpectedProblems(Path fixture) throws IOException {
    List<String> expected = Files.readAllLines(fixture).stream()
        .filter(line -> line.startsWith("# expect: "))
        .map(line -> fixture + ":" + line.substring("# expect: ".length()))
        .toList();
    assertThat(expected).as("fixture lists its expected problems").isNotEmpty();

    ConfigurationException error = catchThrowableOfType(ConfigurationException.class,
        () -> ConfigLoader.load(fixture, ENV));

    assertThat(error).as("loading %s fails", fixture.getFileName()).isNotNull();
    assertThat(error.problems()).map(ConfigProblem::toString).containsExactlyElementsOf(expected);
    assertThat(error.getMessage()).isEqualTo(String.join("\n", expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void neverShowsASecretValue(Path fixture) {
    ConfigurationException error = catchThrowableOfType(ConfigurationException.class,
        () -> ConfigLoader.load(fixture, ENV));
    for (String secret : ENV.values()) {
      assertThat(error.getMessage()).doesNotContain(secret);
    }
  }

  @org.junit.jupiter.api.Test
  void missingFileIsOneProblemWithoutLine() {
    assertThatThrownBy(() -> ConfigLoader.load(Path.of("no/such/config.yaml"), ENV))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("no/such/config.yaml: no such file");
  }
}
