package io.npsconnector.core.delivery.email;

import io.npsconnector.config.TemplateConfig;
import io.npsconnector.core.delivery.Delivery;
import io.npsconnector.core.delivery.SurveyLinks;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subject, plain text and HTML of one survey mail. The HTML uses nested tables and inline styles only (no
 * style sheets, images or scripts), which mail clients render alike; every value in it is HTML-escaped.
 *
 * @param languageTag the language of the template texts used, such as {@code de} or {@code pt-BR}
 * @param scoreLinks the survey page with score 0..10 chosen, in order
 */
record EmailContent(
    String languageTag, String subject, String text, String html, List<URI> scoreLinks, URI unsubscribe) {

  static final String FALLBACK_LANGUAGE = "en";
  private static final String CRLF = "\r\n";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(company|first_name)\\}");
  /** "{first_name}, thanks ..." without a name: drop the name and its punctuation. */
  private static final Pattern LEADING_NAME = Pattern.compile("^\\s*\\{first_name\\}[\\s,;:]*");
  /** "Hi {first_name}, ..." without a name: drop the name and the space before it, giving "Hi, ...". */
  private static final Pattern SPACED_NAME = Pattern.compile("[ \\t\\u00A0]*\\{first_name\\}");
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029]+");

  private static final String FONT = "font-family:Arial,Helvetica,sans-serif;";
  private static final String TEXT_COLOR = "color:#1f2937;";
  private static final String MUTED_COLOR = "color:#6b7280;";

  /**
   * Renders {@code delivery} in the contact's language (English when the contact has none).
   *
   * @param template the delivery's template, with at least one language
   */
  static EmailContent render(TemplateConfig template, Delivery delivery, String company, SurveyLinks links) {
    Locale locale = delivery.contact().locale().orElse(Locale.forLanguageTag(FALLBACK_LANGUAGE));
    String tag = languageTag(template, locale);
    TemplateConfig.Texts texts = template.locales().get(tag);
    EmailLabels labels = EmailLabels.of(tag);
    String companyName = clean(company);
    String firstName = clean(delivery.contact().firstName().orElse(""));

    String subject = oneLine(fill(texts.subject(), companyName, firstName));
    if (delivery.kind() == Delivery.Kind.REMINDER) {
      subject = labels.reminderPrefix() + subject;
    }
    String intro = fill(texts.intro(), companyName, firstName);
    String question = fill(texts.question(), companyName, firstName);

    long invitationId = delivery.invitationId();
    Instant expiresAt = delivery.expiresAt();
    List<URI> scoreLinks = new ArrayList<>(11);
    for (int score = 0; score <= 10; score++) {
      scoreLinks.add(links.survey(invitationId, expiresAt, score));
    }
    URI unsubscribe = links.unsubscribe(invitationId, expiresAt);

    String text = text(intro, question, labels, scoreLinks, unsubscribe);
    String html = html(tag, subject, intro, question, labels, scoreLinks, unsubscribe);
    return new EmailContent(tag, subject, text, html, List.copyOf(scoreLinks), unsubscribe);
  }

  /**
   * The language {@link TemplateConfig#texts(Locale)} picks for {@code locale}: the exact tag, then its language,
   * then English, then the first.
   */
  static String languageTag(TemplateConfig template, Locale locale) {
    Map<String, TemplateConfig.Texts> locales = template.locales();
    String tag = locale.toLanguageTag();
    if (locales.containsKey(tag)) {
      return tag;
    }
    for (String key : locales.keySet()) {
      if (Locale.forLanguageTag(key).getLanguage().equals(locale.getLanguage())) {
        return key;
      }
    }
    return locales.containsKey(FALLBACK_LANGUAGE) ? FALLBACK_LANGUAGE : locales.keySet().iterator().next();
  }

  /**
   * {@code text} with {company} and {first_name} replaced in one pass (a name containing "{company}" stays as it
   * is). Without a first name the greeting still reads well: "Hi {first_name}, ..." becomes "Hi, ...".
   */
  static String fill(String text, String company, String firstName) {
    String source = text;
    if (firstName.isEmpty()) {
      source = LEADING_NAME.matcher(source).replaceFirst("");
      source = SPACED_NAME.matcher(source).replaceAll("");
    }
    Matcher matcher = PLACEHOLDER.matcher(source);
    StringBuilder out = new StringBuilder(source.length() + 32);
    while (matcher.find()) {
      String value = matcher.group(1).equals("company") ? company : firstName;
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /** A value for a text: control characters (line breaks in a CRM field) become one space. */
  private static String clean(String value) {
    return value == null ? "" : CONTROL.matcher(value).replaceAll(" ").strip();
  }

  private static String oneLine(String value) {
    return CONTROL.matcher(value).replaceAll(" ").strip();
  }

  private static String text(
      String intro, String question, EmailLabels labels, List<URI> scoreLinks, URI unsubscribe) {
    StringBuilder out = new StringBuilder(2048);
    out.append(crlf(intro)).append(CRLF).append(CRLF);
    out.append(crlf(question)).append(CRLF).append(CRLF);
    out.append("0 = ").append(labels.notLikely()).append(", 10 = ").append(labels.extremelyLikely())
        .append(CRLF).append(CRLF);
    for (int score = 0; score < scoreLinks.size(); score++) {
      out.append(score).append(": ").append(scoreLinks.get(score)).append(CRLF);
    }
    out.append(CRLF).append("-- ").append(CRLF);
    out.append(labels.unsubscribeQuestion()).append(' ').append(labels.unsubscribe()).append(labels.colon())
        .append(unsubscribe).append(CRLF);
    return out.toString();
  }

  private static String crlf(String text) {
    return text.replaceAll("\\R", CRLF);
  }

  private static String html(String tag, String subject, String intro, String question, EmailLabels labels,
      List<URI> scoreLinks, URI unsubscribe) {
    StringBuilder out = new StringBuilder(8192);
    out.append("<!DOCTYPE html>").append(CRLF)
        .append("<html lang=\"").append(escape(tag)).append("\" dir=\"ltr\">").append(CRLF)
        .append("<head>").append(CRLF)
        .append("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">").append(CRLF)
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">").append(CRLF)
        .append("<title>").append(escape(subject)).append("</title>").append(CRLF)
        .append("</head>").append(CRLF)
        .append("<body style=\"margin:0;padding:0;background-color:#f3f4f6;\">").append(CRLF)
        .append(table("width=\"100%\"", "background-color:#f3f4f6;")).append(CRLF)
        .append("<tr><td align=\"center\" style=\"padding:24px 12px;\">").append(CRLF)
        .append(table("width=\"600\"", "width:100%;max-width:600px;background-color:#ffffff;border-radius:6px;"))
        .append(CRLF);

    out.append("<tr><td style=\"padding:32px 24px 8px 24px;").append(FONT).append(TEXT_COLOR)
        .append("font-size:16px;line-height:24px;\">").append(escapeLines(intro)).append("</td></tr>").append(CRLF);
    out.append("<tr><td style=\"padding:8px 24px 16px 24px;").append(FONT).append(TEXT_COLOR)
        .append("font-size:18px;line-height:26px;font-weight:bold;\">").append(escapeLines(question))
        .append("</td></tr>").append(CRLF);

    out.append("<tr><td style=\"padding:0 22px 4px 22px;\">").append(CRLF)
        .append(table("width=\"100%\"", "table-layout:fixed;")).append(CRLF).append("<tr>").append(CRLF);
    for (int score = 0; score < scoreLinks.size(); score++) {
      String label = score == 0 ? score + " - " + labels.notLikely()
          : score == 10 ? score + " - " + labels.extremelyLikely() : Integer.toString(score);
      out.append("<td align=\"center\" width=\"9%\" style=\"padding:0 2px;\">")
          .append("<a href=\"").append(escape(scoreLinks.get(score).toString())).append("\" title=\"")
          .append(escape(label)).append("\" style=\"display:block;padding:10px 0;border:1px solid #d1d5db;")
          .append("border-radius:4px;background-color:#f9fafb;").append(FONT)
          .append("font-size:16px;line-height:20px;font-weight:bold;color:#111827;text-decoration:none;")
          .append("text-align:center;\">").append(score).append("</a></td>").append(CRLF);
    }
    out.append("</tr>").append(CRLF).append("</table>").append(CRLF).append("</td></tr>").append(CRLF);

    out.append("<tr><td style=\"padding:0 24px 24px 24px;\">").append(CRLF)
        .append(table("width=\"100%\"", "")).append(CRLF).append("<tr>")
        .append("<td align=\"left\" width=\"50%\" style=\"").append(FONT).append(MUTED_COLOR)
        .append("font-size:12px;line-height:16px;text-align:left;\">").append(escape(labels.notLikely()))
        .append("</td>")
        .append("<td align=\"right\" width=\"50%\" style=\"").append(FONT).append(MUTED_COLOR)
        .append("font-size:12px;line-height:16px;text-align:right;\">").append(escape(labels.extremelyLikely()))
        .append("</td></tr>").append(CRLF).append("</table>").append(CRLF).append("</td></tr>").append(CRLF);

    out.append("<tr><td style=\"padding:16px 24px 24px 24px;border-top:1px solid #e5e7eb;").append(FONT)
        .append(MUTED_COLOR).append("font-size:12px;line-height:18px;\">")
        .append(escape(labels.unsubscribeQuestion())).append(' ')
        .append("<a href=\"").append(escape(unsubscribe.toString()))
        .append("\" style=\"color:#6b7280;text-decoration:underline;\">").append(escape(labels.unsubscribe()))
        .append("</a></td></tr>").append(CRLF);

    out.append("</table>").append(CRLF)
        .append("</td></tr>").append(CRLF)
        .append("</table>").append(CRLF)
        .append("</body>").append(CRLF)
        .append("</html>").append(CRLF);
    return out.toString();
  }

  private static String table(String width, String style) {
    return "<table role=\"presentation\" " + width + " cellpadding=\"0\" cellspacing=\"0\" border=\"0\""
        + (style.isEmpty() ? "" : " style=\"" + style + "\"") + ">";
  }

  /** {@code text} escaped for HTML, its line breaks as {@code <br>}. */
  private static String escapeLines(String text) {
    return String.join("<br>" + CRLF, escape(text).split("\\R", -1));
  }

  /** {@code value} escaped for HTML text and double- or single-quoted attributes. */
  static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length() + 16);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
