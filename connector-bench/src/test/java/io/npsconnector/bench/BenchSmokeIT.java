package io.npsconnector.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The whole benchmark at 10,000 contacts (the CI's smoke run): every row is measured and every ratio printed, and
 * the facts that do not depend on the machine hold (every contact stored, no 429, every sent mail received, every
 * answer written back). No time, rate or ratio is asserted: those are the benchmark's to report, not a test's.
 */
class BenchSmokeIT {
  private static final int CONTACTS = Integer.getInteger("nps.bench.contacts", 10_000);

  @Test
  void theWholeBenchmarkRunsAndMeasuresEveryRow() throws Exception {
    Path out = Path.of("target", "bench-smoke");
    boolean postgres = postgresReachable();
    // every group, the memory rows and the warm-JVM first syncs too; few answers and no warm-up of the sandbox
    // keep it short: nothing here is timed
    Bench.Options options = Bench.parse(new String[] {"--contacts", Integer.toString(CONTACTS), "--scale",
        "--answers", "100", "--no-warmup", "--warm-jvm", "--store", postgres ? "both" : "h2", "--out", out.toString()});
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    Report report = Bench.run(options, new PrintStream(progress, true, StandardCharsets.UTF_8));
    ByteArrayOutputStream table = new ByteArrayOutputStream();
    report.print(new PrintStream(table, true, StandardCharsets.UTF_8));
    System.out.println(table.toString(StandardCharsets.UTF_8));

    Map<String, Row> rows = report.rows().stream().collect(Collectors.toMap(Row::id, Function.identity()));
    List<String> expected = new ArrayList<>(List.of("pull-wall", "pull-cpu", "pull-read", "sync-h2-wall",
        "sync-h2-cpu", "sync-h2-stored", "sync-h2-heap", "trigger-rate", "trigger-idle", "scale-heap",
        "scale-h2-file", "scale-simulate-wall", "scale-simulate-heap", "scale-simulate-listed", "sends-rate",
        "sends-delivered", "limits-read", "limits-sync", "limits-429", "limits-stored",
        "writeback-wall", "writeback-429", "writeback-written", "salesforce-wall", "salesforce-cpu",
        "salesforce-stored", "sync-h2-warm-jvm-wall", "sync-h2-warm-jvm-cpu", "sync-h2-warm-jvm-stored",
        "sync-h2-warm-jvm-heap"));
    if (postgres) {
      expected.addAll(List.of("sync-postgresql-wall", "sync-postgresql-cpu", "sync-postgresql-stored",
          "sync-postgresql-heap", "sync-postgresql-warm-jvm-wall", "sync-postgresql-warm-jvm-cpu",
          "sync-postgresql-warm-jvm-stored", "sync-postgresql-warm-jvm-heap"));
    }
    if (Files.isReadable(Path.of("/proc/stat"))) { // where the machine's CPU can be read (Linux)
      for (String sync : List.copyOf(expected)) {
        if (sync.startsWith("sync-") && sync.endsWith("-stored")) {
          expected.add(sync.replace("-stored", "-machine"));
        }
      }
    }
    assertThat(rows).containsOnlyKeys(expected);
    for (Row row : report.rows()) {
      assertThat(row.ours()).as(row.id()).isNotBlank().doesNotContain("NaN");
      row.ratio().ifPresent(ratio -> assertThat(ratio).as(row.id()).isPositive().isFinite());
      assertThat(table.toString(StandardCharsets.UTF_8)).contains(row.work()).contains(row.ratioText());
    }
    // the warm-JVM rows are shown, not judged; what they stored is a fact
    assertThat(rows.get("sync-h2-warm-jvm-wall").verdict()).isEqualTo(Row.NONE);
    assertThat(rows.get("sync-h2-warm-jvm-cpu").target()).isEqualTo(Row.NONE);
    for (String fact : List.of("pull-read", "sync-h2-stored", "limits-429", "limits-stored", "sends-delivered",
        "writeback-429", "writeback-written", "salesforce-stored", "sync-h2-warm-jvm-stored",
        "scale-simulate-listed")) {
      assertThat(rows.get(fact).verdict()).as(fact + ": " + rows.get(fact)).isEqualTo(Row.PASS);
    }
    if (postgres) {
      assertThat(rows.get("sync-postgresql-stored").verdict()).isEqualTo(Row.PASS);
      assertThat(rows.get("sync-postgresql-warm-jvm-stored").verdict()).isEqualTo(Row.PASS);
    }
    assertThat(out.resolve("bench.md")).content().contains("| work |");
    assertThat(Files.readString(out.resolve("bench.json"))).contains("\"sync-h2-wall\"");
  }

  /**
   * Whether the local PostgreSQL answers; where it does not, the PostgreSQL rows are left out, unless
   * {@code NPS_REQUIRE_POSTGRES=true} (the CI) makes them mandatory, as for every PostgreSQL test of the project.
   */
  private static boolean postgresReachable() {
    boolean required = Boolean.parseBoolean(System.getenv().getOrDefault("NPS_REQUIRE_POSTGRES", "false").strip());
    try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres",
        "")) {
      return connection.isValid(5);
    } catch (SQLException e) {
      if (required) {
        throw new IllegalStateException("NPS_REQUIRE_POSTGRES=true but PostgreSQL is not reachable at "
            + "127.0.0.1:5432/test as postgres: " + e.getMessage(), e);
      }
      return false;
    }
  }
}
