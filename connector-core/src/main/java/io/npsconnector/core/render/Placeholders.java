package io.npsconnector.core.render;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills the {@code {name}} placeholders of an admin's text (survey texts, task subjects) in one pass: each
 * placeholder is replaced by its value as it is, and a value is never searched for placeholders again, so a
 * first name such as {@code {comment}} or {@code {{score}}} comes out literally. Placeholders without a value
 * stay as written (the configuration refuses unknown ones). The result is plain text: an HTML template escapes
 * it when it writes it.
 */
public final class Placeholders {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

  private Placeholders() {}

  /** {@code text} with every {@code {name}} of {@code values} replaced by its value. */
  public static String fill(String text, Map<String, String> values) {
    Matcher matcher = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder(text.length() + 32);
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      matcher.appendReplacement(out, Matcher.quoteReplacement(value == null ? matcher.group() : value));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
