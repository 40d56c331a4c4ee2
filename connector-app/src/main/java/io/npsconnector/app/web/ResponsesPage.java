package io.npsconnector.app.web;

import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.model.Category;
import io.npsconnector.core.model.Score;
import io.npsconnector.core.render.HtmlOutput;
import io.npsconnector.core.store.ReportRepository;
import io.npsconnector.core.store.ReportRepository.AnswerRow;
import io.npsconnector.core.store.SegmentValues;

/**
 * The responses feed at {@code /admin/responses}: every answer the dashboard's filters let through, newest
 * first, {@value #PAGE_SIZE} to a page, paged in the store by position (a bookmark of a page stays valid as
 * answers arrive), each with a link to the contact's record in its CRM where the adapter knows it.
 */
final class ResponsesPage {
  static final int PAGE_SIZE = 50;

  private final NpsConfig config;
  private final ReportRepository reports;
  private final Engine engine;
  private final Clock clock;
  private final Predicate<Context> signedIn;
  private final Function<Context, Optional<DashboardFilter>> filtered;

  ResponsesPage(NpsConfig config, ReportRepository reports, Engine engine, Clock clock, Predicate<Context> signedIn,
      Function<Context, Optional<DashboardFilter>> filtered) {
    this.config = config;
    this.reports = reports;
    this.engine = engine;
    this.clock = clock;
    this.signedIn = signedIn;
    this.filtered = filtered;
  }

  void register(Javalin app) {
    app.get("/admin/responses", ctx -> {
      if (signedIn.test(ctx)) {
        filtered.apply(ctx).ifPresent(filter -> Dashboard.html(ctx, 200, page(filter)));
      }
    });
  }

  /** The page's values, as {@code web/responses.jte} shows them. */
  record View(String company, FilterView filters, String dashboardLink, int total, List<Response> responses,
      Optional<String> next, boolean first, String firstLink) {
    /** "1 answer matches", "12 answers match". */
    String matches() {
      return total == 1 ? "1 answer matches" : total + " answers match";
    }
  }

  /**
   * One answer.
   *
   * @param segments each segment as "name: value", the value by the CRM's label where it has one
   * @param recordUrl the contact's record in the CRM; empty when the adapter cannot tell
   */
  record Response(String answeredAt, int score, String category, String comment, String contact, String email,
      String account, String trigger, String connection, String segments, Optional<String> recordUrl) {}

  private String page(DashboardFilter filter) {
    ZoneId zone = config.server().reportingZone();
    DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(zone);
    Map<String, Map<String, String>> segmentValues = reports.segmentValues();
    ReportRepository.FeedPage page = reports.feed(filter.answers(), filter.after(), PAGE_SIZE);
    List<Response> responses = page.rows().stream().map(row -> new Response(time.format(row.answeredAt()),
        row.score(), Category.of(Score.of(row.score())).id(), row.comment().orElse(""), row.contactName(),
        row.email().orElse(""), row.account().orElse(""), row.trigger(), row.connection(),
        segments(row, segmentValues), engine.contactUrl(row.connection(), row.contactId()).map(Object::toString)))
        .toList();
    View view = new View(config.company(), filter.view("/admin/responses", config, segmentValues),
        filter.link(Map.of()), reports.count(filter.answers()), responses,
        page.next().map(next -> filter.link(Map.of("after", next.text()))), filter.after().isEmpty(),
        filter.link(Map.of()));
    HtmlOutput out = HtmlOutput.toText();
    JteresponsesGenerated.render(out, null, view);
    return out.toString();
  }

  private static String segments(AnswerRow row, Map<String, Map<String, String>> segmentValues) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(row.segments()).forEach((segment, value) -> {
      if (value != null && !value.isBlank()) {
        String shown = segmentValues.getOrDefault(segment, Map.of()).getOrDefault(SegmentValues.key(value),
            value.strip());
        text.append(text.length() == 0 ? "" : " · ").append(segment).append(": ").append(shown);
      }
    });
    return text.toString();
  }
}
