package io.npsconnector.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** What a start-up that failed, or a close, may leave behind: threads still running, a port still bound. */
public final class Leftovers {
  /** Threads the JDK shares across a process and keeps on purpose; every other new thread must end. */
  private static final Pattern SHARED_BY_THE_JDK = Pattern.compile(
      "ForkJoinPool\\.commonPool-worker-\\d+|process reaper|Common-Cleaner|Attach Listener|Signal Dispatcher");

  private final Set<Thread> before;

  private Leftovers(Set<Thread> before) {
    this.before = before;
  }

  /** The threads alive now; later ones are counted as the code under test's. */
  public static Leftovers threadsNow() {
    return new Leftovers(Set.copyOf(Thread.getAllStackTraces().keySet()));
  }

  /** The threads started since, still alive within a few seconds (stopping threads may take a moment to end). */
  public List<String> threadsStillRunning() throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    List<String> running = started();
    while (!running.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      running = started();
    }
    return running;
  }

  private List<String> started() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .filter(thread -> !before.contains(thread))
        .filter(thread -> !SHARED_BY_THE_JDK.matcher(thread.getName()).matches())
        .map(thread -> thread.getName() + (thread.isDaemon() ? " (daemon)" : "")).sorted().toList();
  }

  /** Asserts that nobody listens on {@code port} of the loopback interface: it can be bound again. */
  public static void assertFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 0, InetAddress.getLoopbackAddress())) {
      assertThat(socket.getLocalPort()).isEqualTo(port);
    } catch (IOException e) {
      throw new UncheckedIOException("port " + port + " is still bound", e);
    }
  }
}
