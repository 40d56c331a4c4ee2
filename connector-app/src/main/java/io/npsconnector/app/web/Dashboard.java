package io.npsconnector.app.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.npsconnector.config.Durations;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.config.SendWindowConfig;
import io.npsconnector.core.engine.ConnectionStatus;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.delivery.SurveyLinks;
import io.npsconnector.core.delivery.SurveyTokens;
import io.npsconnector.core.model.Score;
import io.npsconnector.core.render.HtmlOutput;
import io.npsconnector.core.stats.NpsTally;
import io.npsconnector.core.store.ReportRepository;
import io.npsconnector.core.store.AnswerFilter;
import io.npsconnector.core.store.ReportRepository.AnswerRow;
import io.npsconnector.core.store.AdminAuditRepository;
import io.npsconnector.core.store.DashboardUserRepository;
import io.npsconnector.core.store.TriggerPauseRepository;

/**
 * The admin dashboard, server-rendered with inline SVG charts (no script): NPS over time with its 95 %
 * interval band; NPS by trigger, channel, CRM and segment with n and interval; the score distribution; the
 * response rate; suppressions by reason; detractors awaiting follow-up; write-back failures; the active
 * triggers. Behind the sign-in, as are the CSV export of the answers and the JSON API; what each account may do
 * there is {@link DashboardAccess}'s rule, and every admin action goes to the audit log ({@link AdminAudit}).
 */
public final class Dashboard {
  private static final String CSV_HEADER = "answered_at,connection,trigger,channel,score,category,comment,contact_id,"
      + "contact_name,email,segments";
  private static final com.fasterxml.jackson.dataformat.csv.CsvMapper CSV = com.fasterxml.jackson.dataformat.csv
      .CsvMapper.builder().enable(com.fasterxml.jackson.dataformat.csv.CsvGenerator.Feature.ALWAYS_QUOTE_STRINGS)
      .build();
  static final Duration WINDOW = Duration.ofDays(365);
  static final int AUDIT_PAGE = 50;
  private static final java.time.format.DateTimeFormatter TIME_SECONDS = java.time.format.DateTimeFormatter
      .ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
      .ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final NpsConfig config;
  private final Engine engine;
  private final ReportRepository reports;
  private final AdminAuth auth;
  private final Csrf csrf;
  private final Clock clock;
  private final byte[] css;
  private final CapturedMails mails;
  private final DashboardAccess access;
  private final AdminAuditRepository auditLog;
  private final AdminAudit audit;
  private final DashboardUserRepository users;
  private final Previews previews;

  public Dashboard(NpsConfig config, ReportRepository reports, SurveyTokens tokens, Clock clock, Engine engine,
      CapturedMails mails, DashboardUserRepository users, AdminAuditRepository auditLog) {
    this.mails = mails;
    this.auditLog = auditLog;
    this.users = users;
    this.audit = new AdminAudit(auditLog, clock);
    this.config = config;
    this.engine = engine;
    this.reports = reports;
    this.auth = new AdminAuth(config.server().adminPassword().filter(io.npsconnector.config.Secret::isSet)
        .map(io.npsconnector.config.Secret::reveal), users, clock);
    this.access = new DashboardAccess(auth, this::message);
    this.csrf = new Csrf(tokens, "https".equalsIgnoreCase(config.server().publicUrl().getScheme()));
    this.clock = clock;
    this.css = resource("dashboard.css");
    this.previews = new Previews(config, new SurveyLinks(config.server().publicUrl(), tokens), clock);
  }

  /** Records admin actions with the signed-in account: for routes of the dashboard's pages made elsewhere. */
  public AdminAudit audit() {
    return audit;
  }

  /** Adds the dashboard's routes to the server, behind its access rule. */
  public void register(Javalin app) {
    app.before(access::handle);
    if (config.server().adminPassword().isEmpty() && users.all().isEmpty()) {
      org.slf4j.LoggerFactory.getLogger(Dashboard.class).warn("nobody can sign in to the dashboard: the store has "
          + "no account and server.admin-password is not set; add one with: nps-connector users add --config FILE "
          + "--role admin NAME");
    }
    app.get("/", ctx -> ctx.status(303).header("Location", "/admin"));
    app.get("/assets/dashboard.css", ctx -> ctx.contentType("text/css; charset=utf-8")
        .header("Cache-Control", "public, max-age=3600").result(css));
    app.get("/admin/login", ctx -> loginPage(ctx, 200, Optional.empty()));
    app.post("/admin/login", this::signIn);
    app.post("/admin/logout", this::signOut);
    app.post("/admin/connections/{connection}/resume", this::resume);
    app.post("/admin/triggers/{trigger}/pause", ctx -> pauseTrigger(ctx, true));
    app.post("/admin/triggers/{trigger}/resume", ctx -> pauseTrigger(ctx, false));
    if (mails.capturing()) {
      new MailPages(mails, this::signedIn).register(app);
    }
    new PreviewPages(config, previews, engine::contact, this::signedIn, this::adminForm,
        ctx -> csrf.field(ctx, "admin"), audit).register(app);
    new FollowUpPage(engine.followUps(), clock, this::signedIn).register(app);
    app.get("/admin", ctx -> {
      if (signedIn(ctx)) {
        filtered(ctx).ifPresent(filter -> html(ctx, 200, page(ctx, filter)));
      }
    });
    app.get("/admin/audit", this::auditPage);
    new ResponsesPage(config, reports, engine, clock, this::signedIn, this::filtered).register(app);
    app.get("/admin/answers.csv", ctx -> {
      if (signedIn(ctx)) {
        filtered(ctx).ifPresent(filter -> {
          ctx.contentType("text/csv; charset=utf-8")
              .header("Content-Disposition", "attachment; filename=\"nps-answers.csv\"");
          long exported = csv(filter, ctx.outputStream());
          audit.record(ctx, AdminAudit.EXPORT, "answers.csv", exported + " answers from " + filter.from()
              + " to " + filter.to() + Optional.ofNullable(ctx.queryString()).map(query -> " (" + query + ")")
              .orElse(""));
        });
      }
    });
    app.get("/api/summary", ctx -> {
      if (auth.valid(ctx.cookie(AdminAuth.SESSION_COOKIE))) {
        ctx.contentType("application/json").result(JSON.writeValueAsString(summary()));
      } else {
        ctx.status(401).contentType("application/json")
            .result(JSON.writeValueAsString(Map.of("error", "sign in at /admin/login")));
      }
    });
  }

  // ---- sign-in ----

  boolean signedIn(Context ctx) {
    if (auth.valid(ctx.cookie(AdminAuth.SESSION_COOKIE))) {
      return true;
    }
    ctx.status(303).header("Location", "/admin/login");
    return false;
  }

  private void signIn(Context ctx) {
    if (!csrf.valid(ctx, "admin")) {
      loginPage(ctx, 403, Optional.of("This page has expired. Please sign in again."));
      return;
    }
    AdminAuth.SignIn attempt = auth.signIn(ctx.ip(), ctx.formParam("user"), ctx.formParam("password"));
    if (attempt.retryAfter().isPresent()) {
      long seconds = Math.max(1, (attempt.retryAfter().get().toMillis() + 999) / 1000);
      ctx.header("Retry-After", Long.toString(seconds));
      loginPage(ctx, 429, Optional.of("Too many attempts. Try again in " + seconds + " s."));
      return;
    }
    Optional<String> session = attempt.session();
    if (session.isEmpty()) {
      loginPage(ctx, 401, Optional.of("Wrong user name or password."));
      return;
    }
    ctx.header("Set-Cookie", csrf.cookie(AdminAuth.SESSION_COOKIE, session.get(),
        AdminAuth.SESSION_LENGTH.toSeconds()));
    ctx.status(303).header("Location", "/admin");
  }

  private void signOut(Context ctx) {
    if (csrf.valid(ctx, "admin")) {
      auth.signOut(ctx.cookie(AdminAuth.SESSION_COOKIE));
    }
    ctx.header("Set-Cookie", csrf.cookie(AdminAuth.SESSION_COOKIE, "", 0));
    ctx.status(303).header("Location", "/admin/login");
  }

  /** An admin resumes a connection stopped on refused credentials, once they work again; logged with who. */
  private void resume(Context ctx) {
    if (!adminForm(ctx)) {
      return;
    }
    String connection = ctx.pathParam("connection");
    if (engine.connectionStatuses().stream().noneMatch(status -> status.connection().equals(connection))) {
      html(ctx, 404, message("There is no enabled connection of that name."));
      return;
    }
    if (engine.resume(connection, AdminAudit.who(ctx) + " on the dashboard")) {
      audit.record(ctx, AdminAudit.CONNECTION_RESUME, connection, "");
    }
    ctx.status(303).header("Location", "/admin");
  }

  /**
   * An admin pauses or resumes a trigger: stored for every instance, audited with who (the account and the address
   * signed in from) and when.
   */
  private void pauseTrigger(Context ctx, boolean pause) {
    if (!adminForm(ctx)) {
      return;
    }
    String trigger = ctx.pathParam("trigger");
    if (config.triggers().stream().noneMatch(configured -> configured.name().equals(trigger))) {
      html(ctx, 404, message("There is no trigger of that name."));
      return;
    }
    String who = AdminAudit.who(ctx);
    if (pause ? engine.pauseTrigger(trigger, who) : engine.resumeTrigger(trigger, who)) {
      audit.record(ctx, pause ? AdminAudit.TRIGGER_PAUSE : AdminAudit.TRIGGER_RESUME, trigger, "");
    }
    ctx.status(303).header("Location", "/admin#triggers");
  }

  /**
   * A signed-in admin's form with a valid CSRF field; otherwise answered (sign-in, or 403) and false. (A viewer
   * never gets here: {@link DashboardAccess} refuses every form of theirs.)
   */
  private boolean adminForm(Context ctx) {
    if (!signedIn(ctx)) {
      return false;
    }
    if (!csrf.valid(ctx, "admin")) {
      html(ctx, 403, message("This page has expired. Please reload the dashboard."));
      return false;
    }
    return true;
  }

  /** The audit log, newest first, {@link #AUDIT_PAGE} entries a page ({@code ?page=N}, from 1). */
  private void auditPage(Context ctx) {
    long total = auditLog.count();
    int pages = (int) Math.max(1, (total + AUDIT_PAGE - 1) / AUDIT_PAGE);
    int page;
    try {
      page = Math.min(pages, Math.max(1, Integer.parseInt(Optional.ofNullable(ctx.queryParam("page")).orElse("1"))));
    } catch (NumberFormatException e) {
      page = 1;
    }
    List<AuditView.Row> rows = auditLog.newestFirst((page - 1) * AUDIT_PAGE, AUDIT_PAGE).stream()
        .map(entry -> new AuditView.Row(TIME_SECONDS.format(entry.at()), entry.actor().name(), entry.actor().role(),
            entry.action(), entry.target(), entry.detail(), entry.actor().address())).toList();
    HtmlOutput out = HtmlOutput.toText();
    JteauditGenerated.render(out, null, new AuditView(config.company(), rows, page, pages, total));
    html(ctx, 200, out.toString());
  }

  private String message(String text) {
    return Html.message("en", "NPS dashboard", config.company(), text);
  }

  private void loginPage(Context ctx, int status, Optional<String> error) {
    HtmlOutput out = HtmlOutput.toText();
    JteloginGenerated.render(out, null, config.company(), csrf.field(ctx, "admin"), error);
    html(ctx, status, out.toString());
  }

  // ---- the page ----

  /**
   * The filters of the query string; a parameter the dashboard cannot use is answered with 400 naming it
   * (and empty).
   */
  Optional<DashboardFilter> filtered(Context ctx) {
    ZoneId zone = config.server().reportingZone();
    try {
      return Optional.of(DashboardFilter.parse(ctx.queryParamMap(), config,
          DashboardFilter.segmentNames(config, reports.segmentValues()), zone,
          clock.instant().atZone(zone).toLocalDate()));
    } catch (DashboardFilter.BadFilter e) {
      html(ctx, 400, message(e.getMessage()));
      return Optional.empty();
    }
  }

  private String page(Context ctx, DashboardFilter filter) {
    Map<String, Map<String, String>> segmentValues = reports.segmentValues();
    ReportRepository.ScoreCounts scores = reports.scoreCounts(filter.answers());
    NpsTally overall = scores.tally();
    List<DashboardView.Tile> tiles = List.of(
        new DashboardView.Tile("NPS, " + filter.from() + " to " + filter.to(), overall.nps().isPresent()
            ? String.format(Locale.ROOT, "%+.0f", overall.nps().getAsDouble()) : "—", interval(overall)),
        new DashboardView.Tile("Answers", Integer.toString(overall.n()), overall.n() == 0
            ? "No answers match these filters." : overall.promoters() + " promoters · "
            + overall.passives() + " passives · " + overall.detractors() + " detractors · "
            + scores.oneClick() + " by one click"),
        responseRate(filter, overall));
    if (!config.alerts().destinations().isEmpty()) {
      tiles = java.util.stream.Stream.concat(tiles.stream(), java.util.stream.Stream.of(new DashboardView.Tile(
          "Alerts sent", Integer.toString(reports.alertsSent(filter.answers())),
          "about these answers, to "
              + String.join(", ", config.alerts().destinations().stream().map(d -> d.kind().key()).toList())))).toList();
    }
    Map<ReportRepository.Dimension, Map<String, NpsTally>> tallies = reports.tallyByEach(filter.answers());
    List<DashboardView.Breakdown> breakdowns = new ArrayList<>(List.of(
        breakdown("By trigger", tallies.get(ReportRepository.Dimension.TRIGGER)),
        breakdown("By channel", tallies.get(ReportRepository.Dimension.CHANNEL)),
        breakdown("By CRM connection", tallies.get(ReportRepository.Dimension.CONNECTION))));
    reports.tallyBySegment(filter.answers()).forEach((segment, values) -> {
      Map<String, String> names = segmentValues.getOrDefault(segment, Map.of());
      Map<String, NpsTally> groups = new TreeMap<>();
      NpsTally valued = NpsTally.EMPTY;
      for (Map.Entry<String, NpsTally> value : values.entrySet()) {
        groups.merge(names.getOrDefault(value.getKey(), value.getKey()), value.getValue(), NpsTally::plus);
        valued = valued.plus(value.getValue());
      }
      // the answers whose contact has no value of the segment
      NpsTally none = NpsTally.of(overall.promoters() - valued.promoters(), overall.passives() - valued.passives(),
          overall.detractors() - valued.detractors());
      if (none.n() > 0) {
        groups.merge("(none)", none, NpsTally::plus);
      }
      breakdowns.add(breakdown("By " + segment, groups));
    });
    DashboardView view = new DashboardView(config.company(), csrf.field(ctx, "admin"),
        filter.view("/admin", config, segmentValues), filter.link(Map.of()), tiles,
        Trend.of(filter, reports, config.server().reportingZone()),
        List.of(distribution(scores, Charts.WIDE), distribution(scores, Charts.NARROW)),
        breakdowns, reports.suppressionsByRule(), triggers(), detractors(filter), failures(), connections(),
        mails.capturing(), DashboardAccess.account(ctx).map(AdminAuth.Account::name).orElse(""),
        DashboardAccess.mayAct(ctx));
    HtmlOutput out = HtmlOutput.toText();
    JtedashboardGenerated.render(out, null, view);
    return out.toString();
  }

  /** Each configured trigger as the file sets it, and whether an admin paused it. */
  private List<DashboardView.Trigger> triggers() {
    Map<String, TriggerPauseRepository.Pause> paused = engine.pausedTriggers();
    String window = sendWindow(config.sendWindow());
    return config.triggers().stream().map(trigger -> new DashboardView.Trigger(trigger.name(), trigger.on().id(),
        trigger.connections().isEmpty() ? "all" : String.join(", ", trigger.connections()),
        trigger.filter().isEmpty() ? "none" : String.join(" and ", trigger.filter().stream()
            .map(String::valueOf).toList()),
        Durations.format(trigger.delay()) + trigger.maxEventAge().map(age -> " (events up to "
            + Durations.format(age) + " old)").orElse(""),
        String.format(Locale.ROOT, "%.0f %%", trigger.samplingRate() * 100),
        trigger.dailyCap().map(cap -> cap + " a day").orElse("none"), window, trigger.enabled(),
        Optional.ofNullable(paused.get(trigger.name())).map(pause -> "paused by " + pause.by() + " since "
            + TIME.format(pause.since())))).toList();
  }

  private static String sendWindow(SendWindowConfig window) {
    String days = window.weekdays().size() == 7 ? "every day" : String.join(", ", window.weekdays().stream()
        .map(day -> day.getDisplayName(java.time.format.TextStyle.SHORT, Locale.ENGLISH)).toList());
    return days + window.quietHours().map(quiet -> ", quiet " + quiet).orElse(", no quiet hours")
        + " (the contact's time)";
  }

  /** Each enabled connection: whether the engine calls its CRM now, its last sync and its API use. */
  private List<DashboardView.Connection> connections() {
    return engine.connectionStatuses().stream().map(status -> {
      Optional<Engine.SyncRun> last = engine.lastSync(status.connection()); // one store read per connection
      return new DashboardView.Connection(status.connection(),
          switch (status.state()) {
            case ACTIVE -> "active";
            case WAITING -> "waiting for the CRM";
            case STOPPED -> "STOPPED: the CRM refused the credentials";
          },
          status.since().map(at -> (status.state() == ConnectionStatus.State.WAITING ? "until " : "since ")
              + TIME.format(at)).orElse(""),
          status.operation().map(operation -> operation + ": ").orElse("") + status.message().orElse(""),
          status.state() == ConnectionStatus.State.STOPPED, last.map(Dashboard::lastSync).orElse("none yet"),
          last.map(run -> run.report().apiCalls() + " calls in the last sync").orElse("—"));
    }).toList();
  }

  private static String lastSync(Engine.SyncRun run) {
    return TIME.format(run.at()) + ": " + run.report().contacts() + " contacts, " + run.report().events()
        + " events, " + run.report().invited() + " invited in " + run.took().toMillis() + " ms";
  }

  private static String interval(NpsTally tally) {
    return tally.ci95().map(ci -> String.format(Locale.ROOT, "95 %% interval %+.0f to %+.0f (n=%d)", ci.low(),
        ci.high(), tally.n())).orElse("n=" + tally.n());
  }

  /**
   * Answers of sent invitations, over the same range, trigger, connection and segment; undefined under a
   * category or a comment search (those pick answers, not invitations).
   */
  private DashboardView.Tile responseRate(DashboardFilter filter, NpsTally overall) {
    if (filter.answers().category().isPresent() || filter.answers().search().isPresent()) {
      return new DashboardView.Tile("Response rate", "—", "not defined for a category or a comment search");
    }
    int sent = reports.sent(filter.answers());
    return new DashboardView.Tile("Response rate", sent == 0 ? "—" : String.format(Locale.ROOT, "%.0f %%",
        100.0 * overall.n() / sent), overall.n() + " answers of " + sent + " sent in the range");
  }

  private static Charts.BarChart distribution(ReportRepository.ScoreCounts scores, int width) {
    List<String> labels = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    List<String> colours = new ArrayList<>();
    for (int score = 0; score <= 10; score++) {
      labels.add(Integer.toString(score));
      counts.add(scores.byScore().get(score));
      colours.add(score >= 9 ? "#2f9e44" : score >= 7 ? "#f0b429" : "#d64545");
    }
    return Charts.bars("Answers by score, 0 to 10", labels, counts, colours, width);
  }

  /** The groups' tallies as a table, in name order. */
  private static DashboardView.Breakdown breakdown(String title, Map<String, NpsTally> groups) {
    List<DashboardView.Group> rows = new ArrayList<>();
    groups.forEach((name, tally) -> rows.add(new DashboardView.Group(name, tally.nps().isPresent()
        ? String.format(Locale.ROOT, "%+.0f", tally.nps().getAsDouble()) : "—",
        tally.ci95().map(ci -> String.format(Locale.ROOT, "%+.0f to %+.0f", ci.low(), ci.high())).orElse("—"),
        tally.n())));
    return new DashboardView.Breakdown(title, rows);
  }

  /** The latest 50 detractors whose follow-up task is not done. */
  private List<DashboardView.Detractor> detractors(DashboardFilter filter) {
    return reports.openDetractors(filter.answers(), 50).stream().map(open -> {
      AnswerRow answer = open.answer();
      String state = open.taskState().orElse(null);
      return new DashboardView.Detractor(answer.answeredAt().truncatedTo(ChronoUnit.MINUTES).toString(),
          answer.contactName(), answer.connection(), answer.score(), answer.comment().orElse(""),
          state == null ? "none configured" : state.equals("FAILED") ? "failed" : "waiting");
    }).toList();
  }

  private List<DashboardView.Failure> failures() {
    return reports.failedWrites(50).stream().map(write -> new DashboardView.Failure(
        write.at().truncatedTo(ChronoUnit.MINUTES).toString(), write.connection(),
        write.kind().toLowerCase(Locale.ROOT).replace('_', ' '), write.contactId().orElse(""),
        write.errorCode().orElse("") + " " + write.errorMessage().orElse(""))).toList();
  }

  // ---- export and API ----

  /**
   * Writes the answers the filters let through as CSV to {@code out}, row by row as the store pages them; cells that a
   * spreadsheet would run as formulas are quoted inert.
   *
   * @return how many answers were written
   */
  private long csv(DashboardFilter filter, java.io.OutputStream out) {
    try (java.io.Writer writer = new java.io.BufferedWriter(new java.io.OutputStreamWriter(out,
            java.nio.charset.StandardCharsets.UTF_8));
        com.fasterxml.jackson.databind.SequenceWriter rows = CSV.writer().writeValues(writer)) {
      writer.write(CSV_HEADER + "\n");
      long[] written = {0};
      reports.forEach(filter.answers(), answer -> {
        String category = Score.of(answer.score()).category().id();
        try {
          rows.write(List.of(inert(answer.answeredAt().toString()), inert(answer.connection()),
              inert(answer.trigger()), inert(answer.channel()), answer.score(), inert(category),
              inert(answer.comment().orElse("")), inert(answer.contactId()), inert(answer.contactName()),
              inert(answer.email().orElse("")), inert(segments(answer.segments()))));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write the CSV export", e);
        }
        written[0]++;
      });
      return written[0];
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the CSV export", e);
    }
  }

  /** Rows through Jackson's CSV writer: every text quoted, numbers as they are. */
  static String csvRows(List<List<Object>> rows) {
    try {
      return CSV.writer().writeValueAsString(rows);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the CSV export", e);
    }
  }

  private static String segments(Map<String, String> segments) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(segments).forEach((key, value) -> text.append(text.length() == 0 ? "" : "; ").append(key)
        .append('=').append(value));
    return text.toString();
  }

  /** A value a spreadsheet would run as a formula, made text with a leading apostrophe. */
  static String inert(String value) {
    return !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
  }

  Map<String, Object> summary() {
    AnswerFilter window = AnswerFilter.since(clock.instant().minus(WINDOW));
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("window_days", WINDOW.toDays());
    summary.put("overall", tallyJson(reports.scoreCounts(window).tally()));
    Map<String, Object> byConnection = new TreeMap<>();
    Map<String, NpsTally> groups = reports.tallyBy(window, ReportRepository.Dimension.CONNECTION);
    groups.forEach((connection, tally) -> byConnection.put(connection, tallyJson(tally)));
    summary.put("by_connection", byConnection);
    summary.put("sent", reports.sentSince(clock.instant().minus(WINDOW)));
    summary.put("suppressed_by_rule", reports.suppressionsByRule());
    return summary;
  }

  private static Map<String, Object> tallyJson(NpsTally tally) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("n", tally.n());
    json.put("nps", tally.nps().isPresent() ? tally.nps().getAsDouble() : null);
    json.put("ci95", tally.ci95().map(ci -> List.of(ci.low(), ci.high())).orElse(null));
    json.put("promoters", tally.promoters());
    json.put("passives", tally.passives());
    json.put("detractors", tally.detractors());
    return json;
  }

  static void html(Context ctx, int status, String html) {
    ctx.status(status).contentType("text/html; charset=utf-8").result(html);
  }

  private static byte[] resource(String name) {
    try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
