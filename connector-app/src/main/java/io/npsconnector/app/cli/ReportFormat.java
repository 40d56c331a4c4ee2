package io.npsconnector.app.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import io.npsconnector.core.stats.NpsTally;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** How {@code report} prints an {@link NpsReport}: an aligned table, JSON or CSV. */
enum ReportFormat {
  /** Aligned columns for people, small groups marked with a footnote. */
  TABLE {
    @Override
    void write(NpsReport report, PrintWriter out) {
      List<String[]> lines = new ArrayList<>();
      lines.add(new String[] {"group", "n", "promoters", "passives", "detractors", "NPS", "95% CI"});
      boolean anySmall = false;
      for (NpsReport.Row row : rows(report).toList()) {
        anySmall |= row.small();
        lines.add(new String[] {
          row.key() + (row.small() ? " *" : ""),
          Integer.toString(row.tally().n()),
          Integer.toString(row.tally().promoters()),
          Integer.toString(row.tally().passives()),
          Integer.toString(row.tally().detractors()),
          row.nps().map(BigDecimal::toPlainString).orElse("-"),
          row.ci95().map(ci -> "[" + ci.low().toPlainString() + ", " + ci.high().toPlainString() + "]").orElse("-")
        });
      }
      int[] widths = new int[lines.get(0).length];
      for (String[] line : lines) {
        for (int i = 0; i < line.length; i++) {
          widths[i] = Math.max(widths[i], line[i].length());
        }
      }
      for (String[] line : lines) {
        StringBuilder text = new StringBuilder(pad(line[0], widths[0], false));
        for (int i = 1; i < line.length; i++) {
          // the interval is left-aligned so that its brackets line up
          text.append("  ").append(pad(line[i], widths[i], i != line.length - 1));
        }
        out.println(text.toString().stripTrailing());
      }
      if (anySmall) {
        out.println();
        out.println("* fewer than " + NpsTally.MIN_N_FOR_COMPARISON
            + " answers: too few to compare with another group or period");
      }
    }
  },

  /** {@code {"overall": {...}, "groups": [{"key": ..., ...}]}}, NPS and bounds as numbers or null. */
  JSON {
    @Override
    void write(NpsReport report, PrintWriter out) {
      try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        json.useDefaultPrettyPrinter();
        json.writeStartObject();
        json.writeFieldName("overall");
        writeFigures(json, report.overall(), false);
        json.writeArrayFieldStart("groups");
        for (NpsReport.Row group : report.groups()) {
          writeFigures(json, group, true);
        }
        json.writeEndArray();
        json.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.println();
    }

    private void writeFigures(JsonGenerator json, NpsReport.Row row, boolean withKey) throws IOException {
      json.writeStartObject();
      if (withKey) {
        json.writeStringField("key", row.key());
      }
      json.writeNumberField("n", row.tally().n());
      json.writeNumberField("promoters", row.tally().promoters());
      json.writeNumberField("passives", row.tally().passives());
      json.writeNumberField("detractors", row.tally().detractors());
      json.writeFieldName("nps");
      if (row.nps().isPresent()) {
        json.writeNumber(row.nps().get());
      } else {
        json.writeNull();
      }
      json.writeFieldName("ci95");
      if (row.ci95().isPresent()) {
        json.writeStartObject();
        json.writeNumberField("low", row.ci95().get().low());
        json.writeNumberField("high", row.ci95().get().high());
        json.writeEndObject();
      } else {
        json.writeNull();
      }
      json.writeEndObject();
    }
  },

  /** {@code key,n,promoters,passives,detractors,nps,ci95_low,ci95_high}, the overall row first. */
  CSV {
    @Override
    void write(NpsReport report, PrintWriter out) {
      List<List<String>> lines = new ArrayList<>();
      lines.add(List.of("key", "n", "promoters", "passives", "detractors", "nps", "ci95_low", "ci95_high"));
      rows(report).forEach(row -> lines.add(List.of(
          row.key(),
          Integer.toString(row.tally().n()),
          Integer.toString(row.tally().promoters()),
          Integer.toString(row.tally().passives()),
          Integer.toString(row.tally().detractors()),
          row.nps().map(BigDecimal::toPlainString).orElse(""),
          row.ci95().map(ci -> ci.low().toPlainString()).orElse(""),
          row.ci95().map(ci -> ci.high().toPlainString()).orElse(""))));
      try {
        CSV_MAPPER.writer().writeValues(out).writeAll(lines).flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the report", e);
      }
    }
  };

  private static final CsvMapper CSV_MAPPER = CsvMapper.builder()
      .enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();

  /** Prints {@code report} on {@code out}. */
  abstract void write(NpsReport report, PrintWriter out);

  /** As written on the command line ({@code json}). */
  String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  private static Stream<NpsReport.Row> rows(NpsReport report) {
    return Stream.concat(Stream.of(report.overall()), report.groups().stream());
  }

  private static String pad(String text, int width, boolean right) {
    String padding = " ".repeat(width - text.length());
    return right ? padding + text : text + padding;
  }
}
