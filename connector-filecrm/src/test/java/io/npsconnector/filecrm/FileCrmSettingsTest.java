package io.npsconnector.filecrm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.ConfigProblem;
import io.npsconnector.config.ConfigurationException;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A json-folder connection's own keys are read by its provider, and their problems print like every other. */
class FileCrmSettingsTest {
  private static final Map<String, String> ENV = Map.of("TOKEN_SECRET", "0123456789abcdef0123456789abcdef",
      "ADMIN_PASSWORD", "correct-horse");

  private static String yaml(String connection) {
    return """
        company: Acme
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: files
        %s
        channels:
          email:
            host: smtp.example.com
            from: nps@example.com
        writeback:
          contact-fields:
            json-folder:
              score: survey_score
        """.formatted(connection.stripTrailing());
  }

  private static List<String> problems(String connection) {
    return catchThrowableOfType(ConfigurationException.class, () -> ConfigLoader.parse("files.yaml",
        yaml(connection), ENV)).problems().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void readsItsKeysWithDefaultsForWhatIsLeftOut() {
    NpsConfig config = ConfigLoader.parse("files.yaml", yaml("""
                type: json-folder
                folder: /srv/crm
                page-size: 25
            """), ENV);

    ConnectionConfig connection = config.connections().get(0);
    assertThat(connection.type()).isEqualTo("json-folder");
    assertThat(connection.settings(FileCrmSettings.class))
        .isEqualTo(new FileCrmSettings(Path.of("/srv/crm"), 25, FileCrmSettings.DEFAULT_MAX_WRITE_BATCH));
    assertThat(config.writeback().contactFields("json-folder", FileCrmWriter.DEFAULT_CONTACT_FIELDS))
        .containsEntry("score", "survey_score").containsEntry("category", "nps_category");
  }

  @Test
  void reportsItsProblemsWithFileLineAndPathAndSuggestsTheKeyMeant() {
    assertThat(problems("""
                type: json-folder
                fodler: /srv/crm
                page-size: 0
                max-write-batch: lots
            """)).containsExactly(
        "files.yaml:6: connections[0].folder: is required",
        "files.yaml:8: connections[0].fodler: unknown key 'fodler' in connections[0] — did you mean 'folder'?",
        "files.yaml:9: connections[0].page-size: must be between 1 and 1000, got 0",
        "files.yaml:10: connections[0].max-write-batch: must be a whole number, got 'lots'");
  }

  @Test
  void anUnknownTypeIsMatchedAgainstTheTypesTheBuildServes() {
    assertThat(problems("""
                type: json-foldr
                folder: /srv/crm
            """)).containsExactly("files.yaml:7: connections[0].type: unknown connection type 'json-foldr' — "
        + "did you mean 'json-folder'?; expected one of hubspot, json-folder, salesforce");
  }
}
