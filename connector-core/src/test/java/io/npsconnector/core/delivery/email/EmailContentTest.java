package io.npsconnector.core.delivery.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.Delivery;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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

  @ParameterizedTest
  @MethodSource("io.npsconnector.core.testing.LiteralNames#firstNames")
  void aFirstNameComesOutLiterallyInTheTextPartAndEscapedButVisibleInTheHtmlPart(String name, String html) {
    NpsConfig config = EmailFixtures.config(25);
    Delivery delivery = EmailFixtures.invitation(EmailFixtures.contact().firstName(name).locale(Locale.ENGLISH)
        .build());

    EmailContent content = EmailContent.render(config.templates().get("standard"), delivery, config.company(),
        EmailFixtures.LINKS);

    assertThat(content.text()).startsWith("Hi " + name + ", one click tells us how we are doing.\r\n");
    assertThat(content.html()).contains(">Hi " + html + ", one click tells us how we are doing.</td>")
        .doesNotContain("<script>");
  }
}
