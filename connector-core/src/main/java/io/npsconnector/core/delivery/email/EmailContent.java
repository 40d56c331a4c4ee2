package io.npsconnector.core.delivery.email;

import io.npsconnector.config.TemplateConfig;
import io.npsconnector.core.delivery.Delivery;
import io.npsconnector.core.delivery.SurveyLinks;
import io.npsconnector.core.delivery.SurveyTexts;
import io.npsconnector.core.render.HtmlOutput;
import gg.jte.output.StringOutput;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The subject, plain text and HTML of one survey mail, rendered by the templates {@code mail.txt.jte} (values as
 * they are) and {@code mail.html.jte} (every value HTML-escaped by {@link HtmlOutput}); both with CRLF line ends.
 * The HTML uses nested tables and inline styles only (no style sheets, images or scripts), which mail clients
 * render alike.
 *
 * @param languageTag the language of the template texts used, such as {@code de} or {@code pt-BR}
 * @param scoreLinks the survey page with score 0..10 chosen, in order
 */
record EmailContent(
    String languageTag, String subject, String text, String html, List<URI> scoreLinks, URI unsubscribe) {

  static final String FALLBACK_LANGUAGE = "en";
  private static final String CRLF = "\r\n";
  private static final Pattern LINE_END = Pattern.compile("\\R");

  /**
   * Renders {@code delivery} in the contact's language (English when the contact has none).
   *
   * @param template the delivery's template, with at least one language
   */
  static EmailContent render(TemplateConfig template, Delivery delivery, String company, SurveyLinks links) {
    Locale locale = delivery.contact().locale().orElse(Locale.forLanguageTag(FALLBACK_LANGUAGE));
    String tag = languageTag(template, locale);
    EmailLabels labels = EmailLabels.of(tag);
    TemplateConfig.Texts texts = SurveyTexts.fill(template.locales().get(tag), company,
        delivery.contact().firstName().orElse(""));

    String subject = SurveyTexts.oneLine(texts.subject());
    if (delivery.kind() == Delivery.Kind.REMINDER) {
      subject = labels.reminderPrefix() + subject;
    }

    long invitationId = delivery.invitationId();
    Instant expiresAt = delivery.expiresAt();
    List<URI> scoreLinks = new ArrayList<>(11);
    for (int score = 0; score <= 10; score++) {
      scoreLinks.add(links.survey(invitationId, expiresAt, score));
    }
    URI unsubscribe = links.unsubscribe(invitationId, expiresAt);

    MailView view = new MailView(tag, subject, texts.intro(), texts.question(), labels, List.copyOf(scoreLinks),
        unsubscribe);
    StringOutput text = new StringOutput();
    JtemailtxtGenerated.render(text, null, view);
    HtmlOutput html = HtmlOutput.toText();
    JtemailhtmlGenerated.render(html, null, view);
    return new EmailContent(tag, subject, crlf(text.toString()), crlf(html.toString()), view.scoreLinks(),
        unsubscribe);
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

  /** Mail lines end in CRLF (RFC 5322), whatever the template files and texts use. */
  private static String crlf(String text) {
    return LINE_END.matcher(text).replaceAll(CRLF);
  }
}
