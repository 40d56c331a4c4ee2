package io.npsconnector.core.delivery;

import io.npsconnector.config.TemplateConfig;
import io.npsconnector.core.render.Placeholders;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A survey template's texts for one contact, the same in the mail and on the pages: {@code {company}} and
 * {@code {first_name}} filled in one pass ({@link Placeholders}). Without a first name a greeting still reads
 * well: "Hi {first_name}, ..." becomes "Hi, ..." and "{first_name}, thanks" becomes "thanks". Control characters
 * in the values (line breaks in a CRM field) become one space.
 */
public final class SurveyTexts {
  /** "{first_name}, thanks ..." without a name: drop the name and its punctuation. */
  private static final Pattern LEADING_NAME = Pattern.compile("^\\s*\\{first_name\\}[\\s,;:]*");
  /** "Hi {first_name}, ..." without a name: drop the name and the space before it, giving "Hi, ...". */
  private static final Pattern SPACED_NAME = Pattern.compile("[ \\t\\u00A0]*\\{first_name\\}");
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029]+");

  private SurveyTexts() {}

  /** Every text of {@code texts} filled for the contact. */
  public static TemplateConfig.Texts fill(TemplateConfig.Texts texts, String company, String firstName) {
    TemplateConfig.FollowUp followUp = texts.followUp();
    return new TemplateConfig.Texts(fill(texts.subject(), company, firstName), fill(texts.intro(), company,
        firstName), fill(texts.question(), company, firstName), fill(texts.thankYou(), company, firstName),
        new TemplateConfig.FollowUp(fill(followUp.promoter(), company, firstName),
            fill(followUp.passive(), company, firstName), fill(followUp.detractor(), company, firstName)),
        fill(texts.promoterLinkText(), company, firstName));
  }

  /** {@code text} with the company's and the contact's first name (empty when unknown) filled in. */
  public static String fill(String text, String company, String firstName) {
    String name = oneLine(firstName);
    String source = text;
    if (name.isEmpty()) {
      source = LEADING_NAME.matcher(source).replaceFirst("");
      source = SPACED_NAME.matcher(source).replaceAll("");
    }
    return Placeholders.fill(source, Map.of("company", oneLine(company), "first_name", name));
  }

  /** {@code value} on one line: control characters become one space, the ends trimmed. */
  public static String oneLine(String value) {
    return value == null ? "" : CONTROL.matcher(value).replaceAll(" ").strip();
  }
}
