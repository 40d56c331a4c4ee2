package io.npsconnector.app.demo;

import java.util.List;
import java.util.stream.Collectors;

/** RFC 4180 fields: quoted when they hold a comma, a quote or a line break, quotes doubled. */
final class AnswersCsv {
  private AnswersCsv() {}

  static String field(String value) {
    if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
      return '"' + value.replace("\"", "\"\"") + '"';
    }
    return value;
  }

  static String line(List<String> fields) {
    return fields.stream().map(AnswersCsv::field).collect(Collectors.joining(",")) + "\n";
  }
}
