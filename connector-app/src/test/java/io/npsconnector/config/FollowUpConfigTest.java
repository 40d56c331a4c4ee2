package io.npsconnector.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * The follow-up question by category (template and trigger), the promoter link, and the one-click settings: read
 * with their defaults, and every mistake reported with the path at fault.
 */
class FollowUpConfigTest {
  private static final String MINIMAL = ConfigLoaderTest.MINIMAL;
  private static final String TRIGGER = """
      triggers:
        - name: support
          on: support
      """;

  @Test
  void theBuiltInTemplateAsksAFollowUpPerCategoryInEachOfItsFiveLanguages() {
    NpsConfig config = parse(MINIMAL);
    TemplateConfig standard = config.templates().get("standard");

    for (String tag : List.of("en", "de", "fr", "es", "pt-BR")) {
      TemplateConfig.Texts texts = standard.texts(Locale.forLanguageTag(tag));
      List<String> prompts = TemplateConfig.CATEGORIES.stream().map(texts.followUp()::of).toList();
      assertThat(prompts).as(tag).doesNotContainNull().allSatisfy(prompt -> assertThat(prompt).isNotBlank())
          .doesNotHaveDuplicates();
      assertThat(texts.promoterLinkText()).as(tag).isNotBlank();
    }
    assertThat(standard.texts(Locale.GERMAN).followUp().promoter()).isEqualTo(
        "Was gefällt Ihnen an {company} am besten?");
    assertThat(standard.promoterLink()).isEmpty();
    assertThat(config.server().oneClick()).isTrue();
    assertThat(config.server().oneClickGrace()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void aTemplateAndATriggerSetTheirOwnQuestionsAndPromoterLink() {
    NpsConfig config = parse(MINIMAL.replace("admin-password: ${ADMIN_PASSWORD}\n",
        "admin-password: ${ADMIN_PASSWORD}\n  one-click: false\n  one-click-grace: 30m\n") + """
        templates:
          standard:
            promoter-link: https://reviews.example.com/acme?utm_source=nps
            en:
              follow-up:
                detractor: "What went wrong, {first_name}?"
          it-only:
            it:
              subject: "Ci consiglierebbe?"
              intro: "Ciao"
              question: "Quanto è probabile che consigli {company}?"
              thank-you: "Grazie"
        triggers:
          - name: support
            on: support
            template: it-only
            promoter-link: http://localhost:8080/refer
            follow-up:
              en:
                passive: "What would have made this ticket a 10?"
              pt-BR:
                detractor: "O que deu errado no seu chamado?"
        """);

    TemplateConfig standard = config.templates().get("standard");
    assertThat(standard.promoterLink()).contains(URI.create("https://reviews.example.com/acme?utm_source=nps"));
    assertThat(standard.texts(Locale.ENGLISH).followUp().detractor()).isEqualTo("What went wrong, {first_name}?");
    assertThat(standard.texts(Locale.ENGLISH).followUp().promoter()).as("the built-in one")
        .isEqualTo("What do you like most about {company}?");
    assertThat(standard.texts(Locale.GERMAN).followUp().detractor()).startsWith("Was hat Sie enttäuscht");
    // a language the built-in template does not speak: its page reads English, and so do its prompts
    assertThat(config.templates().get("it-only").texts(Locale.ITALIAN).followUp().promoter())
        .isEqualTo("What do you like most about {company}?");
    TriggerConfig trigger = config.triggers().get(0);
    assertThat(trigger.promoterLink()).contains(URI.create("http://localhost:8080/refer"));
    assertThat(trigger.followUp(Locale.ENGLISH, "passive")).contains("What would have made this ticket a 10?");
    assertThat(trigger.followUp(Locale.ENGLISH, "detractor")).isEmpty();
    assertThat(trigger.followUp(Locale.forLanguageTag("pt-BR"), "detractor")).contains(
        "O que deu errado no seu chamado?");
    assertThat(trigger.followUp(Locale.GERMAN, "passive")).isEmpty();
    assertThat(config.server().oneClick()).isFalse();
    assertThat(config.server().oneClickGrace()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void aPromoterLinkMustBeHttpsButToThisMachine() {
    for (String bad : List.of("http://reviews.example.com/acme", "ftp://reviews.example.com", "reviews.example.com",
        "https:///no-host", "https://exa mple.com")) {
      List<String> problems = problems(MINIMAL + """
          templates:
            standard:
              promoter-link: "%s"
          """.formatted(bad));
      assertThat(problems).as(bad).singleElement().asString().contains("templates.standard.promoter-link: ");
    }
    assertThat(problems(MINIMAL + TRIGGER + "    promoter-link: http://reviews.example.com/acme\n"))
        .containsExactly("test.yaml:17: triggers[0].promoter-link: must use https (plain http only to localhost), got "
            + "'http://reviews.example.com/acme'");
    for (String loopback : List.of("http://127.0.0.1:9/x", "http://localhost/x", "http://[::1]:8080/x")) {
      assertThat(parse(MINIMAL + TRIGGER + "    promoter-link: \"" + loopback + "\"\n").triggers().get(0)
          .promoterLink()).as(loopback).contains(URI.create(loopback));
    }
  }

  @Test
  void mistakesInFollowUpQuestionsNameTheirPath() {
    assertThat(problems(MINIMAL + TRIGGER + """
            follow-up:
              en:
                promotor: "Why?"
        """)).singleElement().asString().startsWith("test.yaml:19: triggers[0].follow-up.en.promotor: unknown key")
        .contains("did you mean 'promoter'");
    assertThat(problems(MINIMAL + TRIGGER + """
            follow-up:
              en_US!:
                promoter: "Why?"
        """)).singleElement().asString().contains("triggers[0].follow-up.en_US!: must be a language tag");
    assertThat(problems(MINIMAL + TRIGGER + """
            follow-up:
              de:
                detractor: " "
        """)).singleElement().asString().contains("triggers[0].follow-up.de.detractor: must not be blank");
    assertThat(problems(MINIMAL + TRIGGER + """
            follow-up:
              de: {}
        """)).singleElement().asString().contains("triggers[0].follow-up.de: names no question");
    assertThat(problems(MINIMAL + TRIGGER + """
            follow-up:
              en:
                passive: "Why {score}?"
        """)).singleElement().asString().contains("triggers[0].follow-up.en.passive").contains("{score}");
    assertThat(problems(MINIMAL + """
        templates:
          standard:
            fr:
              follow-up:
                detractor: "Pourquoi {firstname} ?"
              promoter-link-txt: "Un avis ?"
        """)).hasSize(2).anySatisfy(problem -> assertThat(problem)
            .contains("templates.standard.fr.follow-up.detractor").contains("{firstname}"))
        .anySatisfy(problem -> assertThat(problem).contains("templates.standard.fr.promoter-link-txt: unknown key")
            .contains("did you mean 'promoter-link-text'"));
  }

  @Test
  void theGracePeriodOfAOneClickScoreIsBetweenAMinuteAndAWeek() {
    for (String grace : List.of("30s", "8d", "soon")) {
      assertThat(problems(MINIMAL.replace("admin-password: ${ADMIN_PASSWORD}\n",
          "admin-password: ${ADMIN_PASSWORD}\n  one-click-grace: " + grace + "\n"))).as(grace).singleElement()
          .asString().contains("server.one-click-grace: ");
    }
    assertThat(problems(MINIMAL.replace("admin-password: ${ADMIN_PASSWORD}\n",
        "admin-password: ${ADMIN_PASSWORD}\n  one-click: sometimes\n"))).singleElement().asString()
        .contains("server.one-click: must be true or false");
    assertThat(Optional.of(parse(MINIMAL).server().oneClickGrace())).contains(ServerConfig.DEFAULT_ONE_CLICK_GRACE);
  }

  private static NpsConfig parse(String yaml) {
    return ConfigLoaderTest.parse(yaml);
  }

  private static List<String> problems(String yaml) {
    return ConfigLoaderTest.problems(yaml, ConfigLoaderTest.ENV);
  }
}
