package io.npsconnector.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One condition of a trigger's filter, written {@code ATTRIBUTE OPERATOR [VALUE]}: {@code amount >= 1000},
 * {@code contact.region in [EMEA, APAC]}, {@code contact.phone present}. A bare attribute is the
 * event's ({@code event.} may be written), or the contact's for relationship triggers, which have no
 * event. The conditions of one filter must all hold.
 *
 * <p>Operators written the way other languages spell them ({@code =>}, {@code ==}, {@code =<},
 * {@code <>}) and unquoted values that start with an operator character are refused with a
 * suggestion, since they would otherwise read as a comparison with a strange value that never holds.
 *
 * @param values one value for comparisons, several for {@code in} / {@code not in}, none for presence
 * @param location where the condition is written ({@link ConfigLocation#NONE} when built in code)
 */
public record FilterCondition(Scope scope, String attribute, Operator operator, List<String> values,
    ConfigLocation location) {
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
  /** An attribute and whatever stands where the operator should, for conditions the grammar refuses. */
  private static final Pattern ATTRIBUTE_AND_WORD = Pattern.compile(
      "\\s*[A-Za-z_][A-Za-z0-9_.-]*+(?:\\s*([=<>!]+)|\\s+([A-Za-z]+))(.*)", Pattern.DOTALL);
  private static final String OPERATOR_CHARACTERS = "=<>!";
  /** How other languages write our operators. */
  private static final Map<String, String> FOREIGN_OPERATORS = Map.ofEntries(Map.entry("=>", ">="),
      Map.entry("=<", "<="), Map.entry("==", "="), Map.entry("===", "="), Map.entry("<>", "!="), Map.entry("=!", "!="),
      Map.entry("!==", "!="), Map.entry(">==", ">="), Map.entry("<==", "<="), Map.entry("eq", "="),
      Map.entry("is", "="), Map.entry("equals", "="), Map.entry("ne", "!="), Map.entry("neq", "!="),
      Map.entry("gt", ">"), Map.entry("ge", ">="), Map.entry("gte", ">="), Map.entry("lt", "<"), Map.entry("le", "<="),
      Map.entry("lte", "<="));
  private static final List<String> WORD_OPERATORS = List.of("in", "not", "present", "absent");

  public FilterCondition {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(attribute, "attribute");
    Objects.requireNonNull(operator, "operator");
    values = List.copyOf(values);
    Objects.requireNonNull(location, "location");
  }

  /** A condition built in code, with no place in a file. */
  public FilterCondition(Scope scope, String attribute, Operator operator, List<String> values) {
    this(scope, attribute, operator, values, ConfigLocation.NONE);
  }

  /** This condition, written at {@code where}. */
  public FilterCondition at(ConfigLocation where) {
    return new FilterCondition(scope, attribute, operator, values, where);
  }

  /** The attribute as written in filters: {@code contact.region}, or {@code amount} for the event's. */
  public String qualifiedName() {
    return (scope == Scope.CONTACT ? "contact." : "") + attribute;
  }

  /** The condition as an admin would write it. */
  @Override
  public String toString() {
    String name = qualifiedName();
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
      throw new IllegalArgumentException(unknownOperator(text).map(problem -> "condition '" + text + "': " + problem)
          .orElse("cannot read condition '" + text + "'; write ATTRIBUTE OPERATOR VALUE, such as 'amount >= 1000', "
              + "'contact.region in [EMEA, APAC]' or 'contact.phone present'"));
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
    if (startsWithOperatorCharacter(rest)) {
      throw new IllegalArgumentException("condition '" + text + "': " + operatorTypo(matcher.group(1), operator, rest));
    }
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
    if (operator.numeric() && number(values.get(0)).isEmpty()) {
      throw new IllegalArgumentException("condition '" + text + "': '" + operator.symbol()
          + "' compares numbers, got '" + values.get(0) + "'" + numberMeant(values.get(0))
          .map(number -> " — did you mean '" + matcher.group(1) + " " + operator.symbol() + " " + number + "'?")
          .orElse(""));
    }
    return new FilterCondition(scope, name, operator, values);
  }

  /** The value as a number, when it is one ({@code 1000}, {@code -5.5}, {@code 1e3}). */
  public static Optional<BigDecimal> number(String value) {
    try {
      return Optional.of(new BigDecimal(value.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The number a value with thousands separators or a currency sign means ({@code 1,000}, {@code $500}). */
  private static Optional<String> numberMeant(String value) {
    String bare = value.replaceAll("[\\s,_$€£¥]", "");
    return bare.isEmpty() || bare.equals(value) ? Optional.empty() : number(bare).map(BigDecimal::toPlainString);
  }

  private static boolean startsWithOperatorCharacter(String value) {
    return !value.isEmpty() && OPERATOR_CHARACTERS.indexOf(value.charAt(0)) >= 0;
  }

  /**
   * Why a value that starts with an operator character is refused: the operator the admin meant when
   * the characters around it spell one in another language ({@code =>}), else how to quote it.
   */
  private static String operatorTypo(String attribute, Operator operator, String rest) {
    int end = 0;
    while (end < rest.length() && OPERATOR_CHARACTERS.indexOf(rest.charAt(end)) >= 0) {
      end++;
    }
    String written = operator.symbol() + rest.substring(0, end);
    String value = rest.substring(end).strip();
    boolean symbolic = !Character.isLetter(operator.symbol().charAt(0));
    if (symbolic && FOREIGN_OPERATORS.containsKey(written)) {
      String meant = FOREIGN_OPERATORS.get(written);
      return "unknown operator '" + written + "' — did you mean '" + meant + "'? (write '" + attribute + " " + meant
          + (value.isEmpty() ? "" : " " + value) + "')";
    }
    if (symbolic) {
      return "unknown operator '" + written + "'; the operators are " + operatorList();
    }
    return "the value '" + rest + "' starts with an operator character; quote it (\"" + rest
        + "\") if it is meant as text";
  }

  /** For a condition the grammar refuses: the operator it has instead of one of ours, with a suggestion. */
  private static Optional<String> unknownOperator(String text) {
    Matcher matcher = ATTRIBUTE_AND_WORD.matcher(text);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    boolean symbolic = matcher.group(1) != null;
    String written = symbolic ? matcher.group(1) : matcher.group(2);
    Optional<String> meant = Optional.ofNullable(FOREIGN_OPERATORS.get(written.toLowerCase(Locale.ROOT)))
        .or(() -> symbolic ? Optional.empty() : nearWordOperator(written.toLowerCase(Locale.ROOT)));
    if (meant.isEmpty() && !symbolic) {
      return Optional.empty();
    }
    return Optional.of("unknown operator '" + written + "'" + meant.map(m -> " — did you mean '" + m + "'?").orElse("")
        + "; the operators are " + operatorList());
  }

  /** A word one typing slip away from a word operator ({@code inn}, {@code presnt}). */
  private static Optional<String> nearWordOperator(String word) {
    return WORD_OPERATORS.stream().filter(operator -> Suggestions.distance(word, operator) <= (word.length() > 4 ? 2 : 1))
        .findFirst().map(operator -> operator.equals("not") ? "not in" : operator);
  }

  private static String operatorList() {
    return String.join(", ", Arrays.stream(Operator.values()).map(Operator::symbol).toList());
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
      if (startsWithOperatorCharacter(item.strip())) {
        throw new IllegalArgumentException("condition '" + text + "': the value '" + item.strip() + "' starts with "
            + "an operator character; quote it (\"" + item.strip() + "\") if it is meant as text");
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
