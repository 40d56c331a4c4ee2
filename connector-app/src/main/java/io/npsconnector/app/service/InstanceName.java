package io.npsconnector.app.service;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.UUID;

import io.npsconnector.config.NpsConfig;

/**
 * The name this process claims work under: {@code scheduler.instance-name}, or {@code HOST-PORT}, the host name and
 * the HTTP port it serves on. No two running instances share a host and a port, and a restart on the same host and
 * port (a process manager, a container restarted in its pod) gets the same name back, so it takes its own claims
 * back at once. On port 0 (any free port, for tests) the port part is random.
 */
public final class InstanceName {
  private static final int MAX_HOST_LENGTH = 80;

  private InstanceName() {}

  public static String of(NpsConfig config, int port) {
    return config.scheduler().instanceName().orElseGet(() -> derived(host(), port));
  }

  static String derived(String host, int port) {
    String safe = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-").replaceAll("^[^a-z0-9]+", "");
    if (safe.isEmpty()) {
      safe = "npsconnector";
    }
    if (safe.length() > MAX_HOST_LENGTH) {
      safe = safe.substring(0, MAX_HOST_LENGTH);
    }
    return safe + "-" + (port > 0 ? Integer.toString(port) : UUID.randomUUID().toString().substring(0, 8));
  }

  /** The container's or shell's {@code HOSTNAME} when set (no name lookup), else the local host's name. */
  private static String host() {
    String variable = System.getenv("HOSTNAME");
    if (variable != null && !variable.isBlank()) {
      return variable;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "";
    }
  }
}
