package io.npsconnector.core.delivery.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class EmailContentTest {
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
}
