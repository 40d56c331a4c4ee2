package io.npsconnector.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs one {@link Probe} in a JVM of its own, with the heap the connector is given ({@code -Xmx}), on this JVM's
 * class path: its CPU time and heap are the connector's alone, the sandboxes stay in this JVM. Its standard error
 * goes to a log file per measurement; its result is the JSON object it prints.
 */
final class ChildJvm {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String heap;
  private final Path logs;

  ChildJvm(String heap, Path logs) {
    this.heap = heap;
    this.logs = logs;
  }

  /** Runs {@code task} with {@code args} ({@code key=value}); its result, or a failure that names its log. */
  JsonNode run(String label, String task, Map<String, String> args) throws IOException, InterruptedException {
    Files.createDirectories(logs);
    Path log = logs.resolve(label + ".log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), Probe.class.getName(), task));
    args.forEach((key, value) -> command.add(key + "=" + value));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
    builder.environment().put("NPS_ACTIVITY_LOG_LEVEL", "INFO");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    String line = out.lines().filter(text -> text.startsWith(Probe.RESULT)).reduce((first, last) -> last).orElse(null);
    if (exit != 0 || line == null) {
      throw new IOException("the measurement '" + label + "' failed (exit " + exit + "); its log is " + log + ":\n"
          + tail(log));
    }
    return JSON.readTree(line.substring(Probe.RESULT.length()));
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }
}
