package io.npsconnector.app.cli;

import io.npsconnector.app.service.Composition;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.Simulator;
import io.npsconnector.core.trigger.Decision;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code simulate --days N}: who would be surveyed in the coming days, and who not and why. Sends nothing. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = "Lists who would be surveyed in the next N days and who would be suppressed and why, from the "
        + "contacts and events the store holds now. Nothing is stored, scheduled or sent.")
final class SimulateCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
      .withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;
  @ParentCommand NpsConnectorCommand parent;
  @Mixin ConfigOption config;

  @Option(names = "--days", paramLabel = "N", defaultValue = "7",
      description = "How many days ahead, from 1 to 366 (default: ${DEFAULT-VALUE}).")
  int days;

  Clock clock = Clock.systemUTC();

  /** How many lines of a table are held in memory before they are sorted onto disk. */
  static final int RUN_SIZE = 10_000;
  private static final List<String> SURVEYED_HEADINGS = List.of("SEND AT", "CONTACT", "TRIGGER", "WHY");
  private static final List<String> NOT_SURVEYED_HEADINGS = List.of("DECIDED AT", "CONTACT", "TRIGGER", "RULE",
      "REASON");

  @Override
  public Integer call() {
    if (days < 1 || days > 366) {
      throw new CommandFailure("--days must be from 1 to 366, got " + days);
    }
    NpsConfig loaded = config.loadForReading(parent.environment());
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Integer> byRule = new TreeMap<>();
    try (SortedSpool surveyed = new SortedSpool(RUN_SIZE, SURVEYED_HEADINGS);
        SortedSpool notSurveyed = new SortedSpool(RUN_SIZE, NOT_SURVEYED_HEADINGS)) {
      Simulator.Window window;
      try (Composition app = Composition.of(loaded)) {
        window = new Simulator(loaded, ExistingStore.open(app, loaded.store(), config.file), clock).simulate(days,
            line -> {
              if (line.outcome() == Decision.Outcome.INVITE) {
                surveyed.put(line.sendAt().orElseThrow(), line.connection(), line.contactId(),
                    List.of(TIME.format(line.sendAt().orElseThrow()), who(line), line.trigger(), why(line)));
              } else {
                notSurveyed.put(line.sendAt().orElse(line.decidedAt()), line.connection(), line.contactId(),
                    List.of(TIME.format(line.decidedAt()), who(line), line.trigger(), line.rule(), line.reason()));
                byRule.merge(line.rule(), 1, Integer::sum);
              }
            });
      }
      out.printf("Simulation of the next %d day%s, %s to %s, from the data in the store. Nothing was stored, "
          + "scheduled or sent.%n", days, days == 1 ? "" : "s", TIME.format(window.from()),
          TIME.format(window.until()));
      if (surveyed.count() == 0 && notSurveyed.count() == 0) {
        out.println();
        out.println("Nobody would be surveyed: there are no waiting invitations, no events the triggers have not "
            + "decided on, and no contact due for a relationship survey. If the connector has not synced yet, run it "
            + "(or the demo) first.");
        return 0;
      }
      out.println();
      out.printf("Would be surveyed (%d):%n", surveyed.count());
      print(out, SURVEYED_HEADINGS, surveyed);
      out.println();
      out.printf("Would not be surveyed (%d):%n", notSurveyed.count());
      print(out, NOT_SURVEYED_HEADINGS, notSurveyed);
    }
    if (!byRule.isEmpty()) {
      out.println();
      out.println("By rule: " + String.join(", ", byRule.entrySet().stream()
          .map(entry -> entry.getKey() + " " + entry.getValue()).toList()));
    }
    return 0;
  }

  /**
   * Prints the spool's rows as aligned columns under the headings, row by row in order, or "(none)" when there is
   * none.
   */
  private static void print(PrintWriter out, List<String> headings, SortedSpool rows) {
    if (rows.count() == 0) {
      out.println("  (none)");
      return;
    }
    int[] widths = rows.widths();
    printRow(out, headings, widths);
    rows.forEachSorted(row -> printRow(out, row.cells(), widths));
  }

  private static void printRow(PrintWriter out, List<String> row, int[] widths) {
    StringBuilder line = new StringBuilder("  ");
    for (int i = 0; i < row.size(); i++) {
      line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + widths[i] + "s  ", row.get(i)));
    }
    out.println(line);
  }

  private static String who(Simulator.Line line) {
    return line.connection() + ":" + line.contactId() + line.contact().map(name -> " " + name).orElse("");
  }

  private static String why(Simulator.Line line) {
    return switch (line.source()) {
      case SCHEDULED -> "already scheduled";
      case EVENT -> line.eventId().map(id -> "after event " + id).orElse("after an event");
      case RELATIONSHIP -> "periodic relationship survey";
    };
  }
}
