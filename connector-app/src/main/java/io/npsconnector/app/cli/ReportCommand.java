package io.npsconnector.app.cli;

import io.npsconnector.app.cli.CsvRecordReader.CsvRecord;
import io.npsconnector.core.model.InvalidScoreException;
import io.npsconnector.core.model.Score;
import io.npsconnector.core.stats.CalendarPeriod;
import io.npsconnector.core.stats.NpsBreakdown;
import io.npsconnector.core.stats.NpsTally;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code report --responses FILE.csv}: NPS with n, counts and its 95 % interval, overall and per group. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Prints NPS with n, the promoter, passive and detractor counts and its 95%% interval (adjusted Wald), "
          + "overall and per period or segment, from a CSV of answers.",
      "The CSV has a header row, a 'score' column (whole numbers 0-10) and optionally an 'answered_at' column "
          + "(2026-11-22, 2026-11-22T10:15:00Z); any other column can be a segment. Groups with fewer than "
          + NpsTally.MIN_N_FOR_COMPARISON + " answers are marked: too few to compare.",
      "Bad rows are reported on standard error as FILE:LINE: column: message and skipped (exit 0), "
          + "or end the command with --strict (exit 1)."
    })
final class ReportCommand implements Callable<Integer> {
  static final String SCORE = "score";
  static final String ANSWERED_AT = "answered_at";
  /** The segment key of rows whose segment value is blank. */
  static final String BLANK = "(blank)";

  // stands for bytes that are not UTF-8; a lone surrogate, which decoding valid UTF-8 never yields
  private static final String NOT_UTF8 = "\uDC00";

  private static final DateTimeFormatter ANSWERED_AT_FORMAT = new DateTimeFormatterBuilder()
      .parseCaseInsensitive()
      .append(DateTimeFormatter.ISO_LOCAL_DATE)
      .optionalStart()
      .appendLiteral('T')
      .append(DateTimeFormatter.ISO_LOCAL_TIME)
      .optionalStart()
      .appendOffsetId()
      .toFormatter(Locale.ROOT)
      .withResolverStyle(ResolverStyle.STRICT);

  private static final Comparator<List<String>> KEY_ORDER = (a, b) -> {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int order = a.get(i).compareTo(b.get(i));
      if (order != 0) {
        return order;
      }
    }
    return Integer.compare(a.size(), b.size());
  };

  @Spec CommandSpec spec;

  @Option(names = "--responses", required = true, paramLabel = "FILE",
      description = "The CSV of answers, UTF-8, with a header row.")
  Path responses;

  @Option(names = "--by", paramLabel = "PERIOD", converter = PeriodConverter.class,
      completionCandidates = PeriodConverter.class,
      description = "Groups by the calendar period of answered_at: ${COMPLETION-CANDIDATES} "
          + "(weeks are ISO weeks, 2026-W47).")
  CalendarPeriod by;

  @Option(names = "--segment", paramLabel = "COLUMN",
      description = "Groups by the value of this column; blank values form the group " + BLANK
          + ". With --by, groups are PERIOD / VALUE.")
  String segment;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", converter = FormatConverter.class,
      completionCandidates = FormatConverter.class,
      description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ReportFormat format;

  @Option(names = "--strict", description = "Fails on the first bad row instead of skipping it.")
  boolean strict;

  @Option(names = "--zone", paramLabel = "ZONE", defaultValue = "UTC", converter = ZoneConverter.class,
      description = "With --by, date-times with an offset are dated in this time zone (default: "
          + "${DEFAULT-VALUE}); date-times without an offset are dated as written.")
  ZoneId zone;

  @Override
  public Integer call() {
    String file = responses.toString();
    NpsBreakdown<List<String>> breakdown = NpsBreakdown.sortedBy(KEY_ORDER);
    int skipped = 0;
    try (CsvRecordReader reader = open(file)) {
      Columns columns = readHeader(file, reader);
      for (Optional<CsvRecord> next = reader.next(); next.isPresent(); next = reader.next()) {
        try {
          Answer answer = columns.answer(next.get(), by, zone);
          breakdown.add(answer.key(), answer.score());
        } catch (BadRowException e) {
          String message = file + ":" + next.get().line() + ": " + e.getMessage();
          if (strict) {
            throw new CommandFailure(message);
          }
          spec.commandLine().getErr().println(message);
          skipped++;
        }
      }
    } catch (IOException e) {
      throw new CommandFailure(file + ": cannot read: " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    format.write(report(breakdown), out);
    out.flush();
    if (skipped > 0) {
      spec.commandLine().getErr().println("skipped " + skipped + " bad row" + (skipped == 1 ? "" : "s"));
    }
    return 0;
  }

  private NpsReport report(NpsBreakdown<List<String>> breakdown) {
    List<NpsReport.Row> groups = new ArrayList<>();
    if (by != null || segment != null) {
      for (Map.Entry<List<String>, NpsTally> group : breakdown.groups().entrySet()) {
        groups.add(new NpsReport.Row(String.join(" / ", group.getKey()), group.getValue()));
      }
    }
    return new NpsReport(new NpsReport.Row(NpsReport.OVERALL, breakdown.overall()), groups);
  }

  private CsvRecordReader open(String file) {
    if (Files.isDirectory(responses)) {
      throw new CommandFailure(file + ": is a directory, not a CSV file");
    }
    try {
      // bad bytes are marked rather than thrown, so that they are reported on their own line and row
      CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE).replaceWith(NOT_UTF8);
      return new CsvRecordReader(new BufferedReader(new InputStreamReader(Files.newInputStream(responses), utf8)));
    } catch (NoSuchFileException e) {
      throw new CommandFailure(file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new CommandFailure(file + ": cannot read: permission denied");
    } catch (IOException e) {
      throw new CommandFailure(file + ": cannot read: " + e.getMessage());
    }
  }

  private Columns readHeader(String file, CsvRecordReader reader) throws IOException {
    CsvRecord header = reader.next().orElseThrow(() -> new CommandFailure(
        file + ": empty file; expected a header row with a '" + SCORE + "' column"));
    header.problem().ifPresent(problem -> {
      throw new CommandFailure(file + ":" + header.line() + ": header: " + problem);
    });
    if (header.fields().stream().anyMatch(name -> name.contains(NOT_UTF8))) {
      throw new CommandFailure(file + ":" + header.line() + ": header: not UTF-8 text");
    }
    List<String> names = header.fields().stream().map(String::strip).toList();
    String listed = " (columns: " + String.join(", ", names) + ")";
    int score = column(file, names, SCORE).orElseThrow(() -> new CommandFailure(
        file + ": no '" + SCORE + "' column in the header" + listed));
    OptionalInt answeredAt = column(file, names, ANSWERED_AT);
    if (by != null && answeredAt.isEmpty()) {
      throw new CommandFailure(file + ": --by " + by.id() + " needs an '" + ANSWERED_AT
          + "' column, and the header has none" + listed);
    }
    OptionalInt segmentColumn = OptionalInt.empty();
    if (segment != null) {
      segmentColumn = column(file, names, segment.strip());
      if (segmentColumn.isEmpty()) {
        throw new CommandFailure(file + ": no column '" + segment + "' for --segment in the header" + listed);
      }
    }
    return new Columns(names, score, by != null ? answeredAt : OptionalInt.empty(), segmentColumn);
  }

  /** The index of the column named {@code name}, ignoring case; refuses a name the header repeats. */
  private static OptionalInt column(String file, List<String> names, String name) {
    int[] matches = IntStream.range(0, names.size()).filter(i -> names.get(i).equalsIgnoreCase(name)).toArray();
    if (matches.length > 1) {
      throw new CommandFailure(file + ": column '" + name + "' appears " + matches.length + " times in the header");
    }
    return matches.length == 0 ? OptionalInt.empty() : OptionalInt.of(matches[0]);
  }

  /** One good row: its score and its group key (period, segment value, or both; empty without grouping). */
  private record Answer(Score score, List<String> key) {}

  /** Where the columns {@code report} reads are, and how a row becomes an {@link Answer}. */
  private record Columns(List<String> names, int score, OptionalInt answeredAt, OptionalInt segment) {
    Answer answer(CsvRecord record, CalendarPeriod by, ZoneId zone) throws BadRowException {
      if (record.problem().isPresent()) {
        throw new BadRowException(record.problem().get());
      }
      List<String> fields = record.fields();
      if (fields.size() != names.size()) {
        throw new BadRowException(fields.size() + " value" + (fields.size() == 1 ? "" : "s") + ", but the header has "
            + names.size() + " column" + (names.size() == 1 ? "" : "s"));
      }
      for (OptionalInt column : List.of(OptionalInt.of(score), answeredAt, segment)) {
        if (column.isPresent() && fields.get(column.getAsInt()).contains(NOT_UTF8)) {
          throw new BadRowException(names.get(column.getAsInt()) + ": not UTF-8 text");
        }
      }
      Score parsed;
      try {
        parsed = Score.parse(fields.get(score));
      } catch (InvalidScoreException e) {
        throw new BadRowException(names.get(score) + ": " + e.getMessage());
      }
      List<String> key = new ArrayList<>(2);
      if (answeredAt.isPresent()) {
        String text = fields.get(answeredAt.getAsInt());
        LocalDate date = answeredOn(text, zone).orElseThrow(() -> new BadRowException(
            names.get(answeredAt.getAsInt()) + ": not an ISO date (2026-11-22) or date-time "
                + "(2026-11-22T10:15:00Z, 2026-11-22T10:15:00+01:00, 2026-11-22T10:15:00), got '" + text + "'"));
        key.add(by.key(date));
      }
      if (segment.isPresent()) {
        String value = fields.get(segment.getAsInt()).strip();
        key.add(value.isEmpty() ? BLANK : value);
      }
      return new Answer(parsed, List.copyOf(key));
    }
  }

  /** The calendar date of an ISO date or date-time; one with an offset is moved to {@code zone} first. */
  static Optional<LocalDate> answeredOn(String text, ZoneId zone) {
    try {
      TemporalAccessor parsed = ANSWERED_AT_FORMAT.parseBest(text.strip(), ZonedDateTime::from,
          LocalDateTime::from, LocalDate::from);
      if (parsed instanceof ZonedDateTime at) {
        return Optional.of(at.withZoneSameInstant(zone).toLocalDate());
      }
      if (parsed instanceof LocalDateTime at) {
        return Optional.of(at.toLocalDate());
      }
      return Optional.of((LocalDate) parsed);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** A row {@code report} skips, or fails on with {@code --strict}; the message names the column. */
  private static final class BadRowException extends Exception {
    private static final long serialVersionUID = 1L;

    BadRowException(String message) {
      super(message, null, false, false);
    }
  }

  /** {@code day}, {@code week}, {@code month} or {@code quarter}, in any case. */
  static final class PeriodConverter implements ITypeConverter<CalendarPeriod>, Iterable<String> {
    @Override
    public CalendarPeriod convert(String value) {
      return Arrays.stream(CalendarPeriod.values()).filter(period -> period.id().equalsIgnoreCase(value.strip()))
          .findFirst().orElseThrow(() -> new TypeConversionException(
              "expected one of " + String.join(", ", this) + ", got '" + value + "'"));
    }

    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(CalendarPeriod.values()).map(CalendarPeriod::id).iterator();
    }
  }

  /** {@code table}, {@code json} or {@code csv}, in any case. */
  static final class FormatConverter implements ITypeConverter<ReportFormat>, Iterable<String> {
    @Override
    public ReportFormat convert(String value) {
      return Arrays.stream(ReportFormat.values()).filter(format -> format.id().equalsIgnoreCase(value.strip()))
          .findFirst().orElseThrow(() -> new TypeConversionException(
              "expected one of " + String.join(", ", this) + ", got '" + value + "'"));
    }

    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(ReportFormat.values()).map(ReportFormat::id).iterator();
    }
  }

  /** A time-zone id ({@code Europe/Paris}) or offset ({@code +01:00}). */
  static final class ZoneConverter implements ITypeConverter<ZoneId> {
    @Override
    public ZoneId convert(String value) {
      try {
        return ZoneId.of(value.strip());
      } catch (RuntimeException e) {
        throw new TypeConversionException("expected a time zone such as UTC, Europe/Paris or +01:00, got '"
            + value + "'");
      }
    }
  }
}
