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

  /** What the survey form shows. */
  record Form(String action, String csrf, String company, TemplateConfig.Texts texts, UiText ui, String lang,
      Optional<Integer> chosen, String comment, int maxComment, boolean answeredBefore, Optional<String> error,
      String unsubscribeUrl) {

    String commentHint() {
      return String.format(Locale.ROOT, ui.commentHint(), maxComment);
    }
  }

  static String survey(Form form) {
    return survey(form, PageLook.PLAIN);
  }

  static String survey(Form form, PageLook look) {
    HtmlOutput out = HtmlOutput.toText();
    JtesurveyGenerated.render(out, null, form, look);
    return out.toString();
  }

  static String thanks(String lang, String company, TemplateConfig.Texts texts, UiText ui, int score,
      Optional<String> comment, String surveyUrl) {
    return thanks(lang, company, texts, ui, score, comment, surveyUrl, PageLook.PLAIN);
  }

  static String thanks(String lang, String company, TemplateConfig.Texts texts, UiText ui, int score,
      Optional<String> comment, String surveyUrl, PageLook look) {
    HtmlOutput out = HtmlOutput.toText();
    JtethanksGenerated.render(out, null, lang, company, texts, ui, score, comment, surveyUrl, look);
    return out.toString();
  }

  static String unsubscribe(String lang, UiText ui, String action, String csrf, String address, PageLook look) {
    HtmlOutput out = HtmlOutput.toText();
    JteunsubscribeGenerated.render(out, null, lang, ui, action, csrf, address, look);
    return out.toString();
  }
}
