package io.npsconnector.salesforce.read;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/**
 * The only ways a value enters a SOQL statement: quoted and escaped string literals, DateTime literals,
 * and names checked to be plain field paths. Nothing else is ever concatenated into a query.
 */
public final class Soql {
  private static final Pattern FIELD_PATH = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,79}(\\.[A-Za-z][A-Za-z0-9_]{0,79}){0,4}");

  private Soql() {}

  /** A string literal: quoted, with {@code \ ' " \n \r \t \b \f} backslash-escaped. */
  public static String literal(String value) {
    StringBuilder quoted = new StringBuilder(value.length() + 2).append('\'');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> quoted.append("\\\\");
        case '\'' -> quoted.append("\\'");
        case '"' -> quoted.append("\\\"");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        case '\b' -> quoted.append("\\b");
        case '\f' -> quoted.append("\\f");
        default -> quoted.append(c);
      }
    }
    return quoted.append('\'').toString();
  }

  /** An unquoted DateTime literal in UTC, to the second ({@code 2025-01-15T10:30:00Z}). */
  public static String dateTime(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /**
   * A field name or relationship path ({@code MailingCountry}, {@code Account.Industry}) as it is.
   *
   * @throws IllegalArgumentException when it is anything else (quotes, spaces, operators)
   */
  public static String field(String path) {
    if (!FIELD_PATH.matcher(path).matches()) {
      throw new IllegalArgumentException("not a Salesforce field name or relationship path: '" + path + "'");
    }
    return path;
  }
}
