package io.npsconnector.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for a test that needs several consecutive ones (the demo takes the three after its {@code --port}).
 * A port the system hands out ({@code new ServerSocket(0)}) lies in the ephemeral range, where any outgoing
 * connection of any process may take the next one a moment later; these come from below it (Linux starts
 * that range at 32768), where only programs that ask for a port by number bind.
 */
public final class FreePorts {
  private static final int FROM = 20_000;
  private static final int TO = 32_000;
  private static final int TRIES = 200;

  private FreePorts() {}

  /** The first of {@code count} consecutive ports on the loopback address that are free right now. */
  public static int block(int count) {
    if (count < 1 || count > 100) {
      throw new IllegalArgumentException("count must be from 1 to 100, got " + count);
    }
    for (int attempt = 0; attempt < TRIES; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(FROM, TO - count);
      if (allFree(base, count)) {
        return base;
      }
    }
    throw new IllegalStateException("no " + count + " consecutive free ports between " + FROM + " and " + TO
        + " after " + TRIES + " tries");
  }

  private static boolean allFree(int base, int count) {
    for (int port = base; port < base + count; port++) {
      try (ServerSocket socket = new ServerSocket(port, 0, InetAddress.getLoopbackAddress())) {
        socket.setReuseAddress(true);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  /** Binds {@code port} on the loopback address (a port a test keeps taken). */
  public static ServerSocket take(int port) {
    try {
      return new ServerSocket(port, 0, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind port " + port, e);
    }
  }
}
