package io.npsconnector.core.delivery.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmailContentTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
      Hi {first_name}, one click.     | Ada | Hi Ada, one click.
      Hi {first_name}, one click.     | ''  | Hi, one click.
      Bonjour {first_name}, un clic.  | ''  | Bonjour, un clic.
      Thanks {first_name}!            | ''  | Thanks!
      {first_name}, thanks for {company}. | '' | thanks for Acme.
      Hi {first_name} from {company}  | {company} | Hi {company} from Acme
      """)
  void fillsPlaceholdersAndTidiesAMissingName(String template, String firstName, String expected) {
    assertThat(EmailContent.fill(template, "Acme", firstName)).isEqualTo(expected);
  }

  @Test
  void derivesASafeMessageIdThatTellsKeysApart() {
    assertThat(EmailChannel.messageId("inv-42", "example.com")).isEqualTo("<nps-inv-42@example.com>");
    assertThat(EmailChannel.messageId("42:reminder", "example.com")).isEqualTo("<nps-42=3Areminder@example.com>");

    Set<String> ids = Stream.of("a:b", "a/b", "a.b", "a=3Ab", "a b", "a\r\nb", "a<b>", "ä")
        .map(key -> EmailChannel.messageId(key, "example.com")).collect(Collectors.toSet());
    assertThat(ids).hasSize(8).allMatch(id -> id.matches("<nps-[A-Za-z0-9_=-]+@example\\.com>"));

    String longId = EmailChannel.messageId("k".repeat(500), "example.com");
    assertThat(longId).matches("<nps-h[A-Za-z0-9_-]{43}@example\\.com>");
    assertThat(EmailChannel.messageId("k".repeat(500), "example.com")).isEqualTo(longId);
    assertThat(EmailChannel.messageId("k".repeat(501), "example.com")).isNotEqualTo(longId);
  }

  @Test
  void escapesHtml() {
    assertThat(EmailContent.escape("<a href=\"x\">Tom & 'Jerry'</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
  }
}
