package io.npsconnector.app.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.config.TriggerConfig;
import io.npsconnector.core.model.Category;
import io.npsconnector.core.stats.CalendarPeriod;
import io.npsconnector.core.store.AnswerFilter;
import io.npsconnector.core.store.ReportRepository.FeedPosition;

/**
 * The filters of the dashboard and the responses feed, read from the query string so that a filtered view can
 * be bookmarked: {@code from} and {@code to} (dates, both included, in the reporting zone), {@code period}
 * (week, month, quarter), {@code trigger}, {@code connection}, {@code category}, {@code q} (text in the
 * comment) and {@code segment.NAME} (a segment's value, any case). The feed adds {@code after}, where its page
 * starts.
 *
 * @param from the first day shown
 * @param to the last day shown
 * @param period the trend's period
 * @param answers the same, as the store's filter
 * @param after where the feed's page starts; empty for the newest
 * @param query the parameters as given (without {@code after}), to carry into links
 */
record DashboardFilter(LocalDate from, LocalDate to, CalendarPeriod period, AnswerFilter answers,
    Optional<FeedPosition> after, Map<String, String> query) {
  /** The range shown when none is given: the last 365 days, today included. */
  static final int DEFAULT_DAYS = 365;
  static final int MAX_SEARCH = 200;
  static final String SEGMENT = "segment.";
  private static final Set<String> PERIODS = Set.of("week", "month", "quarter");

  /** A filter parameter the dashboard cannot use: answered with 400 and this message. */
  static final class BadFilter extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadFilter(String parameter, String message) {
      super("Filter \u2018" + parameter + "\u2019: " + message);
    }
  }

  /**
   * Reads the query string.
   *
   * @param segments the segment names a filter may name (configured or stored)
   * @throws BadFilter naming the parameter at fault
   */
  static DashboardFilter parse(Map<String, List<String>> parameters, NpsConfig config, Set<String> segments,
      ZoneId zone, LocalDate today) {
    Map<String, String> query = new LinkedHashMap<>();
    parameters.forEach((name, values) -> {
      if (values.size() > 1) {
        throw new BadFilter(name, "given " + values.size() + " times; give it once");
      }
      if (!values.isEmpty() && !values.get(0).isBlank() && !name.equals("after")) {
        query.put(name, values.get(0).strip());
      }
    });
    LocalDate to = Optional.ofNullable(query.get("to")).map(text -> date("to", text)).orElse(today);
    LocalDate from = Optional.ofNullable(query.get("from")).map(text -> date("from", text))
        .orElse(to.minusDays(DEFAULT_DAYS - 1L));
    if (from.isAfter(to)) {
      throw new BadFilter("from", from + " is after 'to' (" + to + ")");
    }
    String periodText = query.getOrDefault("period", "week").toLowerCase(Locale.ROOT);
    if (!PERIODS.contains(periodText)) {
      throw new BadFilter("period", "'" + query.get("period") + "' is not a period; use week, month or quarter");
    }
    CalendarPeriod period = CalendarPeriod.valueOf(periodText.toUpperCase(Locale.ROOT));
    AnswerFilter filter = AnswerFilter.ALL.withFrom(from.atStartOfDay(zone).toInstant())
        .withTo(to.plusDays(1).atStartOfDay(zone).toInstant());
    if (query.containsKey("trigger")) {
      filter = filter.withTrigger(known("trigger", query.get("trigger"),
          config.triggers().stream().map(TriggerConfig::name).collect(Collectors.toCollection(TreeSet::new))));
    }
    if (query.containsKey("connection")) {
      filter = filter.withConnection(known("connection", query.get("connection"),
          config.connections().stream().map(ConnectionConfig::name).collect(Collectors.toCollection(TreeSet::new))));
    }
    if (query.containsKey("category")) {
      String category = query.get("category").toLowerCase(Locale.ROOT);
      filter = filter.withCategory(switch (category) {
        case "promoter" -> Category.PROMOTER;
        case "passive" -> Category.PASSIVE;
        case "detractor" -> Category.DETRACTOR;
        default -> throw new BadFilter("category", "'" + query.get("category")
            + "' is not a category; use promoter, passive or detractor");
      });
    }
    if (query.containsKey("q")) {
      if (query.get("q").length() > MAX_SEARCH) {
        throw new BadFilter("q", "the search text is longer than " + MAX_SEARCH + " characters");
      }
      filter = filter.withSearch(query.get("q"));
    }
    for (Map.Entry<String, String> entry : query.entrySet()) {
      if (entry.getKey().startsWith(SEGMENT)) {
        String segment = entry.getKey().substring(SEGMENT.length());
        known(entry.getKey(), segment, segments);
        if (entry.getValue().length() > 255) {
          throw new BadFilter(entry.getKey(), "the value is longer than 255 characters");
        }
        filter = filter.withSegment(segment, entry.getValue());
      }
    }
    Optional<FeedPosition> after = Optional.empty();
    List<String> afterText = parameters.getOrDefault("after", List.of());
    if (!afterText.isEmpty() && !afterText.get(0).isBlank()) {
      try {
        after = Optional.of(FeedPosition.parse(afterText.get(0).strip()));
      } catch (IllegalArgumentException e) {
        throw new BadFilter("after", "'" + afterText.get(0) + "' is not a position in the feed; start again from "
            + "the newest answers");
      }
    }
    return new DashboardFilter(from, to, period, filter, after, query);
  }

  /** The segment names the connections read and those stored contacts have, in name order. */
  static Set<String> segmentNames(NpsConfig config, Map<String, Map<String, String>> segmentValues) {
    Set<String> names = new TreeSet<>(segmentValues.keySet());
    config.connections().forEach(connection -> names.addAll(connection.segments().keySet()));
    return names;
  }

  /** The query string of these filters with {@code changes} applied (a blank value removes the parameter). */
  String link(Map<String, String> changes) {
    Map<String, String> parameters = new TreeMap<>(query);
    changes.forEach((name, value) -> {
      if (value.isBlank()) {
        parameters.remove(name);
      } else {
        parameters.put(name, value);
      }
    });
    return parameters.entrySet().stream().map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
        .collect(Collectors.joining("&", parameters.isEmpty() ? "" : "?", ""));
  }

  /**
   * The filter form for the page at {@code action}: the configured triggers and connections, the categories,
   * each segment's value groups by the name to show ({@code segmentValues}, from the store), the current
   * choice selected.
   */
  FilterView view(String action, NpsConfig config, Map<String, Map<String, String>> segmentValues) {
    List<FilterView.Select> selects = new java.util.ArrayList<>();
    Map<String, String> periods = new LinkedHashMap<>();
    List.of("week", "month", "quarter").forEach(choice -> periods.put(choice, choice));
    selects.add(select("period", "Trend by", false, periods, period.id()));
    Map<String, String> triggers = new LinkedHashMap<>();
    config.triggers().forEach(trigger -> triggers.put(trigger.name(), trigger.name()));
    selects.add(select("trigger", "Trigger", true, triggers, value("trigger")));
    Map<String, String> connections = new LinkedHashMap<>();
    config.connections().forEach(connection -> connections.put(connection.name(), connection.name()));
    selects.add(select("connection", "Connection", true, connections, value("connection")));
    Map<String, String> categories = new LinkedHashMap<>();
    List.of("promoter", "passive", "detractor").forEach(category -> categories.put(category, category + "s"));
    selects.add(select("category", "Category", true, categories, value("category").toLowerCase(Locale.ROOT)));
    for (String segment : segmentNames(config, segmentValues)) {
      Map<String, String> values = segmentValues.getOrDefault(segment, Map.of());
      String chosen = answers.segments().getOrDefault(segment, "");
      selects.add(select(SEGMENT + segment, segment, true, values, chosen));
    }
    List<String> summary = new java.util.ArrayList<>();
    answers.trigger().ifPresent(trigger -> summary.add("trigger " + trigger));
    answers.connection().ifPresent(connection -> summary.add("connection " + connection));
    answers.category().ifPresent(category -> summary.add(category.id() + "s"));
    answers.segments().forEach((segment, key) -> summary.add(segment + " "
        + segmentValues.getOrDefault(segment, Map.of()).getOrDefault(key, key)));
    answers.search().ifPresent(search -> summary.add("comment contains \u201c" + search + "\u201d"));
    return new FilterView(action, from.toString(), to.toString(), value("q"), selects, String.join(" · ", summary));
  }

  private static FilterView.Select select(String name, String label, boolean all, Map<String, String> choices,
      String chosen) {
    List<FilterView.Option> options = new java.util.ArrayList<>();
    if (all) {
      options.add(new FilterView.Option("", "all", chosen.isEmpty()));
    }
    choices.forEach((value, text) -> options.add(new FilterView.Option(value, text, value.equals(chosen))));
    return new FilterView.Select(name, label, options);
  }

  /** The value given for {@code name}, or "". */
  String value(String name) {
    return query.getOrDefault(name, "");
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static LocalDate date(String parameter, String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new BadFilter(parameter, "'" + text + "' is not a date; use YYYY-MM-DD, such as 2026-11-02");
    }
  }

  private static String known(String parameter, String value, Set<String> names) {
    if (!names.contains(value)) {
      throw new BadFilter(parameter, "there is none named '" + value + "'"
          + (names.isEmpty() ? "" : "; known: " + String.join(", ", names)));
    }
    return value;
  }
}
