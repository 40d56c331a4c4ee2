package io.npsconnector.app.web;

import java.util.List;
import java.util.Optional;

/**
 * NPS per period, as the dashboard shows it: the chart twice (wide for a desktop, narrow for a phone, one of
 * them hidden by the style sheet), each period's figures, and the change between the last two periods.
 *
 * @param heading "NPS by week, 2026-05-04 to 2026-11-02"
 * @param change the change between the last two periods, called significant only by {@code NpsComparison}
 */
record TrendView(String heading, Charts.LineChart wide, Charts.LineChart narrow, List<Period> periods,
    Optional<String> change) {

  /** One period's figures; {@code small} when it has fewer than 30 answers (drawn hollow, "too small"). */
  record Period(String key, String nps, String interval, int n, boolean small) {}
}
