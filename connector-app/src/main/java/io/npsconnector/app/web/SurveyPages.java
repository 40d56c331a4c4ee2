package io.npsconnector.app.web;

import java.util.Locale;
import java.util.Optional;

import io.npsconnector.config.TemplateConfig;
import io.npsconnector.core.render.HtmlOutput;

/**
 * The survey, thank-you and unsubscribe pages, rendered by the templates {@code web/survey.jte},
 * {@code web/thanks.jte} and {@code web/unsubscribe.jte}; every value is escaped by {@link HtmlOutput}.
 */
final class SurveyPages {
  private SurveyPages() {}

  /**
   * What the survey form shows.
   *
   * @param followUp the follow-up questions (filled), by category
   * @param oneClick the score link's one-click report, when the page reports its score by script
   * @param saved the score already stored as the answer, when it is the one the page opened with
   */
  record Form(String action, String csrf, String company, TemplateConfig.Texts texts, UiText ui, String lang,
      Optional<Integer> chosen, String comment, int maxComment, boolean answeredBefore, Optional<String> error,
      String unsubscribeUrl, TemplateConfig.FollowUp followUp, Optional<OneClick> oneClick, Optional<Integer> saved) {

    String commentHint() {
      return String.format(Locale.ROOT, ui.commentHint(), maxComment);
    }

    /** The comment box's label: the follow-up question of the chosen score's category, or the general one. */
    String commentLabel() {
      return chosen.map(score -> prompt(category(score))).orElse(ui.comment());
    }

    String prompt(String category) {
      return followUp.of(category) + " " + ui.optional();
    }

    /** "Your score N is saved", for the score the page opened with (shown by the script once it is stored). */
    String savedText() {
      return String.format(Locale.ROOT, ui.saved(), oneClick.map(OneClick::score).or(() -> saved).orElse(0));
    }
  }

  /** The one-click report of a score link's page: where its script posts, the score, and its signature. */
  record OneClick(String url, int score, String signature) {}

  static String category(int score) {
    return io.npsconnector.core.model.Score.of(score).category().id();
  }

  static String survey(Form form) {
    return survey(form, PageLook.PLAIN);
  }

  static String survey(Form form, PageLook look) {
    HtmlOutput out = HtmlOutput.toText();
    JtesurveyGenerated.render(out, null, form, look);
    return out.toString();
  }

  /** @param promoterLink the review or referral page offered, for a promoter's answer */
  static String thanks(String lang, String company, TemplateConfig.Texts texts, UiText ui, int score,
      Optional<String> comment, String surveyUrl, Optional<java.net.URI> promoterLink) {
    return thanks(lang, company, texts, ui, score, comment, surveyUrl, promoterLink, PageLook.PLAIN);
  }

  static String thanks(String lang, String company, TemplateConfig.Texts texts, UiText ui, int score,
      Optional<String> comment, String surveyUrl, Optional<java.net.URI> promoterLink, PageLook look) {
    HtmlOutput out = HtmlOutput.toText();
    JtethanksGenerated.render(out, null, lang, company, texts, ui, score, comment, surveyUrl,
        promoterLink.map(java.net.URI::toString), look);
    return out.toString();
  }

  static String unsubscribe(String lang, UiText ui, String action, String csrf, String address, PageLook look) {
    HtmlOutput out = HtmlOutput.toText();
    JteunsubscribeGenerated.render(out, null, lang, ui, action, csrf, address, look);
    return out.toString();
  }
}
