package io.npsconnector.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One condition of a trigger's filter, written {@code ATTRIBUTE OPERATOR [VALUE]}: {@code amount >= 1000},
 * {@code contact.region in [EMEA, APAC]}, {@code contact.phone present}. A bare attribute is the
 * event's ({@code event.} may be written), or the contact's for relationship triggers, which have no
 * event. The conditions of one filter must all hold.
 *
 * @param values one value for comparisons, several for {@code in} / {@code not in}, none for presence
 */
public record FilterCondition(Scope scope, String attribute, Operator operator, List<String> values) {
  /** Whose attribute a condition reads. */
  public enum Scope { EVENT, CONTACT }

  /** The comparison; the four ordering operators compare numbers. */
  public enum Operator {
    EQUALS("="), NOT_EQUALS("!="), LESS("<"), LESS_OR_EQUAL("<="), GREATER(">"), GREATER_OR_EQUAL(">="),
    IN("in"), NOT_IN("not in"), PRESENT("present"), ABSENT("absent");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    public boolean numeric() {
      return this == LESS || this == LESS_OR_EQUAL || this == GREATER || this == GREATER_OR_EQUAL;
    }
  }

  private static final Pattern CONDITION = Pattern.compile(
      "\\s*([A-Za-z_][A-Za-z0-9_.-]*)\\s*(<=|>=|!=|=|<|>|not\\s+in\\b|in\\b|present\\b|absent\\b)\\s*(.*?)\\s*",
      Pattern.CASE_INSENSITIVE);

  public FilterCondition {
    values = List.copyOf(values);
  }

  /** The condition as an admin would write it. */
  @Override
  public String toString() {
    String name = (scope == Scope.CONTACT ? "contact." : "") + attribute;
    return switch (operator) {
      case PRESENT, ABSENT -> name + " " + operator.symbol();
      case IN, NOT_IN -> name + " " + operator.symbol() + " [" + String.join(", ", values) + "]";
      default -> name + " " + operator.symbol() + " " + values.get(0);
    };
  }

  /**
   * Parses one condition.
   *
   * @param contactOnly true for relationship triggers, whose conditions can only read the contact
   * @throws IllegalArgumentException with a message that shows the condition and what is wrong
   */
  public static FilterCondition parse(String text, boolean contactOnly) {
    Matcher matcher = CONDITION.matcher(text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("cannot read condition '" + text + "'; write ATTRIBUTE OPERATOR VALUE, "
          + "such as 'amount >= 1000', 'contact.region in [EMEA, APAC]' or 'contact.phone present'");
    }
    String name = matcher.group(1);
    Scope scope = contactOnly ? Scope.CONTACT : Scope.EVENT;
    if (name.startsWith("contact.")) {
      scope = Scope.CONTACT;
      name = name.substring("contact.".length());
    } else if (name.startsWith("event.")) {
      if (contactOnly) {
        throw new IllegalArgumentException("condition '" + text + "' reads an event attribute, but relationship "
            + "triggers have no event; use contact attributes");
      }
      name = name.substring("event.".length());
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException("condition '" + text + "' names no attribute");
    }
    Operator operator = operator(matcher.group(2));
    String rest = matcher.group(3);
    List<String> values = switch (operator) {
      case PRESENT, ABSENT -> {
        if (!rest.isEmpty()) {
          throw new IllegalArgumentException("condition '" + text + "': '" + operator.symbol() + "' takes no value");
        }
        yield List.of();
      }
      case IN, NOT_IN -> list(text, rest);
      default -> List.of(single(text, rest));
    };
    if (operator.numeric()) {
      try {
        new BigDecimal(values.get(0));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("condition '" + text + "': '" + operator.symbol()
            + "' compares numbers, got '" + values.get(0) + "'");
      }
    }
    return new FilterCondition(scope, name, operator, values);
  }

  private static Operator operator(String symbol) {
    String normal = symbol.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    for (Operator operator : Operator.values()) {
      if (operator.symbol.equals(normal)) {
        return operator;
      }
    }
    throw new IllegalStateException("operator pattern and enum disagree: " + symbol);
  }

  private static String single(String text, String rest) {
    if (rest.isEmpty()) {
      throw new IllegalArgumentException("condition '" + text + "' has no value to compare with");
    }
    return unquote(text, rest);
  }

  private static List<String> list(String text, String rest) {
    boolean bracketed = rest.startsWith("[") && rest.endsWith("]") || rest.startsWith("(") && rest.endsWith(")");
    if (!bracketed) {
      throw new IllegalArgumentException("condition '" + text + "': write the values as a list, such as [EMEA, APAC]");
    }
    List<String> values = new ArrayList<>();
    for (String item : splitOutsideQuotes(rest.substring(1, rest.length() - 1))) {
      if (item.isBlank()) {
        throw new IllegalArgumentException("condition '" + text + "' has an empty value in its list");
      }
      values.add(unquote(text, item.strip()));
    }
    if (values.isEmpty()) {
      throw new IllegalArgumentException("condition '" + text + "' has an empty list");
    }
    return values;
  }

  private static List<String> splitOutsideQuotes(String items) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    char quote = 0;
    for (char c : items.toCharArray()) {
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == ',') {
        parts.add(current.toString());
        current.setLength(0);
        continue;
      }
      current.append(c);
    }
    if (current.length() > 0 || !parts.isEmpty()) {
      parts.add(current.toString());
    }
    return parts;
  }

  private static String unquote(String text, String value) {
    if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
        || value.startsWith("'") && value.endsWith("'"))) {
      return value.substring(1, value.length() - 1);
    }
    if (value.contains("\"") || value.contains("'")) {
      throw new IllegalArgumentException("condition '" + text + "' has an unbalanced quote in " + value);
    }
    return value;
  }
}
