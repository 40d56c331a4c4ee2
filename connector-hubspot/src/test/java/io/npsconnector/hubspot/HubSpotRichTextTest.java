package io.npsconnector.hubspot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HubSpotRichTextTest {
  @Test
  void escapesEveryValueOnceAndKeepsLineBreaks() {
    String note = HubSpotRichText.note("NPS answer: 2 (detractor)",
        "Trigger support\r\nComment: {first_name} <script>alert(1)</script> ${score} & \"quoted\"");

    assertThat(note).isEqualTo("<p><strong>NPS answer: 2 (detractor)</strong></p><p>Trigger support<br>Comment: "
        + "{first_name} &lt;script&gt;alert(1)&lt;/script&gt; ${score} &amp; &quot;quoted&quot;</p>");
  }

  @Test
  void writesATaskBodyAsEscapedLines() {
    assertThat(HubSpotRichText.of("NPS 3 (detractor): {{score}}\nline 'two'\r")).isEqualTo(
        "NPS 3 (detractor): {{score}}<br>line &#39;two&#39;");
    assertThat(HubSpotRichText.of("")).isEmpty();
  }
}
