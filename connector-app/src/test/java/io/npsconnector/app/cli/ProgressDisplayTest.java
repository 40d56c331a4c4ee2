package io.npsconnector.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.npsconnector.core.engine.SyncProgress.Page;

class ProgressDisplayTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @Test
  void aShortSyncShowsNothing() {
    ProgressDisplay display = new ProgressDisplay(out, true);

    display.update("hubspot", new Page(1, 10, 2, 1, Duration.ofMillis(300)), true);

    assertThat(text()).isEmpty();
  }

  @Test
  void onATerminalTheLineIsRedrawnInPlaceWithCountsAndRate() {
    ProgressDisplay display = new ProgressDisplay(out, true);

    display.update("hubspot", new Page(10, 2000, 0, 10, Duration.ofSeconds(4)), false);
    display.update("hubspot", new Page(11, 2100, 50, 12, Duration.ofSeconds(5)), true);

    assertThat(text()).startsWith("\r[").contains("hubspot: sync 2,000 contacts, 0 events, 10 pages, 10 API calls, "
        + "500 records/s, 4s").contains("\r[====================] hubspot: sync 2,100 contacts, 50 events")
        .endsWith(" done   " + System.lineSeparator());
  }

  @Test
  void elsewhereItWritesAPlainLineEveryFewSecondsAndAtTheEnd() {
    ProgressDisplay display = new ProgressDisplay(out, false);

    display.update("sf", new Page(1, 2000, 0, 1, Duration.ofSeconds(3)), false);
    display.update("sf", new Page(2, 4000, 0, 2, Duration.ofSeconds(4)), false);
    display.update("sf", new Page(3, 6000, 0, 3, Duration.ofSeconds(9)), false);
    display.update("sf", new Page(4, 6500, 10, 4, Duration.ofSeconds(10)), true);

    assertThat(text().lines()).containsExactly(
        "sf: sync 2,000 contacts, 0 events, 1 pages, 1 API calls, 667 records/s, 3s",
        "sf: sync 6,000 contacts, 0 events, 3 pages, 3 API calls, 667 records/s, 9s",
        "sf: sync 6,500 contacts, 10 events, 4 pages, 4 API calls, 651 records/s, 10s — done");
    assertThat(text()).doesNotContain("\r");
  }

  private String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
