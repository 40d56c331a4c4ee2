package io.npsconnector.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A survey's texts in every language it speaks. The built-in template {@code standard} speaks en, de,
 * fr, es and pt-BR; a file may change any of its texts or add templates of its own.
 *
 * @param locales language tag ({@code en}, {@code pt-BR}) to texts, in file order
 */
public record TemplateConfig(String name, Map<String, Texts> locales) {
  static final List<String> PLACEHOLDERS = List.of("company", "first_name");
  static final String FALLBACK_LOCALE = "en";

  public TemplateConfig {
    locales = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(locales));
  }

  /**
   * The texts of one language.
   *
   * @param question the 0-10 question; {company} is the company's name
   */
  public record Texts(String subject, String intro, String question, String thankYou) {}

  /** The texts for {@code locale}: the exact tag, then its language, then English, then the first. */
  public Texts texts(Locale locale) {
    String tag = locale.toLanguageTag();
    return Optional.ofNullable(locales.get(tag))
        .or(() -> locales.entrySet().stream()
            .filter(entry -> Locale.forLanguageTag(entry.getKey()).getLanguage().equals(locale.getLanguage()))
            .map(Map.Entry::getValue).findFirst())
        .or(() -> Optional.ofNullable(locales.get(FALLBACK_LOCALE)))
        .orElseGet(() -> locales.values().iterator().next());
  }

  /** Reads one template; missing texts come from {@code base} (the built-in of the same language). */
  static TemplateConfig read(String name, Section template, Map<String, Texts> base) {
    Map<String, Texts> locales = new LinkedHashMap<>();
    for (String tag : template.keys()) {
      if (ConnectionConfig.locale(tag).error() != null) {
        template.problem(tag, "must be a language tag such as en, de or pt-BR, got '" + tag + "'");
        continue;
      }
      Section texts = template.section(tag);
      Optional<Texts> fallback = Optional.ofNullable(base.get(tag));
      locales.put(tag, new Texts(
          text(texts, "subject", fallback.map(Texts::subject)),
          text(texts, "intro", fallback.map(Texts::intro)),
          text(texts, "question", fallback.map(Texts::question)),
          text(texts, "thank-you", fallback.map(Texts::thankYou))));
      texts.finish();
    }
    if (locales.isEmpty()) {
      template.problem("must define at least one language, such as en");
    }
    return new TemplateConfig(name, locales);
  }

  private static String text(Section texts, String key, Optional<String> fallback) {
    Optional<String> text = texts.has(key) || fallback.isEmpty() ? texts.requiredText(key) : fallback;
    text.ifPresent(value -> Placeholders.check(texts, key, value, PLACEHOLDERS));
    return text.orElse("");
  }
}
