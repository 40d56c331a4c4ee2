package io.npsconnector.app.web;

import java.util.List;
import java.util.Map;

/**
 * What the dashboard page ({@code web/dashboard.jte}) shows, as plain values the template escapes.
 *
 * @param suppressions the number of suppressed invitations by rule
 */
record DashboardView(String company, String csrf, List<Tile> tiles, Charts.LineChart overTime,
    Charts.BarChart distribution, List<Breakdown> breakdowns, Map<String, Integer> suppressions,
    List<Trigger> triggers, List<Detractor> detractors, List<Failure> failures, List<Connection> connections) {

  /** A headline figure. */
  record Tile(String label, String value, String detail) {}

  /** NPS by one dimension (trigger, channel, connection, a segment). */
  record Breakdown(String title, List<Group> groups) {}

  /** One group of a breakdown: its NPS and interval ("—" without answers) and its n. */
  record Group(String name, String nps, String interval, int n) {}

  /** An active trigger and the event it reacts to. */
  record Trigger(String name, String on) {}

  /** A detractor waiting for a call, with the state of its follow-up task. */
  record Detractor(String answeredAt, String contact, String connection, int score, String comment, String task) {}

  /**
   * A CRM connection and whether the engine calls it now.
   *
   * @param stopped the CRM refused the credentials: an admin may resume it once they work
   */
  record Connection(String name, String state, String since, String message, boolean stopped) {}

  /** A write-back the CRM refused for good. */
  record Failure(String at, String connection, String what, String contact, String error) {}
}
