package io.npsconnector.app.web;

/** HTML escaping and the frame every page shares: no script, one stylesheet of our own. */
final class Html {
  private Html() {}

  /** Text as HTML text or attribute value: {@code & < > " '} escaped. */
  static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }

  /** A whole page; {@code body} is HTML already escaped where it holds values. */
  static String page(String lang, String title, String body) {
    return "<!doctype html>\n<html lang=\"" + escape(lang) + "\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
        + "<title>" + escape(title) + "</title>\n"
        + "<link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\">\n"
        + "<link rel=\"stylesheet\" href=\"/assets/survey.css\">\n</head>\n"
        + "<body>\n<main class=\"card\">\n" + body + "\n</main>\n</body>\n</html>\n";
  }

  /** A page that only says something, such as an error. */
  static String message(String lang, String title, String heading, String text) {
    return page(lang, title, "<h1>" + escape(heading) + "</h1>\n<p class=\"message\" role=\"status\">"
        + escape(text) + "</p>");
  }
}
