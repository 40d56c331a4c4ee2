package io.npsconnector.app.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.config.TemplateConfig;
import io.npsconnector.config.TriggerConfig;
import io.npsconnector.core.delivery.SurveyLinks;
import io.npsconnector.core.delivery.SurveyTexts;
import io.npsconnector.core.delivery.SurveyTokens;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.engine.SurveyView;

/**
 * The respondent's side over HTTP: survey pages ({@code /s/TOKEN}), thank-you pages and unsubscribe pages
 * ({@code /u/TOKEN}). The routes only translate requests; answers and unsubscribes go through the
 * {@link Engine}.
 *
 * <p>A GET never records anything (mail scanners open links): the answer is stored on POST, which needs
 * the form's CSRF field matching the browser's cookie. A score link's page, for a browser that is not a known
 * scanner, runs the one-click script ({@code /assets/oneclick.js}), which reports the score as provisional
 * ({@code POST /s/TOKEN/score}); the engine counts it only once confirmed. Tokens are signed and expiring; a
 * forged, altered or expired one gets a friendly page and nothing is stored. Every response carries a strict
 * Content-Security-Policy (no script, but that one on a score link's page), {@code frame-ancestors 'none'},
 * {@code no-referrer} and {@code nosniff}; request bodies are limited; the answer routes are rate-limited per address; unknown
 * routes and bad parameters get a 4xx page, never a stack trace.
 */
public final class SurveyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SurveyServer.class);
  /** The longest comment kept, in characters. */
  public static final int MAX_COMMENT = 2000;
  static final String CSP = SecurityHeaders.CSP;
  /** The policy of a score link's page: the one script of this server ({@code /assets/oneclick.js}) may run and post. */
  static final String ONE_CLICK_CSP = SecurityHeaders.CSP + "; script-src 'self'; connect-src 'self'";
  /** At most one summary line of refused requests per this interval. */
  static final Duration REFUSALS_INTERVAL = Duration.ofMinutes(1);
  private static final Pattern SCORE = Pattern.compile("10|[0-9]");
  private static final String ONE_CLICK = "List-Unsubscribe=One-Click";

  private final Engine engine;
  private final NpsConfig config;
  private final SurveyLinks links;
  private final SurveyTokens tokens;
  private final RateLimiter limiter;
  private final Csrf csrf;
  private final Clock clock;
  private final byte[] css;
  private final byte[] favicon;
  private final byte[] oneClickScript;
  private final PageLook look;
  private final String csp;
  private final java.util.List<java.util.function.Consumer<Javalin>> extraRoutes = new java.util.ArrayList<>();
  private final BodyLimits limits = BodyLimits.standard();
  private final RefusalLog refusals;
  private Javalin app;

  /**
   * @param requestsPerMinute per client address on the survey and unsubscribe routes
   */
  public SurveyServer(Engine engine, NpsConfig config, SurveyLinks links, Clock clock, int requestsPerMinute) {
    this.engine = engine;
    this.config = config;
    this.links = links;
    this.tokens = links.tokens();
    this.limiter = new RateLimiter(requestsPerMinute, Duration.ofMinutes(1), clock);
    this.clock = clock;
    this.csrf = new Csrf(tokens, "https".equalsIgnoreCase(config.server().publicUrl().getScheme()));
    this.css = resource("survey.css");
    this.favicon = resource("favicon.svg");
    this.oneClickScript = resource("oneclick.js");
    this.look = PageLook.of(config.branding(), config.company());
    this.csp = SecurityHeaders.csp(config.branding());
    this.refusals = new RefusalLog(clock, REFUSALS_INTERVAL, LOG::warn);
  }

  /**
   * More routes on the same server (health, metrics), registered when it starts; they get the same
   * security headers and error pages.
   */
  public synchronized SurveyServer routes(java.util.function.Consumer<Javalin> routes) {
    extraRoutes.add(routes);
    return this;
  }

  /** Starts on {@code host}:{@code port} (0: any free port); returns the port. */
  public synchronized int start(String host, int port) {
    app = Javalin.create(javalin -> {
      javalin.showJavalinBanner = false;
      javalin.startupWatcherEnabled = false;
      javalin.http.maxRequestSize = BodyLimits.ANY_BODY;
      javalin.http.generateEtags = false;
      ServerHardening.apply(javalin, limits, refusals);
    });
    app.before(ctx -> SecurityHeaders.apply(ctx::header));
    app.before(ctx -> ctx.header("Content-Security-Policy", csp)); // with the logo's origin, if any
    app.before("/s/*", this::limit);
    app.before("/u/*", this::limit);
    app.before("/t/*", this::limit);
    app.before(new RequestScreen(limits));
    app.get("/assets/survey.css", ctx -> ctx.contentType("text/css; charset=utf-8")
        .header("Cache-Control", "public, max-age=3600").result(css));
    app.get("/assets/oneclick.js", ctx -> ctx.contentType("text/javascript; charset=utf-8")
        .header("Cache-Control", "public, max-age=3600").result(oneClickScript));
    for (String path : java.util.List.of("/assets/favicon.svg", "/favicon.ico")) {
      app.get(path, ctx -> ctx.contentType("image/svg+xml").header("Cache-Control", "public, max-age=86400")
          .result(favicon));
    }
    byte[] brandCss = look.css().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    app.get("/assets/brand.css", ctx -> ctx.contentType("text/css; charset=utf-8")
        .header("Cache-Control", "public, max-age=300").result(brandCss));
    new TestSurveyPages(config, new TestLinks(config.server().publicUrl(), tokens, clock), csrf, look, MAX_COMMENT)
        .register(app);
    app.get("/s/{token}", this::surveyPage);
    app.post("/s/{token}", this::answer);
    app.get("/s/{token}/thanks", this::thanks);
    app.post("/s/{token}/score", this::oneClick);
    app.get("/u/{token}", this::unsubscribePage);
    app.post("/u/{token}", this::unsubscribe);
    extraRoutes.forEach(routes -> routes.accept(app));
    app.error(404, ctx -> {
      String result = ctx.result();
      // a JSON answer (the read API, webhooks) keeps its own body
      if (result == null || !result.startsWith("<!doctype") && !"application/json".equals(ctx.contentType())) {
        page(ctx, 404, message(ctx, ui(ctx).notFound()));
      }
    });
    app.exception(org.eclipse.jetty.http.BadMessageException.class, (e, ctx) ->
        page(ctx, e.getCode() >= 400 && e.getCode() < 500 ? e.getCode() : 400, message(ctx, ui(ctx).badRequest())));
    // a client that breaks off its body, or sends a broken chunked encoding, while a route reads it
    app.exception(IOException.class, (e, ctx) -> page(ctx, 400, message(ctx, ui(ctx).badRequest())));
    app.exception(HttpResponseException.class, (e, ctx) -> {
      UiText ui = ui(ctx);
      String text = switch (e.getStatus()) {
        case 413 -> String.format(Locale.ROOT, ui.commentHint(), MAX_COMMENT);
        case 404, 405 -> ui.notFound();
        default -> ui.badRequest();
      };
      page(ctx, e.getStatus() == 405 ? 404 : e.getStatus(), message(ctx, text));
    });
    app.exception(Exception.class, (e, ctx) -> {
      LOG.error("{} {} failed", ctx.method(), ctx.path().replaceAll("/[su]/[^/]+", "/?/TOKEN"), e);
      page(ctx, 500, message(ctx, ui(ctx).failed()));
    });
    app.start(host, port);
    return app.port();
  }

  public synchronized int port() {
    return app == null ? -1 : app.port();
  }

  @Override
  public synchronized void close() {
    if (app != null) {
      app.stop();
      app = null;
    }
    refusals.flush();
  }

  // ---- routes ----

  private void surveyPage(Context ctx) {
    Optional<SurveyView> view = view(ctx, SurveyTokens.Purpose.SURVEY);
    if (view.isEmpty()) {
      return;
    }
    String param = ctx.queryParam("score");
    Optional<Integer> chosen = Optional.ofNullable(param).filter(text -> SCORE.matcher(text).matches())
        .map(Integer::valueOf).or(view.get()::score);
    boolean badScore = param != null && !SCORE.matcher(param).matches();
    if (!view.get().answerable()) {
      closed(ctx, view.get());
      return;
    }
    Optional<Integer> linked = Optional.ofNullable(param).filter(text -> SCORE.matcher(text).matches())
        .map(Integer::valueOf);
    // the score a link opened: reported by the page's script, unless answered already, off, or not a person
    Optional<SurveyPages.OneClick> oneClick = linked.filter(score -> config.server().oneClick()
            && view.get().score().isEmpty() && LinkScanners.why(ctx::header).isEmpty())
        .map(score -> new SurveyPages.OneClick("/s/" + ctx.pathParam("token") + "/score", score,
            clickSignature(ctx.pathParam("token"), score)));
    Optional<Integer> saved = linked.filter(score -> view.get().score().equals(Optional.of(score)));
    renderForm(ctx, view.get(), chosen, view.get().comment().orElse(""),
        badScore ? Optional.of(UiText.of(locale(view.get())).badRequest()) : Optional.empty(), badScore ? 400 : 200,
        oneClick, saved);
    if (oneClick.isPresent()) {
      ctx.header("Content-Security-Policy", ONE_CLICK_CSP);
    }
  }

  /**
   * {@code POST /s/TOKEN/score}: the one-click script reports the linked score ({@code action=report}) or confirms
   * it at a gesture ({@code action=confirm}). It needs the CSRF field, the page's signature of that score, a
   * same-origin request and a browser that is not a known scanner; the answer is JSON {@code {"state": ...}}.
   */
  private void oneClick(Context ctx) {
    Optional<SurveyView> found = view(ctx, SurveyTokens.Purpose.SURVEY);
    if (found.isEmpty()) {
      return;
    }
    String score = Optional.ofNullable(ctx.formParam("score")).orElse("");
    String action = Optional.ofNullable(ctx.formParam("action")).orElse("");
    String site = ctx.header("Sec-Fetch-Site");
    boolean signed = SCORE.matcher(score).matches() && java.security.MessageDigest.isEqual(
        clickSignature(ctx.pathParam("token"), Integer.parseInt(score)).getBytes(java.nio.charset.StandardCharsets.UTF_8),
        Optional.ofNullable(ctx.formParam("click")).orElse("").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Optional<String> scanner = LinkScanners.why(ctx::header);
    if (!config.server().oneClick() || !csrfValid(ctx) || !signed || site != null && !"same-origin".equals(site)
        || scanner.isPresent() || !java.util.List.of("report", "confirm").contains(action)) {
      ctx.attribute(ServerHardening.REFUSAL_REASON, scanner.map(why -> "one-click: " + why)
          .orElse("one-click: not from its page"));
      ctx.status(403).contentType("application/json").result("{\"state\":\"refused\"}");
      return;
    }
    Engine.OneClick outcome = action.equals("report")
        ? engine.reportScore(found.get().invitationId(), Integer.parseInt(score))
        : engine.confirmScore(found.get().invitationId(), Integer.parseInt(score));
    ctx.status(200).contentType("application/json")
        .result("{\"state\":\"" + outcome.name().toLowerCase(Locale.ROOT) + "\"}");
  }

  /** What a score link's page signs its score with, so that only that page reports it. */
  private String clickSignature(String token, int score) {
    return tokens.sign("one-click|" + token + "|" + score);
  }

  private void answer(Context ctx) {
    Optional<SurveyView> found = view(ctx, SurveyTokens.Purpose.SURVEY);
    if (found.isEmpty()) {
      return;
    }
    SurveyView view = found.get();
    UiText ui = UiText.of(locale(view));
    if (!csrfValid(ctx)) {
      page(ctx, 403, Html.message(lang(view), ui.formExpired(), config.company(), ui.formExpired()));
      return;
    }
    if (!view.answerable()) {
      closed(ctx, view);
      return;
    }
    String comment = plainText(Optional.ofNullable(ctx.formParam("comment")).orElse(""));
    String score = Optional.ofNullable(ctx.formParam("score")).orElse("");
    if (!SCORE.matcher(score).matches()) {
      renderForm(ctx, view, Optional.empty(), comment, Optional.of(ui.badRequest()), 400);
      return;
    }
    if (comment.length() > MAX_COMMENT) {
      renderForm(ctx, view, Optional.of(Integer.valueOf(score)), comment,
          Optional.of(String.format(Locale.ROOT, ui.commentHint(), MAX_COMMENT)), 400);
      return;
    }
    try {
      engine.answer(view.invitationId(), Integer.parseInt(score),
          comment.isBlank() ? Optional.empty() : Optional.of(comment));
    } catch (IllegalStateException e) {
      closed(ctx, view);
      return;
    }
    ctx.status(303).header("Location", "/s/" + ctx.pathParam("token") + "/thanks");
  }

  private void thanks(Context ctx) {
    Optional<SurveyView> found = view(ctx, SurveyTokens.Purpose.SURVEY);
    if (found.isEmpty()) {
      return;
    }
    SurveyView view = found.get();
    if (view.score().isEmpty()) {
      ctx.status(303).header("Location", "/s/" + ctx.pathParam("token"));
      return;
    }
    TemplateConfig.Texts texts = texts(view);
    Optional<java.net.URI> promoterLink = SurveyPages.category(view.score().get()).equals("promoter")
        ? trigger(view).flatMap(TriggerConfig::promoterLink).or(() -> template(view).promoterLink())
        : Optional.empty();
    page(ctx, 200, SurveyPages.thanks(lang(view), config.company(), texts, UiText.of(locale(view)),
        view.score().get(), view.comment(), "/s/" + ctx.pathParam("token"), promoterLink, look));
  }

  private void unsubscribePage(Context ctx) {
    Optional<SurveyView> found = view(ctx, SurveyTokens.Purpose.UNSUBSCRIBE);
    if (found.isEmpty()) {
      return;
    }
    SurveyView view = found.get();
    UiText ui = UiText.of(locale(view));
    if (view.unsubscribed()) {
      page(ctx, 200, Html.message(lang(view), ui.unsubscribeTitle(), ui.unsubscribeTitle(), ui.unsubscribed(),
          look));
      return;
    }
    page(ctx, 200, SurveyPages.unsubscribe(lang(view), ui, "/u/" + ctx.pathParam("token"), csrfField(ctx),
        view.contact().email().orElse(config.company()), look));
  }

  private void unsubscribe(Context ctx) {
    Optional<SurveyView> found = view(ctx, SurveyTokens.Purpose.UNSUBSCRIBE);
    if (found.isEmpty()) {
      return;
    }
    SurveyView view = found.get();
    UiText ui = UiText.of(locale(view));
    // RFC 8058: a mail client's one-click POST carries no cookie; the signed link is its authority
    boolean oneClick = ONE_CLICK.equals(ctx.body().strip());
    if (!oneClick && !csrfValid(ctx)) {
      page(ctx, 403, Html.message(lang(view), ui.formExpired(), ui.unsubscribeTitle(), ui.formExpired()));
      return;
    }
    engine.unsubscribe(view.invitationId());
    page(ctx, 200, Html.message(lang(view), ui.unsubscribeTitle(), ui.unsubscribeTitle(), ui.unsubscribed(), look));
  }

  // ---- parts ----

  private void renderForm(Context ctx, SurveyView view, Optional<Integer> chosen, String comment,
      Optional<String> error, int status) {
    renderForm(ctx, view, chosen, comment, error, status, Optional.empty(), Optional.empty());
  }

  private void renderForm(Context ctx, SurveyView view, Optional<Integer> chosen, String comment,
      Optional<String> error, int status, Optional<SurveyPages.OneClick> oneClick, Optional<Integer> saved) {
    String token = ctx.pathParam("token");
    String unsubscribe = view.expiresAt().map(at -> links.unsubscribe(view.invitationId(), at).getRawPath())
        .orElse("/u/" + tokens.issue(view.invitationId(), SurveyTokens.Purpose.UNSUBSCRIBE,
            clock.instant().plus(Duration.ofDays(365))));
    TemplateConfig.Texts texts = texts(view);
    page(ctx, status, SurveyPages.survey(new SurveyPages.Form("/s/" + token, csrfField(ctx), config.company(),
        texts, UiText.of(locale(view)), lang(view), chosen, comment, MAX_COMMENT, view.score().isPresent(),
        error, unsubscribe, followUp(view, texts), oneClick, saved), look));
  }

  private void closed(Context ctx, SurveyView view) {
    UiText ui = UiText.of(locale(view));
    page(ctx, 410, Html.message(lang(view), ui.closed(), config.company(), ui.linkExpired(), look));
  }

  /** The invitation a valid token names, or empty after answering with the page that says why not. */
  private Optional<SurveyView> view(Context ctx, SurveyTokens.Purpose purpose) {
    SurveyTokens.Claims claims;
    try {
      claims = tokens.verify(ctx.pathParam("token"), purpose);
    } catch (SurveyTokens.InvalidToken e) {
      ctx.attribute(ServerHardening.REFUSAL_REASON, e.reason().name().toLowerCase(Locale.ROOT) + " token");
      UiText ui = ui(ctx);
      boolean expired = e.reason() == SurveyTokens.Reason.EXPIRED;
      page(ctx, expired ? 410 : 404, message(ctx, expired ? ui.linkExpired() : ui.linkInvalid()));
      return Optional.empty();
    }
    Optional<SurveyView> view = engine.surveyView(claims.invitationId());
    if (view.isEmpty()) {
      page(ctx, 404, message(ctx, ui(ctx).linkInvalid()));
    }
    return view;
  }

  private void limit(Context ctx) {
    if (!limiter.allow(ctx.ip())) {
      page(ctx, 429, message(ctx, ui(ctx).tooMany()));
      ctx.header("Retry-After", "60");
      ctx.skipRemainingHandlers();
    }
  }

  private String csrfField(Context ctx) {
    return csrf.field(ctx, ctx.pathParam("token"));
  }

  private boolean csrfValid(Context ctx) {
    return csrf.valid(ctx, ctx.pathParam("token"));
  }

  private TemplateConfig.Texts texts(SurveyView view) {
    return SurveyTexts.fill(template(view).texts(locale(view)), config.company(),
        view.contact().firstName().orElse(""));
  }

  private TemplateConfig template(SurveyView view) {
    return config.templates().getOrDefault(view.template(), config.templates().get(TriggerConfig.DEFAULT_TEMPLATE));
  }

  private Optional<TriggerConfig> trigger(SurveyView view) {
    return config.triggers().stream().filter(trigger -> trigger.name().equals(view.trigger())).findFirst();
  }

  /** The follow-up questions: the trigger's own for the contact's language, else the template's (filled). */
  private TemplateConfig.FollowUp followUp(SurveyView view, TemplateConfig.Texts texts) {
    Optional<TriggerConfig> trigger = trigger(view);
    java.util.function.Function<String, String> prompt = category -> trigger
        .flatMap(found -> found.followUp(locale(view), category))
        .map(text -> SurveyTexts.fill(text, config.company(), view.contact().firstName().orElse("")))
        .orElse(texts.followUp().of(category));
    return new TemplateConfig.FollowUp(prompt.apply("promoter"), prompt.apply("passive"), prompt.apply("detractor"));
  }

  private static Locale locale(SurveyView view) {
    return view.contact().locale().orElse(Locale.ENGLISH);
  }

  private static String lang(SurveyView view) {
    return UiText.languageTag(locale(view));
  }

  /** The texts for a page shown before the invitation is known: the browser's first language. */
  private static UiText ui(Context ctx) {
    return UiText.of(browserLocale(ctx));
  }

  private static Locale browserLocale(Context ctx) {
    String header = ctx.header("Accept-Language");
    if (header == null || header.isBlank()) {
      return Locale.ENGLISH;
    }
    String first = header.split(",")[0].split(";")[0].strip();
    Locale locale = Locale.forLanguageTag(first);
    return locale.getLanguage().isEmpty() ? Locale.ENGLISH : locale;
  }

  private String message(Context ctx, String text) {
    Locale locale = browserLocale(ctx);
    return Html.message(UiText.languageTag(locale), text, config.company(), text);
  }

  private static void page(Context ctx, int status, String html) {
    ctx.status(status).contentType("text/html; charset=utf-8").result(html);
  }

  /** A comment as plain text: line breaks kept as \n, other control characters dropped, ends trimmed. */
  static String plainText(String text) {
    String normalized = text.replace("\r\n", "\n").replace('\r', '\n');
    StringBuilder kept = new StringBuilder(normalized.length());
    normalized.codePoints().filter(c -> c == '\n' || c == '\t' || !Character.isISOControl(c))
        .forEach(kept::appendCodePoint);
    return kept.toString().strip();
  }

  private static byte[] resource(String name) {
    try (InputStream in = SurveyServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
