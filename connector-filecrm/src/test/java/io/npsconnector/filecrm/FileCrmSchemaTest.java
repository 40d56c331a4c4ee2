package io.npsconnector.filecrm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.npsconnector.config.ConfigSchema;
import io.npsconnector.config.ConnectionTypes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A plugin's settings reach the configuration's JSON Schema with nothing but the plugin on the class path. */
class FileCrmSchemaTest {
  private static final String CONFIG = """
      company: Acme
      server:
        token-secret: ${TOKEN_SECRET}
        admin-password: ${ADMIN_PASSWORD}
      connections:
        - name: files
          type: json-folder
          folder: crm
          page-size: %s
      """;

  private final JsonNode generated = ConfigSchema.schema(ConnectionTypes.installed());
  private final Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(generated);

  @Test
  void theSchemaHasTheJsonFolderSettings() {
    JsonNode variant = null;
    for (JsonNode branch : generated.at("/properties/connections/items/allOf")) {
      if (branch.at("/if/properties/type/const").asText().equals(FileCrmSettings.TYPE)) {
        variant = branch.path("then").path("properties");
      }
    }

    assertThat(variant).isNotNull();
    List<String> keys = new ArrayList<>();
    variant.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).contains("name", "sync-interval", "folder", "page-size", "max-write-batch")
        .doesNotContain("credentials");
  }

  @Test
  void aJsonFolderConnectionIsCheckedByItsOwnSettings() {
    assertThat(errors(CONFIG.formatted("10"))).isEmpty();
    assertThat(errors(CONFIG.formatted("0"))).anyMatch(error -> error.contains("/connections/0/page-size"));
    assertThat(errors(CONFIG.formatted("10") + "    token: ${HUBSPOT_TOKEN}\n"))
        .anyMatch(error -> error.contains("token"));
  }

  private List<String> errors(String yaml) {
    return schema.validate(yaml, InputFormat.YAML).stream().map(Error::toString).toList();
  }
}
