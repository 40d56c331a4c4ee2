package io.npsconnector.app.web;

import java.util.Locale;
import java.util.Optional;

import io.npsconnector.config.TemplateConfig;

/** The survey, thank-you and unsubscribe pages. Every value from outside is escaped. */
final class SurveyPages {
  private SurveyPages() {}

  /** What the survey form shows. */
  record Form(String action, String csrf, String company, TemplateConfig.Texts texts, UiText ui, String lang,
      Optional<Integer> chosen, String comment, int maxComment, boolean answeredBefore, Optional<String> error,
      String unsubscribeUrl) {}

  static String survey(Form form) {
    StringBuilder body = new StringBuilder();
    body.append("<h1>").append(Html.escape(form.company())).append("</h1>\n");
    form.error().ifPresent(error -> body.append("<p class=\"error\" role=\"alert\">").append(Html.escape(error))
        .append("</p>\n"));
    body.append("<form method=\"post\" action=\"").append(Html.escape(form.action())).append("\">\n")
        .append("<input type=\"hidden\" name=\"csrf\" value=\"").append(Html.escape(form.csrf())).append("\">\n")
        .append("<fieldset>\n<legend id=\"question\">").append(Html.escape(form.texts().question()))
        .append("</legend>\n<p class=\"hint\" id=\"scale-hint\">").append(Html.escape(form.ui().scaleHint()))
        .append(" 0 = ").append(Html.escape(form.ui().notLikely())).append(", 10 = ")
        .append(Html.escape(form.ui().veryLikely())).append("</p>\n")
        .append("<div class=\"scores\" role=\"radiogroup\" aria-labelledby=\"question\" "
            + "aria-describedby=\"scale-hint\">\n");
    for (int score = 0; score <= 10; score++) {
      body.append("<input type=\"radio\" id=\"score-").append(score).append("\" name=\"score\" value=\"")
          .append(score).append("\" required");
      if (form.chosen().isPresent() && form.chosen().get() == score) {
        body.append(" checked");
      }
      body.append("><label for=\"score-").append(score).append("\">").append(score).append("</label>\n");
    }
    body.append("</div>\n<div class=\"ends\" aria-hidden=\"true\"><span>").append(Html.escape(form.ui().notLikely()))
        .append("</span><span>").append(Html.escape(form.ui().veryLikely())).append("</span></div>\n</fieldset>\n")
        .append("<label class=\"comment\" for=\"comment\">").append(Html.escape(form.ui().comment()))
        .append("</label>\n<textarea id=\"comment\" name=\"comment\" rows=\"5\" maxlength=\"")
        .append(form.maxComment()).append("\" aria-describedby=\"comment-hint\">")
        .append(Html.escape(form.comment())).append("</textarea>\n<p class=\"hint\" id=\"comment-hint\">")
        .append(Html.escape(String.format(Locale.ROOT, form.ui().commentHint(), form.maxComment())))
        .append("</p>\n<button type=\"submit\">")
        .append(Html.escape(form.answeredBefore() ? form.ui().update() : form.ui().submit()))
        .append("</button>\n</form>\n<p class=\"small\"><a href=\"").append(Html.escape(form.unsubscribeUrl()))
        .append("\">").append(Html.escape(form.ui().unsubscribeLink())).append("</a></p>");
    return Html.page(form.lang(), form.texts().subject(), body.toString());
  }

  static String thanks(String lang, String company, TemplateConfig.Texts texts, UiText ui, int score,
      Optional<String> comment, String surveyUrl) {
    StringBuilder body = new StringBuilder();
    body.append("<h1>").append(Html.escape(company)).append("</h1>\n<p class=\"message\" role=\"status\">")
        .append(Html.escape(texts.thankYou())).append("</p>\n<p>").append(Html.escape(ui.yourAnswer()))
        .append(": <strong>").append(score).append("</strong></p>\n");
    comment.ifPresent(text -> body.append("<blockquote>").append(Html.escape(text)).append("</blockquote>\n"));
    body.append("<p class=\"small\">").append(Html.escape(ui.thanksUpdate())).append(" <a href=\"")
        .append(Html.escape(surveyUrl)).append("\">").append(Html.escape(ui.update())).append("</a></p>");
    return Html.page(lang, texts.thankYou(), body.toString());
  }

  static String unsubscribe(String lang, UiText ui, String action, String csrf, String address) {
    String body = "<h1>" + Html.escape(ui.unsubscribeTitle()) + "</h1>\n<form method=\"post\" action=\""
        + Html.escape(action) + "\">\n<input type=\"hidden\" name=\"csrf\" value=\"" + Html.escape(csrf) + "\">\n"
        + "<p>" + Html.escape(String.format(Locale.ROOT, ui.unsubscribeQuestion(), address)) + "</p>\n"
        + "<button type=\"submit\">" + Html.escape(ui.unsubscribeButton()) + "</button>\n</form>";
    return Html.page(lang, ui.unsubscribeTitle(), body);
  }
}
