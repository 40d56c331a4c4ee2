package io.npsconnector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The loader knows no CRM: it reads what every connection shares and hands the connection's own mapping to the
 * {@link ConnectionType} it names. Here, a type of this test's own with one key.
 */
class ConnectionTypeTest {
  private static final Map<String, String> ENV = Map.of("TOKEN_SECRET", "0123456789abcdef0123456789abcdef",
      "ADMIN_PASSWORD", "correct-horse", "LEDGER_KEY", "ledger-secret-value");
  private static final ConnectionTypes TYPES = ConnectionTypes.of(List.of(new Ledger()));

  /** A CRM whose connections have a {@code key} secret and a {@code shelf} between 1 and 9. */
  record LedgerSettings(Secret key, int shelf) implements CrmSettings {}

  static final class Ledger implements ConnectionType {
    @Override
    public String type() {
      return "ledger";
    }

    @Override
    public CrmSettings readSettings(Section connection) {
      return new LedgerSettings(connection.requiredSecret("key").orElse(new Secret("${MISSING}", "")),
          connection.integer("shelf", 1, 9).orElse(1));
    }
  }

  private static String yaml(String connection) {
    return """
        company: Acme
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: books
        %s
        channels:
          email:
            host: smtp.example.com
            from: nps@example.com
        """.formatted(connection.stripTrailing());
  }

  private static List<String> problems(String yaml) {
    return catchThrowableOfType(ConfigurationException.class, () -> ConfigLoader.parse("test.yaml", yaml, ENV, TYPES))
        .problems().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void handsTheConnectionsOwnKeysToItsTypeAndKeepsWhatTheTypeRead() {
    NpsConfig config = ConfigLoader.parse("test.yaml", yaml("""
                type: ledger
                key: ${LEDGER_KEY}
                shelf: 3
                time-zone: Europe/Berlin
            """), ENV, TYPES);

    ConnectionConfig connection = config.connections().get(0);
    assertThat(connection.type()).isEqualTo("ledger");
    assertThat(connection.timeZone()).hasToString("Europe/Berlin");
    LedgerSettings settings = connection.settings(LedgerSettings.class);
    assertThat(settings.shelf()).isEqualTo(3);
    assertThat(settings.key().reveal()).isEqualTo("ledger-secret-value");
    assertThatThrownBy(() -> connection.settings(OtherSettings.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connection 'books' is a ledger connection");
  }

  @Test
  void reportsTheTypesProblemsAndKeysNobodyReadAtTheirLines() {
    assertThat(problems(yaml("""
                type: ledger
                shelf: 12
                shelff: 2
            """))).containsExactly(
        "test.yaml:6: connections[0].key: is required (an environment reference such as ${NPS_KEY})",
        "test.yaml:8: connections[0].shelf: must be between 1 and 9, got 12",
        "test.yaml:9: connections[0].shelff: unknown key 'shelff' in connections[0] — did you mean 'shelf'?");
  }

  @Test
  void anUnknownTypeListsTheTypesThereAreAndLeavesTheOtherKeysAlone() {
    assertThat(problems(yaml("""
                type: ledgr
                key: ${LEDGER_KEY}
            """))).containsExactly(
        "test.yaml:7: connections[0].type: unknown connection type 'ledgr' — did you mean 'ledger'?; "
            + "expected one of ledger");
  }

  @Test
  void writeBackFieldsAreGivenPerTypeAndFilledWithTheAdaptersDefaults() {
    NpsConfig config = ConfigLoader.parse("test.yaml", yaml("""
                type: ledger
                key: ${LEDGER_KEY}
            """) + """
        writeback:
          contact-fields:
            ledger:
              score: Score_Column
        """, ENV, TYPES);

    assertThat(config.writeback().contactFields("ledger", Map.of("score", "score", "category", "category")))
        .containsOnly(Map.entry("score", "Score_Column"), Map.entry("category", "category"));
    assertThat(problems(yaml("""
                type: ledger
                key: ${LEDGER_KEY}
            """) + """
        writeback:
          contact-fields:
            ledgre:
              score: Score_Column
        """)).containsExactly("test.yaml:15: writeback.contact-fields.ledgre: unknown key 'ledgre' in "
            + "writeback.contact-fields — did you mean 'ledger'?");
  }

  @Test
  void twoTypesOfOneNameAreRefused() {
    assertThatThrownBy(() -> ConnectionTypes.of(List.of(new Ledger(), new ConnectionType() {
      @Override
      public String type() {
        return "ledger";
      }

      @Override
      public CrmSettings readSettings(Section connection) {
        return new OtherSettings();
      }
    }))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two connection types are named 'ledger'");
  }

  private record OtherSettings() implements CrmSettings {}
}
