package io.npsconnector.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.npsconnector.app.cli.CsvRecordReader.CsvRecord;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CsvRecordReaderTest {
  @Test
  void readsPlainRecordsWithTheirLines() throws IOException {
    assertThat(read("a,b\n1,2\n3,4\n")).containsExactly(
        record(1, "a", "b"), record(2, "1", "2"), record(3, "3", "4"));
  }

  @Test
  void quotedValuesHoldCommasQuotesAndLineBreaksAndLaterLinesStayExact() throws IOException {
    assertThat(read("a,b\n1,\"x, \"\"y\"\"\nz\"\n2,\"\"\n")).containsExactly(
        record(1, "a", "b"), record(2, "1", "x, \"y\"\nz"), record(4, "2", ""));
  }

  @Test
  void acceptsCrlfAndLoneCrLineEnds() throws IOException {
    assertThat(read("a\r\n1\r2\r\n\"x\r\ny\"\r\n3")).containsExactly(
        record(1, "a"), record(2, "1"), record(3, "2"), record(4, "x\r\ny"), record(6, "3"));
  }

  @Test
  void dropsAByteOrderMarkBeforeTheFirstRecord() throws IOException {
    assertThat(read("\uFEFFscore\n9\n")).containsExactly(record(1, "score"), record(2, "9"));
  }

  @Test
  void skipsEmptyLinesButCountsThem() throws IOException {
    assertThat(read("a\n\n\r\n1\n\n")).containsExactly(record(1, "a"), record(4, "1"));
  }

  @Test
  void keepsEmptyValuesAndTrailingCommas() throws IOException {
    assertThat(read(",a,\n")).containsExactly(record(1, "", "a", ""));
  }

  @Test
  void aQuoteInsideAnUnquotedValueIsText() throws IOException {
    assertThat(read("5 \"inch\",x\n")).containsExactly(record(1, "5 \"inch\"", "x"));
  }

  @Test
  void flagsTextAfterAClosingQuoteAndKeepsTheRecordsValues() throws IOException {
    List<CsvRecord> records = read("\"a\"b,c\nd\n");

    assertThat(records).containsExactly(
        new CsvRecord(1, List.of("", "c"), Optional.of("text after the closing quote of value 1")),
        record(2, "d"));
  }

  @Test
  void flagsAQuoteNeverClosed() throws IOException {
    List<CsvRecord> records = read("a\n1,\"open\n2\n");

    assertThat(records).containsExactly(
        record(1, "a"), new CsvRecord(2, List.of("1"), Optional.of("quoted value is not closed")));
  }

  @Test
  void emptyInputHasNoRecords() throws IOException {
    assertThat(read("")).isEmpty();
    assertThat(read("\uFEFF")).isEmpty();
    assertThat(read("\n\n")).isEmpty();
  }

  private static List<CsvRecord> read(String text) throws IOException {
    List<CsvRecord> records = new ArrayList<>();
    try (CsvRecordReader reader = new CsvRecordReader(new StringReader(text))) {
      for (Optional<CsvRecord> next = reader.next(); next.isPresent(); next = reader.next()) {
        records.add(next.get());
      }
    }
    return records;
  }

  private static CsvRecord record(int line, String... fields) {
    return new CsvRecord(line, List.of(fields), Optional.empty());
  }
}
