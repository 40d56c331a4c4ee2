package io.npsconnector.app.web.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.npsconnector.core.stats.ConfidenceInterval;
import io.npsconnector.core.stats.NpsTally;
import io.npsconnector.core.store.ResponseHistoryRepository.Response;

/** The JSON bodies of the read API, as maps Jackson writes (the shapes {@code openapi.yaml} describes). */
final class NpsSummaryJson {
  private NpsSummaryJson() {}

  static Map<String, Object> summary(String connection, String kind, String crmId, NpsTally tally, Instant since,
      Optional<Response> latest, List<Response> history, PageRequest page, int total, String path) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("connection", connection);
    body.put(kind, crmId);
    body.put("latest", latest.map(NpsSummaryJson::response).orElse(null));
    body.put("rollup", rollup(tally, since));
    body.put("history", history.stream().map(NpsSummaryJson::response).toList());
    Map<String, Object> paging = new LinkedHashMap<>();
    paging.put("page", page.number());
    paging.put("size", page.size());
    paging.put("total", total);
    boolean more = page.offset() + history.size() < total;
    paging.put("next", more ? path + "?page=" + (page.number() + 1) + "&size=" + page.size() : null);
    body.put("paging", paging);
    return body;
  }

  static Map<String, Object> rollup(NpsTally tally, Instant since) {
    Map<String, Object> rollup = new LinkedHashMap<>();
    rollup.put("n", tally.n());
    rollup.put("promoters", tally.promoters());
    rollup.put("passives", tally.passives());
    rollup.put("detractors", tally.detractors());
    rollup.put("nps", tally.nps().isPresent() ? round(tally.nps().getAsDouble()) : null);
    ConfidenceInterval interval = tally.ci95().orElse(null);
    rollup.put("ci95", interval == null ? null : Map.of("low", round(interval.low()), "high", round(interval.high())));
    rollup.put("tooSmallToCompare", tally.tooSmallToCompare());
    rollup.put("since", since.equals(Instant.EPOCH) ? null : since.toString());
    return rollup;
  }

  static Map<String, Object> response(Response response) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("contact", response.contactCrmId());
    row.put("score", response.score());
    row.put("category", response.category());
    row.put("comment", response.comment().orElse(null));
    row.put("trigger", response.trigger());
    row.put("channel", response.channel());
    row.put("answeredAt", response.answeredAt().toString());
    return row;
  }

  static Map<String, Object> error(String message) {
    return Map.of("error", message);
  }

  /** One decimal, as every NPS figure is shown. */
  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }
}
