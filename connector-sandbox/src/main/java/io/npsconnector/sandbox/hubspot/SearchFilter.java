package io.npsconnector.sandbox.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One search filter, read from its JSON once: its bounds parsed once, so checking a record parses only the
 * record's value. Answers as HubSpot's filter operators do (see {@link Portal#compare} for how values compare).
 */
final class SearchFilter {
  private final String name;
  private final String operator;
  private final List<String> values = new ArrayList<>();
  private final String token;
  private final Bound bound;
  private final Bound high;

  /** A bound of a comparison, with the number and the instant it reads as. */
  private record Bound(String text, OptionalDouble number, Optional<Long> millis) {
    static Bound of(String text) {
      return text == null ? null : new Bound(text, Portal.number(text), Portal.millis(text));
    }

    /** {@link Portal#compare}{@code (actual, text)}. */
    int compareWith(String actual) {
      if (number.isPresent()) {
        OptionalDouble x = Portal.number(actual);
        if (x.isPresent()) {
          return Double.compare(x.getAsDouble(), number.getAsDouble());
        }
      }
      if (millis.isPresent()) {
        Optional<Long> s = Portal.millis(actual);
        if (s.isPresent()) {
          return Long.compare(s.get(), millis.get());
        }
      }
      return actual.compareToIgnoreCase(text);
    }
  }

  SearchFilter(JsonNode filter) {
    this.name = filter.path("propertyName").asText();
    this.operator = filter.path("operator").asText("EQ");
    for (JsonNode value : filter.path("values")) {
      values.add(value.asText());
    }
    this.token = filter.path("value").asText("").replace("*", "").toLowerCase(Locale.ROOT);
    String text = filter.path("value").asText(null);
    this.bound = Bound.of(text);
    this.high = text == null ? null : Bound.of(filter.path("highValue").asText(text));
  }

  boolean test(Portal.Record record) {
    String actual = Portal.value(record, name);
    boolean present = actual != null && !actual.isBlank();
    switch (operator) {
      case "HAS_PROPERTY":
        return present;
      case "NOT_HAS_PROPERTY":
        return !present;
      case "IN":
      case "NOT_IN": {
        boolean in = false;
        for (String value : values) {
          in |= present && value.equalsIgnoreCase(actual);
        }
        return operator.equals("IN") == in;
      }
      case "CONTAINS_TOKEN":
      case "NOT_CONTAINS_TOKEN": {
        boolean contains = present && actual.toLowerCase(Locale.ROOT).contains(token);
        return operator.equals("CONTAINS_TOKEN") == contains;
      }
      default:
        break;
    }
    if (!present || bound == null) {
      return operator.equals("NEQ") && present;
    }
    int c = bound.compareWith(actual);
    return switch (operator) {
      case "EQ" -> c == 0;
      case "NEQ" -> c != 0;
      case "LT" -> c < 0;
      case "LTE" -> c <= 0;
      case "GT" -> c > 0;
      case "GTE" -> c >= 0;
      case "BETWEEN" -> c >= 0 && high.compareWith(actual) <= 0;
      default -> false;
    };
  }
}
