package io.npsconnector.app.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads RFC 4180 CSV one record at a time, knowing the line each record starts on.
 *
 * <p>Quoted fields may hold commas, doubled quotes and line breaks; lines end in LF, CRLF or CR; a UTF-8 byte
 * order mark before the first record is dropped; empty lines are skipped. A record that breaks the format (text
 * after a closing quote, a quote never closed) is still returned, with its {@link CsvRecord#problem() problem},
 * so that the caller decides whether to skip it. Not thread-safe.
 */
final class CsvRecordReader implements Closeable {
  private static final char BOM = '\uFEFF';

  private final PushbackReader in;
  private int line = 1;
  private boolean started;

  CsvRecordReader(Reader in) {
    this.in = new PushbackReader(Objects.requireNonNull(in, "in"), 1);
  }

  /** One record: the line it starts on, its fields, and what is wrong with its format, if anything. */
  record CsvRecord(int line, List<String> fields, Optional<String> problem) {
    CsvRecord {
      fields = List.copyOf(fields);
    }
  }

  /** The next record, or empty at the end of the input. */
  Optional<CsvRecord> next() throws IOException {
    if (!started) {
      started = true;
      int first = in.read();
      if (first != BOM && first != -1) {
        in.unread(first);
      }
    }
    if (!skipEmptyLines()) {
      return Optional.empty();
    }
    int start = line;
    List<String> fields = new ArrayList<>();
    String problem = null;
    StringBuilder field = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c == '"' && field.length() == 0) {
        if (!readQuoted(field)) {
          fields.add(field.toString());
          return Optional.of(new CsvRecord(start, fields, Optional.of("quoted value is not closed")));
        }
        c = in.read();
        if (c != ',' && !isEndOfRecord(c)) {
          if (problem == null) {
            problem = "text after the closing quote of value " + (fields.size() + 1);
          }
          // keep the stray text, so that the record still has its real number of values
          while (c != ',' && !isEndOfRecord(c)) {
            field.append((char) c);
            c = in.read();
          }
        }
      } else {
        while (c != ',' && !isEndOfRecord(c)) {
          field.append((char) c);
          c = in.read();
        }
      }
      fields.add(field.toString());
      field.setLength(0);
      if (c != ',') {
        endLine(c);
        return Optional.of(new CsvRecord(start, fields, Optional.ofNullable(problem)));
      }
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Reads a quoted value after its opening quote, up to and including its closing quote; false at end of input. */
  private boolean readQuoted(StringBuilder field) throws IOException {
    while (true) {
      int c = in.read();
      if (c == -1) {
        return false;
      }
      if (c == '"') {
        int next = in.read();
        if (next != '"') {
          unread(next);
          return true;
        }
        field.append('"');
      } else {
        if (c == '\n' || (c == '\r' && peek() != '\n')) {
          line++;
        }
        field.append((char) c);
      }
    }
  }

  /** Skips empty lines; false when the input ends first. */
  private boolean skipEmptyLines() throws IOException {
    while (true) {
      int c = in.read();
      if (c == -1) {
        return false;
      }
      if (c != '\r' && c != '\n') {
        in.unread(c);
        return true;
      }
      endLine(c);
    }
  }

  /** Consumes the rest of a line break that began with {@code c}. */
  private void endLine(int c) throws IOException {
    if (c == -1) {
      return;
    }
    if (c == '\r') {
      int next = in.read();
      if (next != '\n') {
        unread(next);
      }
    }
    line++;
  }

  private int peek() throws IOException {
    int c = in.read();
    unread(c);
    return c;
  }

  private void unread(int c) throws IOException {
    if (c != -1) {
      in.unread(c);
    }
  }

  private static boolean isEndOfRecord(int c) {
    return c == '\n' || c == '\r' || c == -1;
  }
}
