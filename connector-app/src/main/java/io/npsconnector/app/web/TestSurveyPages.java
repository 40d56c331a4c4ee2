package io.npsconnector.app.web;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.config.TemplateConfig;
import io.npsconnector.config.TriggerConfig;
import io.npsconnector.core.delivery.SurveyTexts;

/**
 * The pages a test mail's links open ({@link TestLinks}): the survey page, the thank-you page and the unsubscribe
 * page of the trigger's template in the link's language, each saying at the top that it is a test. Nothing is
 * ever stored: an answer shows the thank-you page, an unsubscribe says nobody was unsubscribed. The forms carry
 * the same CSRF field as the real ones.
 */
final class TestSurveyPages {
  static final String NOTICE = "Test page: this survey comes from a test mail. Answers given here are not stored.";
  static final String NOT_UNSUBSCRIBED = "This was a test page: nobody was unsubscribed.";
  private static final Pattern SCORE = Pattern.compile("10|[0-9]");

  private final NpsConfig config;
  private final TestLinks links;
  private final Csrf csrf;
  private final PageLook look;
  private final int maxComment;

  TestSurveyPages(NpsConfig config, TestLinks links, Csrf csrf, PageLook look, int maxComment) {
    this.config = config;
    this.links = links;
    this.csrf = csrf;
    this.look = look.withNotice(NOTICE);
    this.maxComment = maxComment;
  }

  void register(Javalin app) {
    app.get("/t/{token}", ctx -> claims(ctx).ifPresent(claims -> {
      String score = ctx.queryParam("score");
      form(ctx, claims, Optional.ofNullable(score).filter(text -> SCORE.matcher(text).matches())
          .map(Integer::valueOf), "", Optional.empty(), 200);
    }));
    app.post("/t/{token}", ctx -> claims(ctx).ifPresent(claims -> answer(ctx, claims)));
    app.get("/t/{token}/u", ctx -> claims(ctx).ifPresent(claims -> {
      UiText ui = UiText.of(Locale.forLanguageTag(claims.languageTag()));
      page(ctx, 200, SurveyPages.unsubscribe(lang(claims), ui, "/t/" + ctx.pathParam("token") + "/u",
          csrf.field(ctx, scope(ctx)), config.company(), look));
    }));
    app.post("/t/{token}/u", ctx -> claims(ctx).ifPresent(claims -> {
      UiText ui = UiText.of(Locale.forLanguageTag(claims.languageTag()));
      page(ctx, 200, Html.message(lang(claims), ui.unsubscribeTitle(), ui.unsubscribeTitle(), NOT_UNSUBSCRIBED,
          look));
    }));
  }

  private void answer(Context ctx, TestLinks.Claims claims) {
    UiText ui = UiText.of(Locale.forLanguageTag(claims.languageTag()));
    if (!csrf.valid(ctx, scope(ctx))) {
      page(ctx, 403, Html.message(lang(claims), ui.formExpired(), config.company(), ui.formExpired(), look));
      return;
    }
    String comment = SurveyServer.plainText(Optional.ofNullable(ctx.formParam("comment")).orElse(""));
    String score = Optional.ofNullable(ctx.formParam("score")).orElse("");
    if (!SCORE.matcher(score).matches() || comment.length() > maxComment) {
      form(ctx, claims, Optional.empty(), comment, Optional.of(ui.badRequest()), 400);
      return;
    }
    page(ctx, 200, SurveyPages.thanks(lang(claims), config.company(), texts(claims), ui, Integer.parseInt(score),
        comment.isBlank() ? Optional.empty() : Optional.of(comment), "/t/" + ctx.pathParam("token"), Optional.empty(), look));
  }

  private void form(Context ctx, TestLinks.Claims claims, Optional<Integer> chosen, String comment,
      Optional<String> error, int status) {
    String token = ctx.pathParam("token");
    page(ctx, status, SurveyPages.survey(new SurveyPages.Form("/t/" + token, csrf.field(ctx, scope(ctx)),
        config.company(), texts(claims), UiText.of(Locale.forLanguageTag(claims.languageTag())), lang(claims),
        chosen, comment, maxComment, false, error, "/t/" + token + "/u", texts(claims).followUp(), Optional.empty(),
        Optional.empty()), look));
  }

  /** The claims of the path's test token; otherwise answered with a 404 page and empty. */
  private Optional<TestLinks.Claims> claims(Context ctx) {
    Optional<TestLinks.Claims> claims = links.verify(ctx.pathParam("token"))
        .filter(found -> config.triggers().stream().anyMatch(trigger -> trigger.name().equals(found.trigger())));
    if (claims.isEmpty()) {
      ctx.attribute(ServerHardening.REFUSAL_REASON, "test token");
      UiText ui = UiText.of(Locale.ENGLISH);
      page(ctx, 404, Html.message("en", ui.linkInvalid(), config.company(), ui.linkInvalid()));
    }
    return claims;
  }

  private static String scope(Context ctx) {
    return "test|" + ctx.pathParam("token");
  }

  private TemplateConfig.Texts texts(TestLinks.Claims claims) {
    String template = config.triggers().stream().filter(trigger -> trigger.name().equals(claims.trigger()))
        .map(TriggerConfig::template).findFirst().orElse(TriggerConfig.DEFAULT_TEMPLATE);
    TemplateConfig texts = config.templates().getOrDefault(template,
        config.templates().get(TriggerConfig.DEFAULT_TEMPLATE));
    return SurveyTexts.fill(texts.texts(Locale.forLanguageTag(claims.languageTag())), config.company(), "");
  }

  private static String lang(TestLinks.Claims claims) {
    return UiText.languageTag(Locale.forLanguageTag(claims.languageTag()));
  }

  private static void page(Context ctx, int status, String html) {
    ctx.status(status).contentType("text/html; charset=utf-8").result(html);
  }
}
