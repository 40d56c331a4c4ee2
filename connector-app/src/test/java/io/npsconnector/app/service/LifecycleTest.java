package io.npsconnector.app.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class LifecycleTest {
  private final List<String> events = new ArrayList<>();
  private final Lifecycle lifecycle = new Lifecycle();

  @Test
  void closesInTheReverseOrderOfStart() {
    lifecycle.own("store", () -> events.add("store closed"));
    lifecycle.start("scheduler", () -> events.add("scheduler started"), () -> events.add("scheduler stopped"));
    lifecycle.own("executor", () -> events.add("executor closed"));
    lifecycle.start("server", () -> events.add("server started"), () -> events.add("server stopped"));

    assertThat(lifecycle.running()).containsExactly("store", "scheduler", "executor", "server");
    lifecycle.close();

    assertThat(events).containsExactly("scheduler started", "server started", "server stopped", "executor closed",
        "scheduler stopped", "store closed");
    assertThat(lifecycle.running()).isEmpty();
  }

  @Test
  void closesEverythingWhenOneCloseFailsThenThrowsTheFirstFailure() {
    lifecycle.own("store", () -> events.add("store closed"));
    lifecycle.own("adapter", () -> {
      throw new IllegalStateException("socket reset");
    });
    lifecycle.own("metrics", () -> {
      throw new IllegalStateException("registry gone");
    });
    lifecycle.own("server", () -> events.add("server closed"));

    assertThatThrownBy(lifecycle::close).isInstanceOf(IllegalStateException.class)
        .hasMessage("closing metrics failed: registry gone")
        .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("socket reset"));
    assertThat(events).containsExactly("server closed", "store closed");
  }

  @Test
  void aStartThatFailsIsStoppedAtOnceAndNotKept() {
    lifecycle.own("store", () -> events.add("store closed"));

    assertThatThrownBy(() -> lifecycle.start("server", () -> {
      events.add("server half started");
      throw new IllegalStateException("port 8080 in use");
    }, () -> events.add("server stopped"))).hasMessage("port 8080 in use");

    assertThat(events).containsExactly("server half started", "server stopped");
    assertThat(lifecycle.running()).containsExactly("store");
    lifecycle.close();
    assertThat(events).containsExactly("server half started", "server stopped", "store closed");
  }

  @Test
  void closingTwiceClosesOnce() {
    lifecycle.own("store", () -> events.add("store closed"));

    lifecycle.close();
    lifecycle.close();

    assertThat(events).containsExactly("store closed");
  }

  @Test
  void aResourceHandedOverAfterCloseIsClosedAndRefused() {
    lifecycle.close();

    assertThatThrownBy(() -> lifecycle.own("adapter late", () -> events.add("adapter late closed")))
        .isInstanceOf(IllegalStateException.class).hasMessage("cannot start adapter late: shutting down");
    assertThatThrownBy(() -> lifecycle.start("server", () -> events.add("server started"), () -> { }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(events).containsExactly("adapter late closed");
  }
}
