package io.npsconnector.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.npsconnector.sandbox.hubspot.HubSpotSandbox;
import io.npsconnector.sandbox.salesforce.SalesforceSandbox;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Both sandboxes listen on the port asked for, and say which port when it is taken; the command line's options. */
class SandboxPortTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void theHubSpotSandboxListensOnTheChosenPort() throws Exception {
    int port = freePort();
    try (HubSpotSandbox sandbox = HubSpotSandbox.seeded(1, 20).port(port)) {
      assertThat(sandbox.start()).isEqualTo("http://127.0.0.1:" + port);
      HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/crm/v3/objects/contacts/search")).header("Authorization", "Bearer " + sandbox.token())
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"limit\":1}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).contains("\"total\":20");
    }
  }

  @Test
  void theSalesforceSandboxListensOnTheChosenPort() throws Exception {
    int port = freePort();
    try (SalesforceSandbox sandbox = SalesforceSandbox.seeded(1, 20).port(port)) {
      assertThat(sandbox.start()).isEqualTo("http://127.0.0.1:" + port);
      assertThat(sandbox.soapEndpoint()).startsWith("http://127.0.0.1:" + port + "/services/Soap/u/");
    }
  }

  @Test
  void aTakenPortIsNamed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      try (HubSpotSandbox hubspot = HubSpotSandbox.seeded(1, 5).port(port)) {
        assertThatThrownBy(hubspot::start).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("HubSpot sandbox").hasMessageContaining("127.0.0.1:" + port)
            .hasMessageContaining("taken");
        assertThatThrownBy(hubspot::url).hasMessageContaining("not started");
      }
      try (SalesforceSandbox salesforce = SalesforceSandbox.seeded(1, 5).port(port)) {
        assertThatThrownBy(salesforce::start).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("Salesforce sandbox").hasMessageContaining("127.0.0.1:" + port)
            .hasMessageContaining("taken");
      }
    }
  }

  @Test
  void aPortOutOfRangeIsRefused() {
    assertThatThrownBy(() -> HubSpotSandbox.seeded(1, 1).port(70_000)).hasMessageContaining("70000");
    assertThatThrownBy(() -> SalesforceSandbox.seeded(1, 1).port(-1)).hasMessageContaining("-1");
  }

  @Test
  void theCommandLineReadsItsOptions() {
    SandboxMain.Options options = SandboxMain.parse(new String[] {"--hubspot-port", "18080", "--salesforce-port",
        "18081", "--contacts", "1_000_000", "--seed", "7", "--hubspot-rate-limit", "190",
        "--hubspot-search-limit", "10"});
    assertThat(options).isEqualTo(new SandboxMain.Options(18_080, 18_081, 1_000_000, 7, 190, 10, null));
    assertThat(SandboxMain.parse(new String[0])).isEqualTo(new SandboxMain.Options(0, 0, 10_000, 42, null, null,
        null));
    assertThatThrownBy(() -> SandboxMain.parse(new String[] {"--port", "1"})).hasMessageContaining("--port");
    assertThatThrownBy(() -> SandboxMain.parse(new String[] {"--contacts", "many"}))
        .hasMessageContaining("--contacts").hasMessageContaining("many");
    assertThatThrownBy(() -> SandboxMain.parse(new String[] {"--hubspot-port", "70000"}))
        .hasMessageContaining("--hubspot-port");
    assertThatThrownBy(() -> SandboxMain.parse(new String[] {"--seed"})).hasMessageContaining("needs a value");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
