package io.npsconnector.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.npsconnector.app.service.Leftovers;
import io.npsconnector.salesforce.OrgFixture;
import io.npsconnector.salesforce.SalesforceFieldsFixtures;

/** {@code run} as a real process: it serves, answers health checks, and stops cleanly on SIGTERM. */
class RunCommandTest {
  @TempDir Path dir;
  private final OrgFixture org = new OrgFixture();
  private Process process;

  @AfterEach
  void stop() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
    org.close();
  }

  @Test
  void servesUntilTerminatedThenStopsGracefully() throws Exception {
    org.org.describe(SalesforceFieldsFixtures.contact(Set.of(), Set.of()), SalesforceFieldsFixtures.account(Set.of()),
        SalesforceFieldsFixtures.task(Set.of()), SalesforceFieldsFixtures.response(Set.of(), Set.of()));
    Path config = dir.resolve("nps.yaml");
    Files.writeString(config, org.yaml().replace("connections:", "store:\n  type: h2\n  path: "
        + dir.resolve("store") + "\nconnections:"));
    int port = io.npsconnector.core.testing.FreePorts.block(1);
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.npsconnector.app.Main", "run", "--config",
        config.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port)).redirectErrorStream(true)
        .redirectOutput(dir.resolve("output.txt").toFile());
    OrgFixture.ENV.forEach(builder.environment()::put);
    process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!output().contains("serving on http://127.0.0.1:" + port) && System.nanoTime() < deadline
        && process.isAlive()) {
      Thread.sleep(100);
    }
    assertThat(output()).contains("serving on");

    HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);

    process.destroy(); // SIGTERM
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output()).contains("npsconnector: stopping (running work finishes)", "npsconnector: stopped")
        .doesNotContain(OrgFixture.TOKEN);
  }

  @Test
  void aPortAlreadyTakenStopsTheStartWithTheReasonAndLeavesNothingRunning() throws Exception {
    Path config = dir.resolve("nps.yaml");
    Files.writeString(config, """
        company: Acme
        store:
          type: h2
          path: %s
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: hs
            type: hubspot
            enabled: false
            credentials:
              token: ${HUBSPOT_TOKEN}
        """.formatted(dir.resolve("store").toString().replace('\\', '/')));
    Leftovers threads = Leftovers.threadsNow();
    CommandRun run;
    int port;
    try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      port = taken.getLocalPort();
      run = CommandRun.of(Map.of("TOKEN_SECRET", "0123456789abcdef0123456789abcdef", "ADMIN_PASSWORD",
          "correct-horse", "HUBSPOT_TOKEN", "pat-test"), "run", "--config", config.toString(), "--host", "127.0.0.1",
          "--port", Integer.toString(port));
    }

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("cannot start: ").contains("port " + port);
    assertThat(threads.threadsStillRunning()).as("threads the failed start left").isEmpty();
    Leftovers.assertFree(port);
  }

  @Test
  void anInvalidConfigurationIsRefusedBeforeAnythingStarts() throws Exception {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, "company: Acme\n");

    CommandRun run = CommandRun.of(OrgFixture.ENV, "run", "--config", config.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("bad.yaml");
  }

  private String output() throws java.io.IOException {
    Path file = dir.resolve("output.txt");
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }
}
