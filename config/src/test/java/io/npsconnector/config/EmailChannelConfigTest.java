package io.npsconnector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code channels.email}: how many connections and mails per second, and the problems, at their lines. */
class EmailChannelConfigTest {
  private static final Map<String, String> ENV = Map.of("TOKEN_SECRET", "0123456789abcdef0123456789abcdef",
      "ADMIN_PASSWORD", "correct-horse");
  private static final ConnectionTypes TYPES = ConnectionTypes.of(List.of(new ConnectionTypeTest.Ledger()));

  private static String yaml(String email) {
    return """
        company: Acme
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: books
            type: ledger
            key: ${TOKEN_SECRET}
        channels:
          email:
            host: smtp.example.com
            from: nps@example.com
        %s
        """.formatted(email.stripTrailing());
  }

  private static EmailChannelConfig parse(String email) {
    return ConfigLoader.parse("test.yaml", yaml(email), ENV, TYPES).email().orElseThrow();
  }

  private static List<String> problems(String email) {
    return catchThrowableOfType(ConfigurationException.class, () -> parse(email)).problems().stream()
        .map(ConfigProblem::toString).toList();
  }

  @Test
  void fourConnectionsAndNoCapByDefault() {
    EmailChannelConfig email = parse("");

    assertThat(email.maxConnections()).isEqualTo(EmailChannelConfig.DEFAULT_MAX_CONNECTIONS).isEqualTo(4);
    assertThat(email.maxPerSecond()).isEmpty();
  }

  @Test
  void readsTheConnectionLimitAndTheCap() {
    EmailChannelConfig email = parse("""
            max-connections: 8
            max-per-second: 14
        """);

    assertThat(email.maxConnections()).isEqualTo(8);
    assertThat(email.maxPerSecond()).contains(14);
  }

  @Test
  void namesEachProblemWithItsPathAndLine() {
    assertThat(problems("""
            max-connections: 0
            max-per-second: fast
        """)).containsExactly(
        "test.yaml:13: channels.email.max-connections: must be between 1 and 64, got 0",
        "test.yaml:14: channels.email.max-per-second: must be a whole number, got 'fast'");
    assertThat(problems("    max-connections: 65")).singleElement().asString()
        .contains("channels.email.max-connections: must be between 1 and 64, got 65");
    assertThat(problems("    max-per-second: 0")).singleElement().asString()
        .contains("channels.email.max-per-second: must be between 1 and 100000, got 0");
    assertThat(problems("    max-conections: 2")).singleElement().asString()
        .contains("channels.email.max-conections: unknown key", "did you mean 'max-connections'");
  }

  @Test
  void aChannelBuiltInCodeIsCheckedToo() {
    EmailChannelConfig plain = new EmailChannelConfig("smtp.example.com", 587, EmailChannelConfig.TlsMode.STARTTLS,
        Optional.empty(), Optional.empty(), "nps@example.com", Optional.empty());

    assertThat(plain.maxConnections()).isEqualTo(4);
    assertThat(plain.withSending(2, Optional.of(10)).maxPerSecond()).contains(10);
    assertThatThrownBy(() -> plain.withSending(0, Optional.empty()))
        .hasMessageContaining("channels.email.max-connections");
    assertThatThrownBy(() -> plain.withSending(1, Optional.of(0)))
        .hasMessageContaining("channels.email.max-per-second");
  }
}
