package io.npsconnector.hubspot;

import io.npsconnector.core.render.HtmlOutput;
import java.util.List;

/**
 * The engine's plain text as the HTML that HubSpot's notes and task bodies hold, rendered by the templates
 * {@code lines.jte} and {@code note.jte}: every value escaped by {@link HtmlOutput}, line breaks as {@code <br>}.
 */
final class HubSpotRichText {
  private HubSpotRichText() {}

  /** A task body: the text, escaped, its lines joined by {@code <br>}. */
  static String of(String text) {
    HtmlOutput out = HtmlOutput.toText();
    JtelinesGenerated.render(out, null, lines(text));
    return out.toString();
  }

  /** A note body: the subject in bold, then the body. */
  static String note(String subject, String body) {
    HtmlOutput out = HtmlOutput.toText();
    JtenoteGenerated.render(out, null, lines(subject), lines(body));
    return out.toString();
  }

  /** A CR LF pair is one break; a CR alone is dropped. */
  private static List<String> lines(String text) {
    return List.of(text.replace("\r", "").split("\n", -1));
  }
}
