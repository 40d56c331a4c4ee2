package io.npsconnector.core.render;

import gg.jte.Content;
import gg.jte.TemplateOutput;
import gg.jte.html.HtmlTemplateOutput;
import gg.jte.output.StringOutput;
import java.util.Objects;

/**
 * The output of every HTML template (mail, pages, dashboard, CRM rich text), with the one escaping rule for
 * HTML: each value a template writes has {@code & < > " '} replaced by {@code &amp; &lt; &gt; &quot; &#39;}, in
 * element text and in (double-quoted) attribute values alike, so that a value never becomes markup and always
 * shows as typed. The templates' own markup is written as it is. Not thread-safe: one per rendering.
 */
public final class HtmlOutput implements HtmlTemplateOutput {
  private final TemplateOutput out;

  private HtmlOutput(TemplateOutput out) {
    this.out = out;
  }

  /** A new output collecting into a string. */
  public static HtmlOutput toText() {
    return new HtmlOutput(new StringOutput());
  }

  @Override
  public void setContext(String tagName, String attributeName) {
    // one rule everywhere: the escaping below is safe in element text and in quoted attribute values
  }

  @Override
  public void writeContent(String value) {
    out.writeContent(value);
  }

  @Override
  public void writeContent(String value, int beginIndex, int endIndex) {
    out.writeContent(value, beginIndex, endIndex);
  }

  @Override
  public void writeUserContent(String value) {
    if (value == null) {
      return;
    }
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      String entity = switch (value.charAt(i)) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> null;
      };
      if (entity != null) {
        out.writeContent(value, start, i);
        out.writeContent(entity);
        start = i + 1;
      }
    }
    out.writeContent(value, start, value.length());
  }

  @Override
  public void writeUserContent(Content content) {
    if (content != null) {
      content.writeTo(this);
    }
  }

  /** What was written so far. */
  @Override
  public String toString() {
    return Objects.toString(out);
  }
}
