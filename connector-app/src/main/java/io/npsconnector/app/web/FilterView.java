package io.npsconnector.app.web;

import java.util.List;

/**
 * The filter form above the dashboard and the responses feed, as plain values the template
 * ({@code web/filters.jte}) escapes.
 *
 * @param action the page the form reloads ({@code /admin} or {@code /admin/responses})
 * @param selects the choices (period, trigger, connection, category, each segment), the current one selected
 * @param summary the filters in force in words ("trigger won · region EMEA"), empty when none
 */
record FilterView(String action, String from, String to, String search, List<Select> selects, String summary) {

  /** A drop-down: its parameter, label and options; the first option is "all" (an empty value) where allowed. */
  record Select(String name, String label, List<Option> options) {}

  /** One choice of a drop-down. */
  record Option(String value, String label, boolean selected) {}
}
