package io.npsconnector.sandbox.salesforce;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A parsed SOQL statement of the subset the sandbox answers: {@code SELECT} field paths (relationship paths
 * such as {@code Account.Industry} included) and parent-to-child sub-queries, {@code FROM} one object,
 * {@code WHERE} comparisons ({@code = != < <= > >=}, {@code IN (...)} lists) joined by {@code AND} with string, boolean, null,
 * number, date and dateTime literals, {@code ORDER BY} with {@code ASC}/{@code DESC}, and {@code LIMIT}.
 * Anything else is a {@code MALFORMED_QUERY}, as Salesforce would answer for a statement it cannot parse.
 */
final class SoqlStatement {
  /** What a literal was written as. */
  enum Kind { STRING, WORD }

  record Literal(Kind kind, String text) {
    boolean isNull() {
      return kind == Kind.WORD && text.equalsIgnoreCase("null");
    }
  }

  /** A comparison; for {@code IN}, {@code values} holds the list and {@code literal} its first value. */
  record Condition(String path, String operator, Literal literal, List<Literal> values) {
    Condition(String path, String operator, Literal literal) {
      this(path, operator, literal, List.of(literal));
    }
  }

  record Order(String path, boolean descending) {}

  /** A parent-to-child sub-query such as {@code (SELECT ContactId FROM OpportunityContactRoles)}. */
  record SubQuery(String relationship, List<String> select, List<Condition> where, List<Order> orderBy,
      OptionalInt limit) {}

  final String text;
  final String from;
  /** Field paths ({@link String}) and {@link SubQuery}s in their order. */
  final List<Object> select;
  final List<Condition> where;
  final List<Order> orderBy;
  final OptionalInt limit;

  private SoqlStatement(String text, String from, List<Object> select, List<Condition> where, List<Order> orderBy,
      OptionalInt limit) {
    this.text = text;
    this.from = from;
    this.select = select;
    this.where = where;
    this.orderBy = orderBy;
    this.limit = limit;
  }

  /** Salesforce's limit on the length of a statement. */
  static final int MAX_LENGTH = 100_000;

  static SoqlStatement parse(String text) {
    if (text.length() > MAX_LENGTH) {
      throw new SoapFault("MALFORMED_QUERY", "SOQL statements cannot be longer than " + MAX_LENGTH + " characters.");
    }
    Parser parser = new Parser(text, tokens(text));
    SoqlStatement statement = parser.statement();
    if (!parser.atEnd()) {
      throw SoapFault.malformed(text, "unexpected token: '" + parser.peek() + "'");
    }
    return statement;
  }

  private record Token(String text, boolean string) {
    @Override
    public String toString() {
      return text;
    }
  }

  private static List<Token> tokens(String text) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '\'') {
        StringBuilder value = new StringBuilder();
        i++;
        boolean closed = false;
        while (i < text.length()) {
          char d = text.charAt(i++);
          if (d == '\\' && i < text.length()) {
            char next = text.charAt(i++);
            value.append(switch (next) {
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              case 'b' -> '\b';
              case 'f' -> '\f';
              default -> next;
            });
          } else if (d == '\'') {
            closed = true;
            break;
          } else {
            value.append(d);
          }
        }
        if (!closed) {
          throw SoapFault.malformed(text, "unterminated string literal");
        }
        tokens.add(new Token(value.toString(), true));
      } else if (c == '(' || c == ')' || c == ',') {
        tokens.add(new Token(String.valueOf(c), false));
        i++;
      } else if (c == '=' || c == '!' || c == '<' || c == '>') {
        int start = i++;
        if (i < text.length() && (text.charAt(i) == '=' || (c == '<' && text.charAt(i) == '>'))) {
          i++;
        }
        tokens.add(new Token(text.substring(start, i), false));
      } else {
        int start = i;
        while (i < text.length() && !Character.isWhitespace(text.charAt(i)) && "(),'=!<>".indexOf(text.charAt(i)) < 0) {
          i++;
        }
        tokens.add(new Token(text.substring(start, i), false));
      }
    }
    return tokens;
  }

  private static final class Parser {
    private final String text;
    private final List<Token> tokens;
    private int position;

    Parser(String text, List<Token> tokens) {
      this.text = text;
      this.tokens = tokens;
    }

    boolean atEnd() {
      return position >= tokens.size();
    }

    Token peek() {
      return atEnd() ? new Token("<end>", false) : tokens.get(position);
    }

    private boolean keyword(String word) {
      if (!atEnd() && !peek().string() && peek().text().equalsIgnoreCase(word)) {
        position++;
        return true;
      }
      return false;
    }

    private void expect(String word) {
      if (!keyword(word)) {
        throw SoapFault.malformed(text, "unexpected token: '" + peek() + "', expecting '" + word + "'");
      }
    }

    private String name() {
      Token token = peek();
      if (atEnd() || token.string() || !token.text().matches("[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)*")) {
        throw SoapFault.malformed(text, "unexpected token: '" + token + "'");
      }
      position++;
      return token.text();
    }

    SoqlStatement statement() {
      expect("SELECT");
      List<Object> select = new ArrayList<>();
      do {
        if (keyword("(")) {
          select.add(subQuery());
        } else {
          select.add(name());
        }
      } while (keyword(","));
      expect("FROM");
      String from = name();
      List<Condition> where = where();
      List<Order> order = orderBy();
      OptionalInt limit = limit();
      return new SoqlStatement(text, from, List.copyOf(select), where, order, limit);
    }

    private SubQuery subQuery() {
      expect("SELECT");
      List<String> fields = new ArrayList<>();
      do {
        fields.add(name());
      } while (keyword(","));
      expect("FROM");
      String relationship = name();
      List<Condition> where = where();
      List<Order> order = orderBy();
      OptionalInt limit = limit();
      expect(")");
      return new SubQuery(relationship, List.copyOf(fields), where, order, limit);
    }

    private List<Condition> where() {
      List<Condition> conditions = new ArrayList<>();
      if (!keyword("WHERE")) {
        return conditions;
      }
      do {
        String path = name();
        if (keyword("IN")) {
          conditions.add(in(path));
          continue;
        }
        Token operator = peek();
        if (atEnd() || !List.of("=", "!=", "<>", "<", "<=", ">", ">=").contains(operator.text()) || operator.string()) {
          throw SoapFault.malformed(text, "unexpected token: '" + operator + "'");
        }
        position++;
        Token value = peek();
        if (atEnd() || (!value.string() && "(),".contains(value.text()))) {
          throw SoapFault.malformed(text, "unexpected token: '" + value + "'");
        }
        position++;
        String op = operator.text().equals("<>") ? "!=" : operator.text();
        conditions.add(new Condition(path, op, new Literal(value.string() ? Kind.STRING : Kind.WORD, value.text())));
      } while (keyword("AND"));
      if (!atEnd() && (peek().text().equalsIgnoreCase("OR") || peek().text().equalsIgnoreCase("NOT"))) {
        throw SoapFault.malformed(text, "the sandbox answers AND-ed conditions only, got '" + peek() + "'");
      }
      return List.copyOf(conditions);
    }

    /** {@code IN ('a', 'b')}: a parenthesised, comma-separated list of literals, at least one. */
    private Condition in(String path) {
      expect("(");
      List<Literal> values = new ArrayList<>();
      do {
        Token value = peek();
        if (atEnd() || (!value.string() && "(),".contains(value.text()))) {
          throw SoapFault.malformed(text, "unexpected token: '" + value + "'");
        }
        position++;
        values.add(new Literal(value.string() ? Kind.STRING : Kind.WORD, value.text()));
      } while (keyword(","));
      expect(")");
      return new Condition(path, "IN", values.get(0), List.copyOf(values));
    }

    private List<Order> orderBy() {
      List<Order> order = new ArrayList<>();
      if (!keyword("ORDER")) {
        return order;
      }
      expect("BY");
      do {
        String path = name();
        boolean descending = keyword("DESC");
        if (!descending) {
          keyword("ASC");
        }
        order.add(new Order(path, descending));
      } while (keyword(","));
      return List.copyOf(order);
    }

    private OptionalInt limit() {
      if (!keyword("LIMIT")) {
        return OptionalInt.empty();
      }
      Token value = peek();
      try {
        position++;
        return OptionalInt.of(Integer.parseInt(value.text()));
      } catch (NumberFormatException e) {
        throw SoapFault.malformed(text, "unexpected token: '" + value + "'");
      }
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
