package io.npsconnector.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The benchmark's rows, printed side by side and written as Markdown and JSON for the README. */
final class Report {
  private static final String[] HEADER = {"work", "npsconnector", "reference / bound", "ratio", "target", "verdict"};
  private final Map<String, Object> setup;
  private final List<Row> rows = new ArrayList<>();

  Report(Map<String, Object> setup) {
    this.setup = new LinkedHashMap<>(setup);
  }

  void add(Row row) {
    rows.add(row);
  }

  List<Row> rows() {
    return List.copyOf(rows);
  }

  private static String[] cells(Row row) {
    return new String[] {row.work(), row.ours(), row.reference(), row.ratioText(), row.target(), row.verdict()};
  }

  void print(PrintStream out) {
    int[] widths = new int[HEADER.length];
    List<String[]> lines = new ArrayList<>();
    lines.add(HEADER);
    rows.forEach(row -> lines.add(cells(row)));
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    out.println();
    setup.forEach((key, value) -> out.println(key + ": " + value));
    for (int l = 0; l < lines.size(); l++) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < HEADER.length; i++) {
        text.append(i == 0 ? "" : " | ").append(pad(lines.get(l)[i], widths[i], i > 0 && i < 4));
      }
      out.println(text.toString().stripTrailing());
      if (l == 0) {
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < HEADER.length; i++) {
          rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
        }
        out.println(rule);
      }
    }
    long failed = rows.stream().filter(row -> row.verdict().equals(Row.FAIL)).count();
    out.println();
    out.println(rows.size() + " rows, " + failed + " outside their target");
  }

  String markdown() {
    StringBuilder text = new StringBuilder();
    setup.forEach((key, value) -> text.append("- ").append(key).append(": ").append(value).append('\n'));
    text.append('\n').append("| ").append(String.join(" | ", HEADER)).append(" |\n");
    text.append("| --- | ---: | ---: | ---: | --- | --- |\n");
    for (Row row : rows) {
      text.append("| ").append(String.join(" | ", cells(row))).append(" |\n");
    }
    return text.toString();
  }

  /** Writes {@code bench.md} and {@code bench.json} into {@code folder}. */
  void write(Path folder) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("bench.md"), markdown());
    List<Map<String, Object>> json = new ArrayList<>();
    for (Row row : rows) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("id", row.id());
      entry.put("work", row.work());
      entry.put("ours", row.ours());
      entry.put("reference", row.reference());
      entry.put("ratio", row.ratio().orElse(null));
      entry.put("target", row.target());
      entry.put("verdict", row.verdict());
      json.add(entry);
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(folder.resolve("bench.json").toFile(), Map.of("setup", setup, "rows", json));
  }

  private static String pad(String text, int width, boolean right) {
    String space = " ".repeat(width - text.length());
    return right ? space + text : text + space;
  }
}
