package io.npsconnector.salesforce;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.time.Instant;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.testing.TestClock;
import io.npsconnector.salesforce.testing.SoapOrg;

/**
 * A Salesforce org stand-in ({@link SoapOrg}) on WireMock, on loopback, and adapters for a static-token
 * connection to it. Close it after each test.
 */
public final class OrgFixture implements AutoCloseable {
  public static final String TOKEN = "00D000000000001!STATIC.token.for.tests";
  public static final Instant NOW = Instant.parse("2025-01-20T12:00:00Z");

  public final SoapOrg org = new SoapOrg(TOKEN);
  public final WireMockServer server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()
      .extensions(org));
  public final TestClock clock = new TestClock(NOW);
  private String connectionYaml = "";

  public OrgFixture() {
    server.start();
    server.stubFor(post(urlEqualTo(SoapOrg.PATH)).willReturn(aResponse().withTransformers(SoapOrg.NAME)));
  }

  /** Extra keys for the connection (indented by four spaces), such as {@code "    contact-roles: all\n"}. */
  public OrgFixture connectionSettings(String yaml) {
    connectionYaml = yaml;
    return this;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.port();
  }

  /** The environment the configuration's ${...} references resolve in. */
  public static final Map<String, String> ENV = Map.of("TOKEN_SECRET", "0123456789abcdef0123456789abcdef",
      "ADMIN_PASSWORD", "correct-horse-battery", "SF_TOKEN", TOKEN);

  public NpsConfig config() {
    return ConfigLoader.parse("test.yaml", yaml(), ENV);
  }

  /** A configuration file with one static-token connection {@code sf} to the stand-in. */
  public String yaml() {
    return """
        company: Acme
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: sf
            type: salesforce
            auth: static-token
            credentials:
              token: ${SF_TOKEN}
            base-url: %s
            api-version: "65.0"
            time-zone: UTC
        %s
        channels:
          email:
            host: smtp.example.com
            from: nps@example.com
        """.formatted(baseUrl(), connectionYaml.stripTrailing());
  }

  public ConnectionConfig connection() {
    return config().connections().get(0);
  }

  /** A new adapter on the stand-in, with no waits between retries. */
  public SalesforceAdapter adapter() {
    return adapter(connection());
  }

  public SalesforceAdapter adapter(ConnectionConfig connection) {
    NpsConfig config = config();
    return SalesforceProvider.create(connection, new AdapterContext(clock, config.writeback()), duration -> { });
  }

  /** A session of its own on the stand-in, with a static token. */
  public io.npsconnector.salesforce.client.SalesforceSession session() {
    return new io.npsconnector.salesforce.client.SalesforceSession("sf", io.npsconnector.salesforce.auth.TokenSource
        .fixed(new io.npsconnector.salesforce.auth.AccessToken(TOKEN, java.net.URI.create(baseUrl()))),
        new io.npsconnector.salesforce.client.SalesforceSession.Settings("65.0", 2000, java.time.Duration.ofSeconds(5),
            java.time.Duration.ofSeconds(30)),
        new io.npsconnector.salesforce.client.ApiLimits("sf", 90, 80, java.time.Duration.ofHours(1), clock));
  }

  @Override
  public void close() {
    server.stop();
  }
}
