package io.npsconnector.app.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Rows of text put in any order and read back sorted by (time, connection, contact, order put), holding at most
 * {@code runSize} rows in memory: full runs are sorted and spilled to temporary files, merged when read. Also keeps
 * what a table of them needs before its first row: how many there are and each column's widest text.
 *
 * <p>Not thread-safe. Close it to delete its files.
 */
final class SortedSpool implements AutoCloseable {
  /** One row: its sort key and the texts of its columns. */
  record Row(Instant at, String connection, String contactId, long sequence, List<String> cells) {}

  private static final Comparator<Row> ORDER = Comparator.comparing(Row::at).thenComparing(Row::connection)
      .thenComparing(Row::contactId).thenComparingLong(Row::sequence);

  private final int runSize;
  private final List<Row> buffer = new ArrayList<>();
  private final List<Path> runs = new ArrayList<>();
  private int[] widths;
  private long count;

  SortedSpool(int runSize, List<String> headings) {
    if (runSize < 1) {
      throw new IllegalArgumentException("runSize must be at least 1, got " + runSize);
    }
    this.runSize = runSize;
    this.widths = headings.stream().mapToInt(String::length).toArray();
  }

  void put(Instant at, String connection, String contactId, List<String> cells) {
    Row row = new Row(at, connection, contactId, count++, List.copyOf(cells));
    for (int i = 0; i < cells.size(); i++) {
      widths[i] = Math.max(widths[i], cells.get(i).length());
    }
    buffer.add(row);
    if (buffer.size() >= runSize) {
      spill();
    }
  }

  /** How many rows were put. */
  long count() {
    return count;
  }

  /** The widest text of each column, headings included. */
  int[] widths() {
    return widths.clone();
  }

  /** Hands every row to {@code sink}, sorted. */
  void forEachSorted(Consumer<Row> sink) {
    buffer.sort(ORDER);
    List<DataInputStream> inputs = new ArrayList<>();
    try {
      PriorityQueue<Object[]> heads = new PriorityQueue<>((a, b) -> ORDER.compare((Row) a[0], (Row) b[0]));
      for (Path run : runs) {
        DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run)));
        inputs.add(in);
        read(in).ifPresent(row -> heads.add(new Object[] {row, in}));
      }
      java.util.Iterator<Row> memory = buffer.iterator();
      if (memory.hasNext()) {
        heads.add(new Object[] {memory.next(), memory});
      }
      while (!heads.isEmpty()) {
        Object[] head = heads.poll();
        sink.accept((Row) head[0]);
        if (head[1] instanceof DataInputStream in) {
          read(in).ifPresent(row -> heads.add(new Object[] {row, in}));
        } else if (memory.hasNext()) {
          heads.add(new Object[] {memory.next(), memory});
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the simulation's temporary file", e);
    } finally {
      for (DataInputStream in : inputs) {
        try {
          in.close();
        } catch (IOException e) {
          // read to its end or failed above; nothing more to do
        }
      }
    }
  }

  private void spill() {
    buffer.sort(ORDER);
    try {
      Path run = Files.createTempFile("nps-simulate-", ".run");
      runs.add(run);
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run)))) {
        for (Row row : buffer) {
          out.writeLong(row.at().getEpochSecond());
          out.writeInt(row.at().getNano());
          writeText(out, row.connection());
          writeText(out, row.contactId());
          out.writeLong(row.sequence());
          out.writeInt(row.cells().size());
          for (String cell : row.cells()) {
            writeText(out, cell);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the simulation's temporary file", e);
    }
    buffer.clear();
  }

  // writeUTF is limited to 64 KB; a reason or a name is not, so texts go as UTF-8 bytes with their length
  private static void writeText(DataOutputStream out, String text) throws IOException {
    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String readText(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static java.util.Optional<Row> read(DataInputStream in) throws IOException {
    long seconds;
    try {
      seconds = in.readLong();
    } catch (EOFException end) {
      return java.util.Optional.empty();
    }
    Instant at = Instant.ofEpochSecond(seconds, in.readInt());
    String connection = readText(in);
    String contactId = readText(in);
    long sequence = in.readLong();
    int size = in.readInt();
    List<String> cells = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      cells.add(readText(in));
    }
    return java.util.Optional.of(new Row(at, connection, contactId, sequence, cells));
  }

  @Override
  public void close() {
    for (Path run : runs) {
      try {
        Files.deleteIfExists(run);
      } catch (IOException e) {
        // a temporary file left behind is removed by the system's own clean-up
      }
    }
    runs.clear();
    buffer.clear();
  }
}
