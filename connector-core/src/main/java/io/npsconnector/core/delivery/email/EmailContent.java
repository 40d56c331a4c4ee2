package io.npsconnector.core.delivery.email;

import io.npsconnector.config.BrandingConfig;
import io.npsconnector.config.TemplateConfig;
import io.npsconnector.core.delivery.Delivery;
import io.npsconnector.core.delivery.MailLinks;
import io.npsconnector.core.delivery.SurveyLinks;
import io.npsconnector.core.delivery.SurveyTexts;
import io.npsconnector.core.render.HtmlOutput;
import gg.jte.output.StringOutput;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The subject, plain text and HTML of one survey mail, rendered by the templates {@code mail.txt.jte} (values as
 * they are) and {@code mail.html.jte} (every value HTML-escaped by {@link HtmlOutput}); both with CRLF line ends.
 * The HTML uses nested tables and inline styles only (no style sheets or scripts; the one image is the configured
 * logo), which mail clients render alike. A test mail ({@link #TEST_PREFIX}) says so above its texts.
 *
 * @param languageTag the language of the template texts used, such as {@code de} or {@code pt-BR}
 * @param scoreLinks the survey page with score 0..10 chosen, in order
 */
record EmailContent(
    String languageTag, String subject, String text, String html, List<URI> scoreLinks, URI unsubscribe) {

  static final String FALLBACK_LANGUAGE = "en";
  /** Before a test mail's subject. */
  public static final String TEST_PREFIX = "[TEST] ";
  static final String TEST_NOTICE = "This is a test of the survey mail. It is not counted anywhere, and its links "
      + "open a test page that stores no answer.";
  private static final String CRLF = "\r\n";
  private static final Pattern LINE_END = Pattern.compile("\\R");

  /**
   * Renders {@code delivery} in the contact's language (English when the contact has none).
   *
   * @param template the delivery's template, with at least one language
   */
  static EmailContent render(TemplateConfig template, Delivery delivery, String company, SurveyLinks links) {
    return render(template, delivery, company, MailLinks.of(links, delivery.invitationId(), delivery.expiresAt()),
        BrandingConfig.NONE, false);
  }

  /**
   * Renders {@code delivery} with {@code links}, in the brand's look; a {@code test} mail has {@link #TEST_PREFIX}
   * before its subject and a notice above its texts.
   */
  static EmailContent render(TemplateConfig template, Delivery delivery, String company, MailLinks links,
      BrandingConfig branding, boolean test) {
    Locale locale = delivery.contact().locale().orElse(Locale.forLanguageTag(FALLBACK_LANGUAGE));
    String tag = languageTag(template, locale);
    EmailLabels labels = EmailLabels.of(tag);
    TemplateConfig.Texts texts = SurveyTexts.fill(template.locales().get(tag), company,
        delivery.contact().firstName().orElse(""));

    String subject = SurveyTexts.oneLine(texts.subject());
    if (delivery.kind() == Delivery.Kind.REMINDER) {
      subject = labels.reminderPrefix() + subject;
    }
    if (test) {
      subject = TEST_PREFIX + subject;
    }

    MailView view = new MailView(tag, subject, texts.intro(), texts.question(), labels, links.scores(),
        links.unsubscribe(), MailBrand.of(branding, SurveyTexts.oneLine(company)),
        test ? Optional.of(TEST_NOTICE) : Optional.empty());
    StringOutput text = new StringOutput();
    JtemailtxtGenerated.render(text, null, view);
    HtmlOutput html = HtmlOutput.toText();
    JtemailhtmlGenerated.render(html, null, view);
    return new EmailContent(tag, subject, crlf(text.toString()), crlf(html.toString()), view.scoreLinks(),
        links.unsubscribe());
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
