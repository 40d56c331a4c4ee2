package io.npsconnector.app.cli;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.Closeable;
import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads RFC 4180 CSV one record at a time with Jackson's CSV parser, knowing the line each record starts on.
 *
 * <p>Quoted fields may hold commas, doubled quotes and line breaks; lines end in LF, CRLF or CR; a UTF-8 byte
 * order mark before the first record is dropped; empty lines are skipped. A record that breaks the format (text
 * after a closing quote, a quote never closed) is still returned, with its {@link CsvRecord#problem() problem}
 * and its number of values, so that the caller decides whether to skip it. Not thread-safe.
 */
final class CsvRecordReader implements Closeable {
  private static final CsvMapper CSV = new CsvMapper();
  private static final char BOM = '\uFEFF';

  private final CsvParser parser;
  private boolean ended;

  CsvRecordReader(Reader in) throws IOException {
    this.parser = (CsvParser) CSV.getFactory().createParser(withoutByteOrderMark(Objects.requireNonNull(in, "in")));
    parser.enable(CsvParser.Feature.WRAP_AS_ARRAY);
  }

  /** One record: the line it starts on, its fields, and what is wrong with its format, if anything. */
  record CsvRecord(int line, List<String> fields, Optional<String> problem) {
    CsvRecord {
      fields = List.copyOf(fields);
    }
  }

  /** The next record, or empty at the end of the input. */
  Optional<CsvRecord> next() throws IOException {
    while (!ended) {
      Optional<CsvRecord> record = nextRow();
      if (record.isPresent()) {
        return record;
      }
    }
    return Optional.empty();
  }

  /** The next row; empty for an empty line, or at the end of the input (then {@link #ended} is set). */
  private Optional<CsvRecord> nextRow() throws IOException {
    JsonToken token = parser.nextToken();
    while (token == JsonToken.START_ARRAY && parser.getParsingContext().getParent().inRoot()) {
      token = parser.nextToken(); // the array that wraps the whole input
    }
    if (token != JsonToken.START_ARRAY) {
      ended = true;
      return Optional.empty();
    }
    List<String> fields = new ArrayList<>();
    String problem = null;
    int line = -1;
    boolean blankLine = false;
    while (true) {
      try {
        token = parser.nextToken();
      } catch (StreamReadException e) {
        if (line < 0) {
          line = e.getLocation() == null ? 1 : e.getLocation().getLineNr();
        }
        if (e.getMessage().startsWith("Missing closing quote")) {
          ended = true;
          return Optional.of(new CsvRecord(line, fields, Optional.of("quoted value is not closed")));
        }
        // the parser goes on after the bad value, which it returns as an empty one
        problem = problem == null ? "text after the closing quote of value " + (fields.size() + 1) : problem;
        continue;
      }
      if (token == JsonToken.VALUE_STRING) {
        if (line < 0) {
          line = parser.currentTokenLocation().getLineNr();
        }
        // Jackson reads an empty line as one empty value, like a line holding "": only the empty line's
        // value ends before it starts (its token lies past the line break already read)
        blankLine = fields.isEmpty() && parser.getText().isEmpty()
            && parser.currentLocation().getCharOffset() < parser.currentTokenLocation().getCharOffset();
        fields.add(parser.getText());
      } else {
        ended = token != JsonToken.END_ARRAY;
        return fields.isEmpty() || blankLine && fields.size() == 1 ? Optional.empty()
            : Optional.of(new CsvRecord(line, fields, Optional.ofNullable(problem)));
      }
    }
  }


  @Override
  public void close() throws IOException {
    parser.close();
  }

  private static Reader withoutByteOrderMark(Reader in) throws IOException {
    PushbackReader reader = new PushbackReader(in, 1);
    int first = reader.read();
    if (first != BOM && first != -1) {
      reader.unread(first);
    }
    return reader;
  }
}
