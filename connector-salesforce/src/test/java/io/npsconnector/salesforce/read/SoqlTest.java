package io.npsconnector.salesforce.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.salesforce.SalesforceSettings;
import io.npsconnector.config.Credentials;

class SoqlTest {
  @Test
  void stringLiteralsEscapeEveryCharacterSoqlTreatsSpecially() {
    assertThat(Soql.literal("O'Brien")).isEqualTo("'O\\'Brien'");
    assertThat(Soql.literal("back\\slash")).isEqualTo("'back\\\\slash'");
    assertThat(Soql.literal("say \"hi\"")).isEqualTo("'say \\\"hi\\\"'");
    assertThat(Soql.literal("a\nb\rc\td\be\ff")).isEqualTo("'a\\nb\\rc\\td\\be\\ff'");
    assertThat(Soql.literal("' OR Id != '")).isEqualTo("'\\' OR Id != \\''");
    assertThat(Soql.literal("Ünal ✓")).isEqualTo("'Ünal ✓'");
  }

  @Test
  void dateTimeLiteralsAreUnquotedUtcToTheSecond() {
    assertThat(Soql.dateTime(Instant.parse("2025-01-15T10:30:00.999Z"))).isEqualTo("2025-01-15T10:30:00Z");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Email", "Account.Industry", "Account.Owner.Department", "Customer_Tier__c",
      "Account.Customer_Tier__c"})
  void plainFieldPathsPass(String path) {
    assertThat(Soql.field(path)).isEqualTo(path);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Name' OR Id != '", "Email, (SELECT Id FROM Cases)", "Email FROM User --", "Email WHERE",
      "", ".Email", "Email.", "Account..Name", "1Email", "Em ail", "Email;", "Email\n"})
  void anythingElseIsRefused(String path) {
    assertThatThrownBy(() -> Soql.field(path)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a Salesforce field name");
  }

  @Test
  void contactFieldsRefuseAMappingThatIsNotAFieldPathEvenWhenMadeInCode() {
    ConnectionConfig connection = new ConnectionConfig("sf", SalesforceSettings.TYPE, true,
        java.time.Duration.ofMinutes(5), Map.of(), Map.of("region", "MailingCountry FROM User WHERE Id != null --"),
        java.time.ZoneOffset.UTC, java.util.Locale.ENGLISH, new SalesforceSettings(
            new Credentials("static-token", Map.of(), Map.of()), java.util.Optional.empty(),
            java.util.Optional.empty(), SalesforceSettings.DEFAULT_API_VERSION, SalesforceSettings.ContactRoles.PRIMARY,
            SalesforceSettings.DEFAULT_PAUSE_AT_PERCENT, SalesforceSettings.DEFAULT_RESUME_BELOW_PERCENT,
            SalesforceSettings.DEFAULT_LIMIT_EXCEEDED_WAIT, SalesforceSettings.DEFAULT_WINDOW_LAG,
            SalesforceSettings.MAX_QUERY_PAGE, SalesforceSettings.DEFAULT_CONNECT_TIMEOUT,
            SalesforceSettings.DEFAULT_READ_TIMEOUT));

    assertThatThrownBy(() -> new ContactFields(connection)).isInstanceOf(IllegalArgumentException.class);
  }
}
