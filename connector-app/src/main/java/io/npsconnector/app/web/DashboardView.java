package io.npsconnector.app.web;

import java.util.List;
import java.util.Map;

/**
 * What the dashboard page ({@code web/dashboard.jte}) shows, as plain values the template escapes.
 *
 * @param filters the filter form; every figure but the configuration and connection tables follows it
 * @param trend NPS per period
 * @param distribution the score distribution, wide and narrow (the style sheet shows one)
 * @param suppressions the number of suppressed invitations by rule
 * @param mails the demo captures mails: link to them
 * @param account the signed-in account's name
 * @param admin the account may act (pause, resume, export): its forms and links are shown
 */
record DashboardView(String company, String csrf, FilterView filters, String responsesLink, List<Tile> tiles,
    TrendView trend, List<Charts.BarChart> distribution, List<Breakdown> breakdowns, Map<String, Integer> suppressions,
    List<Trigger> triggers, List<Detractor> detractors, List<Failure> failures, List<Connection> connections,
    boolean mails, String account, boolean admin) {

  /** A headline figure. */
  record Tile(String label, String value, String detail) {}

  /** NPS by one dimension (trigger, channel, connection, a segment). */
  record Breakdown(String title, List<Group> groups) {}

  /** One group of a breakdown: its NPS and interval ("—" without answers) and its n. */
  record Group(String name, String nps, String interval, int n) {}

  /**
   * A configured trigger as its file sets it.
   *
   * @param enabled false when the file disables it
   * @param paused who paused it from the dashboard and since when; empty while it runs
   */
  record Trigger(String name, String on, String connections, String filters, String delay, String sampling,
      String cap, String sendWindow, boolean enabled, java.util.Optional<String> paused) {}

  /** A detractor waiting for a call, with the state of its follow-up task. */
  record Detractor(String answeredAt, String contact, String connection, int score, String comment, String task) {}

  /**
   * A CRM connection and whether the engine calls it now.
   *
   * @param stopped the CRM refused the credentials: an admin may resume it once they work
   */
  record Connection(String name, String state, String since, String message, boolean stopped, String lastSync,
      String apiUse) {}

  /** A write-back the CRM refused for good. */
  record Failure(String at, String connection, String what, String contact, String error) {}
}
