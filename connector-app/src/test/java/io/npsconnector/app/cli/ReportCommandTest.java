package io.npsconnector.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReportCommandTest {
  private static final Path FIXTURES = Path.of("src", "test", "resources", "report");
  /**
   * Seven answers: 10, 9, 7, 3, 8, 0, 9, so P = 3, Pa = 2, D = 2, n = 7, NPS = (3 − 2) / 7 = 14.3.
   * n' = 10, p' = 0.375, d' = 0.275, NPS' = 0.1, Var' = (0.65 − 0.01) / 10 = 0.064, 1.96·√Var' = 0.495845,
   * CI = 100·(0.1 ± 0.495845) = [−39.6, 59.6].
   */
  private static final Path ANSWERS = FIXTURES.resolve("answers.csv");
  private static final Path BAD_ROWS = FIXTURES.resolve("bad-rows.csv");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  // ---- formats

  @Test
  void tablePrintsAlignedRowsOverallFirstAndMarksSmallGroups() {
    CommandRun run = report(ANSWERS, "--by", "quarter");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out().lines()).containsExactly(
        "group      n  promoters  passives  detractors    NPS  95% CI",
        "overall *  7          3         2           2   14.3  [-39.6, 59.6]",
        "2024-Q4 *  1          0         1           0    0.0  [-60.0, 60.0]",
        "2026-Q4 *  4          3         0           1   50.0  [-33.6, 90.7]",
        "2027-Q1 *  2          0         1           1  -50.0  [-79.4, 39.4]",
        "",
        "* fewer than 30 answers: too few to compare with another group or period");
  }

  @Test
  void tableHasNoFootnoteWhenEveryRowHasThirtyAnswers() throws IOException {
    // P = 20, Pa = 5, D = 5: n' = 33, p' = 20.75 / 33, d' = 5.75 / 33, NPS' = 15 / 33 = 0.454545,
    // Var' = (26.5 / 33 − 0.206612) / 33 = 0.0180733, 1.96·√Var' = 0.263496, CI = [19.1, 71.8]
    Path file = write("thirty.csv", "score\n" + "9\n".repeat(20) + "7\n".repeat(5) + "2\n".repeat(5));

    CommandRun run = report(file);

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly(
        "group     n  promoters  passives  detractors   NPS  95% CI",
        "overall  30         20         5           5  50.0  [19.1, 71.8]");
  }

  @Test
  void tableShowsDashesWhenNobodyAnswered() {
    CommandRun run = report(FIXTURES.resolve("header-only.csv"));

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).startsWith(
        "group      n  promoters  passives  detractors  NPS  95% CI",
        "overall *  0          0         0           0    -  -");
  }

  @Test
  void jsonHasOverallAndOneObjectPerGroup() throws IOException {
    CommandRun run = report(ANSWERS, "--by", "quarter", "--format", "json");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    JsonNode json = JSON.readTree(run.out());
    assertThat(fieldNames(json)).containsExactly("overall", "groups");
    JsonNode overall = json.get("overall");
    assertThat(fieldNames(overall)).containsExactly("n", "promoters", "passives", "detractors", "nps", "ci95");
    assertThat(overall.get("n").intValue()).isEqualTo(7);
    assertThat(overall.get("promoters").intValue()).isEqualTo(3);
    assertThat(overall.get("passives").intValue()).isEqualTo(2);
    assertThat(overall.get("detractors").intValue()).isEqualTo(2);
    assertThat(overall.get("nps").isNumber()).isTrue();
    assertThat(overall.get("nps").doubleValue()).isEqualTo(14.3);
    assertThat(overall.get("ci95").get("low").doubleValue()).isEqualTo(-39.6);
    assertThat(overall.get("ci95").get("high").doubleValue()).isEqualTo(59.6);

    JsonNode groups = json.get("groups");
    assertThat(groups).hasSize(3);
    JsonNode q4 = groups.get(1);
    assertThat(fieldNames(q4))
        .containsExactly("key", "n", "promoters", "passives", "detractors", "nps", "ci95");
    assertThat(q4.get("key").textValue()).isEqualTo("2026-Q4");
    assertThat(q4.get("n").intValue()).isEqualTo(4);
    assertThat(q4.get("promoters").intValue()).isEqualTo(3);
    assertThat(q4.get("passives").intValue()).isEqualTo(0);
    assertThat(q4.get("detractors").intValue()).isEqualTo(1);
    assertThat(q4.get("nps").doubleValue()).isEqualTo(50.0);
    assertThat(q4.get("ci95").get("low").doubleValue()).isEqualTo(-33.6);
    assertThat(q4.get("ci95").get("high").doubleValue()).isEqualTo(90.7);
  }

  @Test
  void jsonGroupsAreEmptyWithoutGrouping() throws IOException {
    CommandRun run = report(ANSWERS, "--format", "json");

    JsonNode json = JSON.readTree(run.out());
    assertThat(json.get("groups").isArray()).isTrue();
    assertThat(json.get("groups")).isEmpty();
    assertThat(json.get("overall").get("n").intValue()).isEqualTo(7);
  }

  @Test
  void jsonNpsAndIntervalAreNullWhenNobodyAnswered() throws IOException {
    CommandRun run = report(FIXTURES.resolve("header-only.csv"), "--by", "month", "--format", "json");

    assertThat(run.exitCode()).isZero();
    JsonNode overall = JSON.readTree(run.out()).get("overall");
    assertThat(overall.get("n").intValue()).isZero();
    assertThat(overall.get("nps").isNull()).isTrue();
    assertThat(overall.get("ci95").isNull()).isTrue();
  }

  @Test
  void csvHasAHeaderThenTheOverallRowThenGroups() {
    CommandRun run = report(ANSWERS, "--segment", "region", "--format", "csv");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out().lines()).containsExactly(
        "key,n,promoters,passives,detractors,nps,ci95_low,ci95_high",
        "overall,7,3,2,2,14.3,-39.6,59.6",
        "(blank),1,0,1,0,0.0,-60.0,60.0",
        "AMER,1,1,0,0,100.0,-48.5,98.5",
        "APAC,2,0,1,1,-50.0,-79.4,39.4",
        "EMEA,3,2,0,1,33.3,-51.3,84.7");
  }

  @Test
  void csvQuotesKeysThatNeedIt() throws IOException {
    Path file = write("cities.csv", "score,city\n9,\"Paris, FR\"\n9,\"the \"\"Big\"\" Apple\"\n");

    CommandRun run = report(file, "--segment", "city", "--format", "csv");

    assertThat(run.out().lines()).containsExactly(
        "key,n,promoters,passives,detractors,nps,ci95_low,ci95_high",
        "overall,2,2,0,0,100.0,-24.4,100.0",
        "\"Paris, FR\",1,1,0,0,100.0,-48.5,98.5",
        "\"the \"\"Big\"\" Apple\",1,1,0,0,100.0,-48.5,98.5");
  }

  @Test
  void csvLeavesFiguresEmptyWhenNobodyAnswered() {
    CommandRun run = report(FIXTURES.resolve("header-only.csv"), "--format", "csv");

    assertThat(run.out().lines()).containsExactly(
        "key,n,promoters,passives,detractors,nps,ci95_low,ci95_high", "overall,0,0,0,0,,,");
  }

  @Test
  void roundsHalfUpToOneDecimal() throws IOException {
    // P = 1, Pa = 79: NPS = 100 / 80 = 1.25, shown 1.3 (half-even would show 1.2)
    Path file = write("eighty.csv", "score\n10\n" + "8\n".repeat(79));

    CommandRun run = report(file, "--format", "csv");

    assertThat(run.out().lines()).element(1).asString().startsWith("overall,80,1,79,0,1.3,");
  }

  @Test
  void formatNameIgnoresCase() {
    assertThat(report(ANSWERS, "--format", "CSV").out()).startsWith("key,n,");
  }

  // ---- grouping

  @ParameterizedTest(name = "--by {0}")
  @CsvSource(delimiter = '|', value = {
    "day     | 2024-12-30=1, 2026-10-01=1, 2026-11-22=2, 2026-11-23=1, 2027-01-01=2",
    "week    | 2025-W01=1, 2026-W40=1, 2026-W47=2, 2026-W48=1, 2026-W53=2",
    "month   | 2024-12=1, 2026-10=1, 2026-11=3, 2027-01=2",
    "quarter | 2024-Q4=1, 2026-Q4=4, 2027-Q1=2"
  })
  void groupsByCalendarPeriodInChronologicalOrder(String period, String expected) throws IOException {
    CommandRun run = report(ANSWERS, "--by", period, "--format", "json");

    assertThat(run.exitCode()).isZero();
    assertThat(groupSizes(run)).isEqualTo(sizes(expected));
  }

  @Test
  void datesTimesWithAnOffsetAreDatedInTheGivenZone() throws IOException {
    // 2026-12-31T23:30:00-05:00 is 2027-01-01 in UTC but 2026-12-31 in New York
    CommandRun run = report(ANSWERS, "--by", "quarter", "--zone", "America/New_York", "--format", "json");

    assertThat(groupSizes(run)).isEqualTo(sizes("2024-Q4=1, 2026-Q4=5, 2027-Q1=1"));
  }

  @Test
  void groupsBySegmentWithBlankValuesTogether() throws IOException {
    CommandRun run = report(ANSWERS, "--segment", "region", "--format", "json");

    assertThat(groupSizes(run)).isEqualTo(sizes("(blank)=1, AMER=1, APAC=2, EMEA=3"));
  }

  @Test
  void groupsByPeriodAndSegmentTogether() throws IOException {
    CommandRun run = report(ANSWERS, "--by", "quarter", "--segment", "region", "--format", "json");

    assertThat(groupSizes(run))
        .isEqualTo(sizes("2024-Q4 / (blank)=1, 2026-Q4 / AMER=1, 2026-Q4 / EMEA=3, 2027-Q1 / APAC=2"));
  }

  @Test
  void matchesColumnNamesIgnoringCaseAndSurroundingSpace() throws IOException {
    Path file = write("shouting.csv", " SCORE ,Answered_At,Region\n9,2026-11-22,EMEA\n");

    CommandRun run = report(file, "--segment", "region", "--by", "day", "--format", "json");

    assertThat(run.exitCode()).isZero();
    assertThat(groupSizes(run)).isEqualTo(sizes("2026-11-22 / EMEA=1"));
  }

  @Test
  void readsAByteOrderMarkAndCrlfLineEnds() throws IOException {
    Path file = dir.resolve("excel.csv");
    Files.write(file, "\uFEFFscore,region\r\n9,EMEA\r\n3,\"line one\r\nline two\"\r\n7.5,EMEA\r\n"
        .getBytes(StandardCharsets.UTF_8));

    CommandRun run = report(file, "--segment", "region", "--format", "json");

    assertThat(run.exitCode()).isZero();
    assertThat(groupSizes(run)).isEqualTo(sizes("EMEA=1, line one\r\nline two=1"));
    assertThat(run.err().lines()).containsExactly(
        file + ":5: score: score must be a whole number from 0 to 10, got '7.5'", "skipped 1 bad row");
  }

  // ---- bad rows

  @Test
  void skipsBadRowsReportingEachWithItsLineAndCountsThem() throws IOException {
    CommandRun run = report(BAD_ROWS, "--format", "json");

    assertThat(run.exitCode()).isZero();
    // line 2 to 4 hold one answer with a multi-line comment, so the 7.5 is on line 5
    assertThat(run.err().lines()).containsExactly(
        BAD_ROWS + ":5: score: score must be a whole number from 0 to 10, got '7.5'",
        BAD_ROWS + ":7: score: score must be a whole number from 0 to 10, got '11'",
        BAD_ROWS + ":8: score: score must be a whole number from 0 to 10, got 'abc'",
        BAD_ROWS + ":10: 3 values, but the header has 5 columns",
        BAD_ROWS + ":11: score: score must be a whole number from 0 to 10, got '-1'",
        "skipped 5 bad rows");
    JsonNode overall = JSON.readTree(run.out()).get("overall");
    assertThat(overall.get("n").intValue()).isEqualTo(4);
    assertThat(overall.get("promoters").intValue()).isEqualTo(2);
    assertThat(overall.get("passives").intValue()).isEqualTo(1);
    assertThat(overall.get("detractors").intValue()).isEqualTo(1);
  }

  @Test
  void withByAnUnreadableAnsweredAtIsABadRowToo() {
    CommandRun run = report(BAD_ROWS, "--by", "day", "--format", "csv");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err().lines()).contains(
        BAD_ROWS + ":9: answered_at: not an ISO date (2026-11-22) or date-time (2026-11-22T10:15:00Z, "
            + "2026-11-22T10:15:00+01:00, 2026-11-22T10:15:00), got '22/11/2026'")
        .endsWith("skipped 6 bad rows");
    assertThat(run.out().lines()).contains("overall,3,2,0,1,33.3,-51.3,84.7");
  }

  @Test
  void strictFailsOnTheFirstBadRowWithTheSameMessage() {
    CommandRun run = report(BAD_ROWS, "--strict");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines())
        .containsExactly(BAD_ROWS + ":5: score: score must be a whole number from 0 to 10, got '7.5'");
  }

  @Test
  void strictSucceedsOnAFileWithoutBadRows() {
    CommandRun run = report(ANSWERS, "--strict", "--by", "week");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
  }

  @Test
  void refusesAFractionalScoreEvenWithAZeroFraction() {
    Path file = FIXTURES.resolve("fractional-score.csv");

    CommandRun run = report(file);

    assertThat(run.err().lines()).containsExactly(
        file + ":3: score: score must be a whole number from 0 to 10, got '7.0'", "skipped 1 bad row");
    assertThat(run.out()).contains("overall *  2");
  }

  @Test
  void anUnclosedQuoteIsABadRowRunningToTheEndOfTheFile() {
    Path file = FIXTURES.resolve("unclosed-quote.csv");

    CommandRun run = report(file);

    assertThat(run.exitCode()).isZero();
    assertThat(run.err().lines()).containsExactly(file + ":2: quoted value is not closed", "skipped 1 bad row");
  }

  @Test
  void textAfterAClosingQuoteIsABadRow() {
    Path file = FIXTURES.resolve("text-after-quote.csv");

    CommandRun run = report(file);

    assertThat(run.err().lines())
        .containsExactly(file + ":2: text after the closing quote of value 2", "skipped 1 bad row");
    assertThat(run.out()).contains("overall *  1");
  }

  @Test
  void bytesThatAreNotUtf8InAColumnReadAreABadRow() throws IOException {
    Path file = dir.resolve("latin1.csv");
    Files.write(file, "score,region,comment\n9,Z\u00fcrich,ok\n8,Basel,caf\u00e9\n"
        .getBytes(StandardCharsets.ISO_8859_1));

    CommandRun run = report(file, "--segment", "region");

    // the comment is not read, so its bad byte does not matter
    assertThat(run.err().lines())
        .containsExactly(file + ":2: region: not UTF-8 text", "skipped 1 bad row");
    assertThat(run.out()).contains("Basel *    1");
  }

  // ---- one-line errors

  @Test
  void missingFileIsAOneLineError() {
    Path file = dir.resolve("nowhere.csv");

    assertOneLineError(report(file), file + ": no such file");
  }

  @Test
  void directoryIsAOneLineError() {
    assertOneLineError(report(dir), dir + ": is a directory, not a CSV file");
  }

  @Test
  void unreadableFileIsAOneLineError() throws IOException {
    Path file = write("locked.csv", "score\n9\n");
    assumeThat(file.toFile().setReadable(false, false)).isTrue();
    assumeThat(Files.isReadable(file)).as("not running as root").isFalse();

    assertOneLineError(report(file), file + ": cannot read: permission denied");
  }

  @Test
  void emptyFileIsAOneLineError() {
    Path file = FIXTURES.resolve("empty.csv");

    assertOneLineError(report(file), file + ": empty file; expected a header row with a 'score' column");
  }

  @Test
  void fileWithoutScoreColumnIsAOneLineError() {
    Path file = FIXTURES.resolve("no-score-column.csv");

    assertOneLineError(report(file), file + ": no 'score' column in the header (columns: id, rating, region)");
  }

  @Test
  void segmentColumnNotInTheHeaderIsAOneLineError() {
    assertOneLineError(report(ANSWERS, "--segment", "regoin"),
        ANSWERS + ": no column 'regoin' for --segment in the header (columns: id, score, answered_at, region, comment)");
  }

  @Test
  void byWithoutAnsweredAtColumnIsAOneLineError() {
    Path file = FIXTURES.resolve("no-answered-at-column.csv");

    assertOneLineError(report(file, "--by", "week"),
        file + ": --by week needs an 'answered_at' column, and the header has none (columns: score, region)");
  }

  @Test
  void repeatedScoreColumnIsAOneLineError() {
    Path file = FIXTURES.resolve("duplicate-score-column.csv");

    assertOneLineError(report(file), file + ": column 'score' appears 2 times in the header");
  }

  // ---- usage errors

  @Test
  void unknownOptionExitsTwoWithUsage() {
    CommandRun run = report(ANSWERS, "--colour");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("Unknown option: '--colour'", "Usage: nps-connector report");
  }

  @Test
  void missingResponsesExitsTwo() {
    CommandRun run = CommandRun.of("report", "--by", "week");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required option: '--responses=FILE'");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "--by, fortnight, 'Invalid value for option ''--by'': expected one of day, week, month, quarter, got ''fortnight'''",
    "--format, xml, 'Invalid value for option ''--format'': expected one of table, json, csv, got ''xml'''",
    "--zone, Mars/Base, 'Invalid value for option ''--zone'': expected a time zone such as UTC, Europe/Paris or +01:00, got ''Mars/Base'''"
  })
  void invalidOptionValueExitsTwo(String option, String value, String message) {
    CommandRun run = report(ANSWERS, option, value);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith(message);
  }

  @Test
  void helpDescribesTheIntervalAndExitsZero() {
    CommandRun run = CommandRun.of("report", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("95%", "adjusted Wald", "--by=PERIOD", "quarter", "table, json, csv");
  }

  // ---- helpers

  private static CommandRun report(Path file, String... options) {
    List<String> args = new ArrayList<>(List.of("report", "--responses", file.toString()));
    args.addAll(List.of(options));
    return CommandRun.of(args.toArray(String[]::new));
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private static void assertOneLineError(CommandRun run, String message) {
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines()).containsExactly(message);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Map<String, Integer> groupSizes(CommandRun run) throws IOException {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    for (JsonNode group : JSON.readTree(run.out()).get("groups")) {
      sizes.put(group.get("key").textValue(), group.get("n").intValue());
    }
    return sizes;
  }

  /** {@code "a=1, b=2"} as an ordered map. */
  private static Map<String, Integer> sizes(String text) {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    for (String entry : text.split(", ")) {
      int equals = entry.lastIndexOf('=');
      sizes.put(entry.substring(0, equals), Integer.parseInt(entry.substring(equals + 1)));
    }
    return sizes;
  }
}
