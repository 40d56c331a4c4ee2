package io.npsconnector.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CPU time of the whole machine and of its PostgreSQL server, read from Linux's {@code /proc}: on a machine of a
 * few cores the sandboxes, the store's server and the connector share the cores, and a first sync's wall time
 * cannot fall below their CPU time over the cores. {@link Double#NaN} where {@code /proc} cannot tell (another
 * operating system, a server on another machine or in a container whose processes this one cannot see).
 */
final class MachineCpu {
  /** Linux reports {@code /proc} times in USER_HZ, 100 per second on every architecture it builds for. */
  private static final double TICKS_PER_SECOND = 100.0;
  private static final Path PROC = Path.of("/proc");

  private MachineCpu() {}

  /** Core-seconds every core spent busy (user, nice, system, interrupts, steal) since boot. */
  static double busySeconds() {
    try {
      String cpu = Files.readAllLines(PROC.resolve("stat")).stream().filter(line -> line.startsWith("cpu "))
          .findFirst().orElse(null);
      if (cpu == null) {
        return Double.NaN;
      }
      String[] fields = cpu.trim().split("\\s+");
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system (idle iowait) irq softirq steal
        busy += i < fields.length ? Long.parseLong(fields[i]) : 0;
      }
      return busy / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * CPU seconds of the processes named {@code postgres} (the server and its backends, with the backends that ended:
   * their time moves to the server's count of its ended children).
   */
  static double postgresSeconds() {
    if (!Files.isDirectory(PROC)) {
      return Double.NaN;
    }
    long ticks = 0;
    boolean seen = false;
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, entry -> entry.getFileName().toString()
        .chars().allMatch(Character::isDigit))) {
      for (Path process : processes) {
        String stat;
        try {
          stat = Files.readString(process.resolve("stat"));
        } catch (IOException | RuntimeException gone) {
          continue; // ended since the listing
        }
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open || !stat.substring(open + 1, close).startsWith("postgres")) {
          continue;
        }
        // after the name: state is field 3; utime, stime, cutime, cstime are fields 14 to 17
        List<String> fields = List.of(stat.substring(close + 2).trim().split("\\s+"));
        for (int field = 14; field <= 17; field++) {
          ticks += Long.parseLong(fields.get(field - 3));
        }
        seen = true;
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return seen ? ticks / TICKS_PER_SECOND : Double.NaN;
  }
}
