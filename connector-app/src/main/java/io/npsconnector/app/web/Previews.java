package io.npsconnector.app.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.config.Suggestions;
import io.npsconnector.config.TemplateConfig;
import io.npsconnector.config.TriggerConfig;
import io.npsconnector.core.delivery.Delivery;
import io.npsconnector.core.delivery.DeliveryException;
import io.npsconnector.core.delivery.DeliveryReceipt;
import io.npsconnector.core.delivery.MailLinks;
import io.npsconnector.core.delivery.SurveyLinks;
import io.npsconnector.core.delivery.SurveyTexts;
import io.npsconnector.core.delivery.email.EmailChannel;
import io.npsconnector.core.model.Contact;

/**
 * A trigger's invitation as one contact would get it, without inviting anyone: the mail (subject, HTML, text and
 * the whole {@code .eml}), the survey page and the thank-you page, in the brand's look; and the same mail sent for
 * real as a test ({@link #sendTest}). The links in both lead to the test survey page ({@link TestLinks}), which
 * stores nothing; nothing here writes to the store, so a preview or test mail is never an invitation, never counted
 * in reports, fatigue or the send log. Used by {@code preview}, {@code send-test} and the dashboard's preview page.
 */
public final class Previews {
  /** The contact of a preview for which no stored contact is named. */
  static final String SAMPLE_ID = "sample";
  private static final int SAMPLE_SCORE = 9;

  private final NpsConfig config;
  private final TestLinks testLinks;
  private final SurveyLinks links;
  private final Clock clock;

  public Previews(NpsConfig config, SurveyLinks links, Clock clock) {
    this.config = config;
    this.links = links;
    this.testLinks = new TestLinks(config.server().publicUrl(), links.tokens(), clock);
    this.clock = clock;
  }

  /** Why a preview cannot be made: the message names the trigger, contact or language at fault. */
  public static final class PreviewException extends RuntimeException {
    PreviewException(String message) {
      super(message);
    }
  }

  /**
   * What to preview.
   *
   * @param connection with {@code contact}: the contact's connection; without: empty (the trigger's first)
   * @param contact a stored contact; empty for a sample contact
   * @param languageTag overrides the contact's language; must be one of the template's
   */
  public record Request(String trigger, Optional<String> connection, Optional<Contact> contact,
      Optional<String> languageTag) {}

  /**
   * One preview.
   *
   * @param languageTag the language the texts are in
   * @param sample whether the contact is the sample contact (no stored contact was named)
   */
  public record Preview(TriggerConfig trigger, String connection, Contact contact, String languageTag,
      boolean sample, EmailChannel.RenderedMail mail, String surveyPage, String thanksPage) {}

  /** The languages of a trigger's template, in the file's order (empty for an unknown trigger). */
  public List<String> languages(String trigger) {
    return config.triggers().stream().filter(found -> found.name().equals(trigger)).findFirst()
        .map(found -> List.copyOf(template(found).locales().keySet())).orElse(List.of());
  }

  /**
   * Renders the request.
   *
   * @param assets where the pages find their style sheets: {@code /assets/} on the server, {@code assets/} in files
   * @throws PreviewException for an unknown trigger or language, a contact of another connection, a trigger
   *     that does not send e-mail
   */
  public Preview render(Request request, String assets) {
    Resolved resolved = resolve(request);
    Contact contact = resolved.delivery().contact();
    if (contact.email().isEmpty()) {
      throw new PreviewException("contact " + resolved.delivery().connection() + ":" + contact.crmId()
          + " has no e-mail address, so it would get no mail; send a test to an address instead (send-test --to)");
    }
    EmailChannel.RenderedMail mail;
    try {
      mail = resolved.channel().render(resolved.delivery(), resolved.links(), false, Optional.empty());
    } catch (DeliveryException e) {
      throw new PreviewException(e.getMessage());
    }
    PageLook look = PageLook.of(config.branding(), config.company()).withAssets(assets);
    Locale locale = resolved.locale();
    TemplateConfig.Texts texts = SurveyTexts.fill(template(resolved.trigger()).texts(locale), config.company(),
        contact.firstName().orElse(""));
    UiText ui = UiText.of(locale);
    String lang = UiText.languageTag(locale);
    String survey = resolved.links().scores().get(0).toString().replaceFirst("\\?score=0$", "");
    String surveyPage = SurveyPages.survey(new SurveyPages.Form(survey, "", config.company(), texts, ui, lang,
        Optional.empty(), "", SurveyServer.MAX_COMMENT, false, Optional.empty(),
        resolved.links().unsubscribe().toString(), texts.followUp(), Optional.empty(), Optional.empty()), look);
    Optional<java.net.URI> promoterLink = SurveyPages.category(SAMPLE_SCORE).equals("promoter")
        ? resolved.trigger().promoterLink().or(() -> template(resolved.trigger()).promoterLink())
        : Optional.empty();
    String thanksPage = SurveyPages.thanks(lang, config.company(), texts, ui, SAMPLE_SCORE, Optional.empty(), survey,
        promoterLink, look);
    return new Preview(resolved.trigger(), resolved.delivery().connection(), contact, mail.languageTag(),
        request.contact().isEmpty(), mail, surveyPage, thanksPage);
  }

  /**
   * Sends the request's mail to {@code to} as a test ({@link EmailChannel#sendTest}): nothing is stored or counted.
   *
   * @throws PreviewException as {@link #render}, and when {@code to} is not one address or the send failed
   */
  public DeliveryReceipt sendTest(Request request, String to) {
    EmailChannel.addressProblem(to).ifPresent(problem -> {
      throw new PreviewException(problem);
    });
    Resolved resolved = resolve(request);
    try (EmailChannel channel = resolved.channel()) { // closes the connection the test mail opened
      return channel.sendTest(resolved.delivery(), resolved.links(), to);
    } catch (DeliveryException e) {
      throw new PreviewException(e.getMessage());
    }
  }

  /** The trigger, channel, contact in its language, delivery and test links a request names. */
  private record Resolved(TriggerConfig trigger, EmailChannel channel, Locale locale, Delivery delivery,
      MailLinks links) {}

  private Resolved resolve(Request request) {
    TriggerConfig trigger = trigger(request.trigger());
    EmailChannel channel = channel(trigger);
    String connection = connection(trigger, request.connection());
    Contact stored = request.contact().orElseGet(() -> Contact.builder(SAMPLE_ID, clock.instant())
        .email("alex.sample@example.com").firstName("Alex").lastName("Sample").build());
    TemplateConfig template = template(trigger);
    Locale locale = request.languageTag().map(tag -> language(template, tag))
        .orElseGet(() -> stored.locale().orElse(config.connection(connection).map(ConnectionConfig::locale)
            .orElse(Locale.ENGLISH)));
    Contact contact = withLocale(stored, locale);
    Delivery delivery = new Delivery(0, "preview-" + trigger.name(), Delivery.Kind.INVITATION, connection,
        trigger.name(), trigger.template(), contact, clock.instant().plus(config.invitationExpiry()));
    return new Resolved(trigger, channel, locale, delivery, testLinks.mailLinks(trigger.name(),
        locale.toLanguageTag()));
  }

  /**
   * Writes the preview into {@code dir} (created if needed): {@code TRIGGER-LANG-mail.html}, {@code -mail.txt},
   * {@code -mail.eml}, {@code -survey.html}, {@code -thanks.html}, and the pages' style sheets under {@code assets/}
   * ({@code brand.css} with branding).
   *
   * @return the files written, the mail and pages first
   */
  public List<Path> write(Preview preview, Path dir) throws IOException {
    Files.createDirectories(dir.resolve("assets"));
    String prefix = preview.trigger().name() + "-" + preview.languageTag() + "-";
    List<Path> written = new ArrayList<>();
    written.add(Files.writeString(dir.resolve(prefix + "mail.html"), preview.mail().html(), StandardCharsets.UTF_8));
    written.add(Files.writeString(dir.resolve(prefix + "mail.txt"), preview.mail().text(), StandardCharsets.UTF_8));
    written.add(Files.write(dir.resolve(prefix + "mail.eml"), preview.mail().eml()));
    written.add(Files.writeString(dir.resolve(prefix + "survey.html"), preview.surveyPage(), StandardCharsets.UTF_8));
    written.add(Files.writeString(dir.resolve(prefix + "thanks.html"), preview.thanksPage(), StandardCharsets.UTF_8));
    written.add(Files.write(dir.resolve("assets/survey.css"), resource("survey.css")));
    written.add(Files.write(dir.resolve("assets/favicon.svg"), resource("favicon.svg")));
    PageLook look = PageLook.of(config.branding(), config.company());
    if (look.branded()) {
      written.add(Files.writeString(dir.resolve("assets/brand.css"), look.css(), StandardCharsets.UTF_8));
    }
    return written;
  }

  private TriggerConfig trigger(String name) {
    List<String> names = config.triggers().stream().map(TriggerConfig::name).toList();
    return config.triggers().stream().filter(trigger -> trigger.name().equals(name)).findFirst()
        .orElseThrow(() -> new PreviewException("no trigger is named '" + name + "'"
            + Suggestions.didYouMean(name, names)
            + (names.isEmpty() ? "; the configuration has no triggers" : "; triggers: " + String.join(", ", names))));
  }

  private EmailChannel channel(TriggerConfig trigger) {
    if (!trigger.channel().equals(EmailChannel.ID) || config.email().isEmpty()) {
      throw new PreviewException("trigger '" + trigger.name() + "' sends through the " + trigger.channel()
          + " channel; previews and test mails are of the e-mail channel's mail");
    }
    return EmailChannel.create(config, links, clock);
  }

  /** The named connection, which the trigger must survey; else the trigger's first (every connection's first). */
  private String connection(TriggerConfig trigger, Optional<String> named) {
    List<String> surveyed = trigger.connections().isEmpty()
        ? config.connections().stream().map(ConnectionConfig::name).toList() : trigger.connections();
    if (named.isEmpty()) {
      return surveyed.get(0);
    }
    if (!surveyed.contains(named.get())) {
      throw new PreviewException("trigger '" + trigger.name() + "' surveys contacts of "
          + String.join(", ", surveyed) + ", not of '" + named.get() + "'");
    }
    return named.get();
  }

  private TemplateConfig template(TriggerConfig trigger) {
    return config.templates().getOrDefault(trigger.template(), config.templates().get(TriggerConfig.DEFAULT_TEMPLATE));
  }

  /** The template's language {@code tag} names (any case); a failure listing the template's languages otherwise. */
  private static Locale language(TemplateConfig template, String tag) {
    List<String> tags = List.copyOf(template.locales().keySet());
    String languages = "; template '" + template.name() + "' has " + String.join(", ", tags);
    Locale locale;
    try {
      locale = new Locale.Builder().setLanguageTag(tag.strip()).build();
    } catch (IllformedLocaleException e) {
      throw new PreviewException("'" + tag + "' is not a language tag (such as de or pt-BR)" + languages);
    }
    return tags.stream().filter(known -> known.equalsIgnoreCase(locale.toLanguageTag())).findFirst()
        .map(Locale::forLanguageTag)
        .orElseThrow(() -> new PreviewException("template '" + template.name() + "' has no texts in '" + tag + "'"
            + Suggestions.didYouMean(tag, tags) + languages));
  }

  private static Contact withLocale(Contact contact, Locale locale) {
    return new Contact(contact.crmId(), contact.email(), contact.firstName(), contact.lastName(), contact.phone(),
        Optional.of(locale), contact.timeZone(), contact.emailOptOut(), contact.ownerId(), contact.accountId(),
        contact.accountName(), contact.segments(), contact.modifiedAt(), contact.deleted());
  }

  private static byte[] resource(String name) {
    try (InputStream in = Previews.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
