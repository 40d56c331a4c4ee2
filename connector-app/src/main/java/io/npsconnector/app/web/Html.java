package io.npsconnector.app.web;

import io.npsconnector.core.render.HtmlOutput;

/**
 * The page that only says something, such as an error, in the frame every page shares ({@code web/page.jte}: no
 * script, our own stylesheet), rendered by {@code web/message.jte}; every value is escaped by {@link HtmlOutput}.
 */
final class Html {
  private Html() {}

  static String message(String lang, String title, String heading, String text) {
    return message(lang, title, heading, text, PageLook.PLAIN);
  }

  static String message(String lang, String title, String heading, String text, PageLook look) {
    HtmlOutput out = HtmlOutput.toText();
    JtemessageGenerated.render(out, null, lang, title, heading, text, look);
    return out.toString();
  }
}
