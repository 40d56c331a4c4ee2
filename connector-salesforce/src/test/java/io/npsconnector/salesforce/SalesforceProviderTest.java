package io.npsconnector.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;

import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.ConfigurationException;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.CrmProvider;

class SalesforceProviderTest {
  private static final Map<String, String> ENV = Map.of("TOKEN_SECRET", "0123456789abcdef0123456789abcdef",
      "ADMIN_PASSWORD", "correct-horse", "SF_TOKEN", "00D!secret-token", "SF_KEY", "not a key at all",
      "SF_SECRET", "client-secret-value");

  @Test
  void isFoundThroughTheServiceLoader() {
    assertThat(ServiceLoader.load(CrmProvider.class).stream().map(ServiceLoader.Provider::get)
        .map(CrmProvider::type)).contains("salesforce");
  }

  @Test
  void createsAnAdapterWithoutAnyCall() {
    NpsConfig config = config("""
            auth: client-credentials
            credentials:
              client-id: 3MVG9-app
              client-secret: ${SF_SECRET}
            login-url: http://127.0.0.1:9
        """);

    var adapter = new SalesforceProvider().create(config.connections().get(0),
        new AdapterContext(Clock.systemUTC(), config.writeback()));

    assertThat(adapter.maxWriteBatch()).isEqualTo(200);
    assertThat(adapter.toString()).isEqualTo("Salesforce adapter for sf").doesNotContain("client-secret-value");
  }

  @Test
  void aStaticTokenNeedsTheInstanceUrl() {
    NpsConfig config = config("""
            auth: static-token
            credentials:
              token: ${SF_TOKEN}
        """);

    assertThatThrownBy(() -> new SalesforceProvider().create(config.connections().get(0),
        new AdapterContext(Clock.systemUTC(), config.writeback())))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("connections.sf.base-url")
        .hasMessageNotContaining("00D!secret-token");
  }

  @Test
  void anUnreadablePrivateKeyIsAProblemOfItsKeyNotShowingIt() {
    NpsConfig config = config("""
            auth: jwt
            credentials:
              client-id: 3MVG9-app
              username: integration@example.com
              private-key: ${SF_KEY}
        """);

    assertThatThrownBy(() -> new SalesforceProvider().create(config.connections().get(0),
        new AdapterContext(Clock.systemUTC(), config.writeback())))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("connections.sf.credentials.private-key")
        .hasMessageContaining("not a PEM private key")
        .hasMessageNotContaining("not a key at all");
  }

  @Test
  void eachConnectionHasItsOwnHttpClientWhichClosingTheAdapterReleases() {
    NpsConfig config = config("""
            auth: client-credentials
            credentials:
              client-id: 3MVG9-app
              client-secret: ${SF_SECRET}
            login-url: http://127.0.0.1:9
        """);
    AdapterContext context = new AdapterContext(Clock.systemUTC(), config.writeback());
    com.google.inject.Injector one = com.google.inject.Guice.createInjector(
        new SalesforceModule(config.connections().get(0), context, duration -> { }));
    com.google.inject.Injector two = com.google.inject.Guice.createInjector(
        new SalesforceModule(config.connections().get(0), context, duration -> { }));
    okhttp3.OkHttpClient http = one.getInstance(okhttp3.OkHttpClient.class);

    assertThat(http).isNotSameAs(two.getInstance(okhttp3.OkHttpClient.class));
    one.getInstance(SalesforceAdapter.class).close();

    assertThat(http.dispatcher().executorService().isShutdown()).isTrue();
    assertThat(two.getInstance(okhttp3.OkHttpClient.class).dispatcher().executorService().isShutdown()).isFalse();
  }

  @Test
  void theJwtAudienceIsTheLoginHostWithoutATrailingSlash() {
    assertThat(SalesforceProvider.audience(java.net.URI.create("https://test.salesforce.com/")))
        .isEqualTo("https://test.salesforce.com");
  }

  private static NpsConfig config(String connection) {
    return ConfigLoader.parse("test.yaml", """
        company: Acme
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: sf
            type: salesforce
        %s
        channels:
          email:
            host: smtp.example.com
            from: nps@example.com
        """.formatted(connection.stripTrailing()), ENV);
  }
}
