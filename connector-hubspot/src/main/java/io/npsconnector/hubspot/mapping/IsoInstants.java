package io.npsconnector.hubspot.mapping;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the one date-time shape HubSpot writes ({@code 2025-03-03T09:00:00Z} or with a fraction of 1 to 9
 * digits, always UTC) without the general ISO parser, which costs several times more per value: a read
 * parses one or two per record. Anything else is left to {@link Instant#parse}.
 */
final class IsoInstants {
  private IsoInstants() {}

  /** The instant, or null when {@code value} is not of that shape (or not a valid date and time). */
  static Instant parse(String value) {
    int length = value.length();
    if (length < 20 || value.charAt(length - 1) != 'Z' || value.charAt(4) != '-' || value.charAt(7) != '-'
        || value.charAt(10) != 'T' || value.charAt(13) != ':' || value.charAt(16) != ':') {
      return null;
    }
    int year = number(value, 0, 4);
    int month = number(value, 5, 7);
    int day = number(value, 8, 10);
    int hour = number(value, 11, 13);
    int minute = number(value, 14, 16);
    int second = number(value, 17, 19);
    int nanos = 0;
    if (length > 20) {
      int digits = length - 21;
      if (value.charAt(19) != '.' || digits < 1 || digits > 9) {
        return null;
      }
      nanos = number(value, 20, length - 1);
      for (int i = digits; i < 9 && nanos >= 0; i++) {
        nanos *= 10;
      }
    }
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
        || minute > 59 || second < 0 || second > 59 || nanos < 0) {
      return null;
    }
    if (day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()) {
      return null;
    }
    long days = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The decimal number in {@code [from, to)}, or -1 when any character there is not a digit. */
  private static int number(String value, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
