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
 * @param promoterLink a review or referral page offered to promoters on the thank-you page
 */
public record TemplateConfig(String name, Map<String, Texts> locales, Optional<java.net.URI> promoterLink) {
  static final List<String> PLACEHOLDERS = List.of("company", "first_name");
  static final String FALLBACK_LOCALE = "en";
  /** The template key of the promoter link (a template's other keys are language tags). */
  static final String PROMOTER_LINK = "promoter-link";
  /** The answer categories a follow-up question is asked for. */
  public static final List<String> CATEGORIES = List.of("promoter", "passive", "detractor");

  public TemplateConfig {
    locales = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(locales));
  }

  public TemplateConfig(String name, Map<String, Texts> locales) {
    this(name, locales, Optional.empty());
  }

  /**
   * The texts of one language.
   *
   * @param question the 0-10 question; {company} is the company's name
   * @param followUp the question over the comment box, by the category of the score
   * @param promoterLinkText the words of the promoter link on the thank-you page
   */
  public record Texts(String subject, String intro, String question, String thankYou, FollowUp followUp,
      String promoterLinkText) {}

  /** The follow-up question asked after the score, one per category. */
  public record FollowUp(String promoter, String passive, String detractor) {
    /** The question for {@code category} ({@code promoter}, {@code passive} or {@code detractor}). */
    public String of(String category) {
      return switch (category) {
        case "promoter" -> promoter;
        case "passive" -> passive;
        case "detractor" -> detractor;
        default -> throw new IllegalArgumentException("no category " + category);
      };
    }
  }

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
    return read(name, template, base, false);
  }

  /** @param changesBuiltin whether it changes a built-in template (which has its languages already) */
  static TemplateConfig read(String name, Section template, Map<String, Texts> base, boolean changesBuiltin) {
    Map<String, Texts> locales = new LinkedHashMap<>();
    Optional<java.net.URI> promoterLink = template.parsed(PROMOTER_LINK, Urls::promoterLink);
    for (String tag : template.keys()) {
      if (tag.equals(PROMOTER_LINK)) {
        continue;
      }
      if (ConnectionConfig.locale(tag).error() != null) {
        template.problem(tag, "must be a language tag such as en, de or pt-BR, got '" + tag + "'");
        continue;
      }
      Section texts = template.section(tag);
      Optional<Texts> fallback = Optional.ofNullable(base.get(tag));
      // a language the built-in template does not speak reads the page's words in English, and so its prompts
      Optional<Texts> pageFallback = fallback.or(() -> Optional.ofNullable(base.get(FALLBACK_LOCALE)));
      String subject = text(texts, "subject", fallback.map(Texts::subject));
      String intro = text(texts, "intro", fallback.map(Texts::intro));
      String question = text(texts, "question", fallback.map(Texts::question));
      String thankYou = text(texts, "thank-you", fallback.map(Texts::thankYou));
      Section prompts = texts.section("follow-up");
      Optional<FollowUp> baseFollowUp = pageFallback.map(Texts::followUp);
      FollowUp followUp = new FollowUp(text(prompts, "promoter", baseFollowUp.map(FollowUp::promoter)),
          text(prompts, "passive", baseFollowUp.map(FollowUp::passive)),
          text(prompts, "detractor", baseFollowUp.map(FollowUp::detractor)));
      prompts.finish();
      String linkText = text(texts, "promoter-link-text", pageFallback.map(Texts::promoterLinkText));
      locales.put(tag, new Texts(subject, intro, question, thankYou, followUp, linkText));
      texts.finish();
    }
    if (locales.isEmpty() && !changesBuiltin) {
      template.problem("must define at least one language, such as en");
    }
    return new TemplateConfig(name, locales, promoterLink);
  }

  private static String text(Section texts, String key, Optional<String> fallback) {
    Optional<String> text = texts.has(key) || fallback.isEmpty() ? texts.requiredText(key) : fallback;
    text.ifPresent(value -> Placeholders.check(texts, key, value, PLACEHOLDERS));
    return text.orElse("");
  }
}
