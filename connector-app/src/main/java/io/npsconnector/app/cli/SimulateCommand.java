package io.npsconnector.app.cli;

import io.npsconnector.app.service.Composition;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.Simulator;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
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

  @Override
  public Integer call() {
    if (days < 1 || days > 366) {
      throw new CommandFailure("--days must be from 1 to 366, got " + days);
    }
    NpsConfig loaded = config.loadForReading(parent.environment());
    PrintWriter out = spec.commandLine().getOut();
    Simulator.Simulation simulation;
    try (Composition app = Composition.of(loaded)) {
      simulation = new Simulator(loaded, ExistingStore.open(app, loaded.store(), config.file), clock).simulate(days);
    }
    out.printf("Simulation of the next %d day%s, %s to %s, from the data in the store. Nothing was stored, "
        + "scheduled or sent.%n", days, days == 1 ? "" : "s", TIME.format(simulation.from()),
        TIME.format(simulation.until()));
    List<Simulator.Line> surveyed = simulation.surveyed();
    List<Simulator.Line> notSurveyed = simulation.notSurveyed();
    if (surveyed.isEmpty() && notSurveyed.isEmpty()) {
      out.println();
      out.println("Nobody would be surveyed: there are no waiting invitations, no events the triggers have not "
          + "decided on, and no contact due for a relationship survey. If the connector has not synced yet, run it "
          + "(or the demo) first.");
      return 0;
    }
    out.println();
    out.printf("Would be surveyed (%d):%n", surveyed.size());
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("SEND AT", "CONTACT", "TRIGGER", "WHY"));
    for (Simulator.Line line : surveyed) {
      rows.add(List.of(TIME.format(line.sendAt().orElseThrow()), who(line), line.trigger(), why(line)));
    }
    print(out, rows);
    out.println();
    out.printf("Would not be surveyed (%d):%n", notSurveyed.size());
    rows = new ArrayList<>();
    rows.add(List.of("DECIDED AT", "CONTACT", "TRIGGER", "RULE", "REASON"));
    for (Simulator.Line line : notSurveyed) {
      rows.add(List.of(TIME.format(line.decidedAt()), who(line), line.trigger(), line.rule(), line.reason()));
    }
    print(out, rows);
    if (!notSurveyed.isEmpty()) {
      Map<String, Integer> byRule = new TreeMap<>();
      notSurveyed.forEach(line -> byRule.merge(line.rule(), 1, Integer::sum));
      out.println();
      out.println("By rule: " + String.join(", ", byRule.entrySet().stream()
          .map(entry -> entry.getKey() + " " + entry.getValue()).toList()));
    }
    return 0;
  }

  /** Prints rows as aligned columns under the first row (the headings), or "(none)" when there is no other. */
  private static void print(PrintWriter out, List<List<String>> rows) {
    if (rows.size() == 1) {
      out.println("  (none)");
      return;
    }
    int[] widths = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < row.size(); i++) {
        line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + widths[i] + "s  ", row.get(i)));
      }
      out.println(line);
    }
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
