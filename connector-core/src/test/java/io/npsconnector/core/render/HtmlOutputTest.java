package io.npsconnector.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlOutputTest {
  @Test
  void escapesHtml() {
    HtmlOutput out = HtmlOutput.toText();
    out.writeUserContent("<a href=\"x\">Tom & 'Jerry'</a>");

    assertThat(out.toString()).isEqualTo("&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
  }

  @Test
  void writesTheSameRuleInAttributesAndTheTemplatesOwnMarkupAsItIs() {
    HtmlOutput out = HtmlOutput.toText();
    out.writeContent("<p title=\"");
    out.setContext("p", "title");
    out.writeUserContent("\"x' & <y>");
    out.setContext("p", null);
    out.writeContent("\">");
    out.writeUserContent(42);
    out.writeUserContent((String) null);
    out.writeContent("</p>");

    assertThat(out.toString()).isEqualTo("<p title=\"&quot;x&#39; &amp; &lt;y&gt;\">42</p>");
  }
}
