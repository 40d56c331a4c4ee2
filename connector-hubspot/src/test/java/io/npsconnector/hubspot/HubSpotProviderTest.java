package io.npsconnector.hubspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmProvider;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.core.testing.TestClock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HubSpotProviderTest {
  private static final String YAML = """
      company: Acme
      server:
        token-secret: ${TOKEN_SECRET}
        admin-password: ${ADMIN_PASSWORD}
      connections:
        - name: hubspot
          type: hubspot
          base-url: http://127.0.0.1:9
          credentials:
            token: ${HUBSPOT_TOKEN}
      channels:
        email:
          host: smtp.example.com
          from: nps@example.com
      """;
  private static final Map<String, String> ENV = Map.of("TOKEN_SECRET", "0123456789abcdef0123456789abcdef",
      "ADMIN_PASSWORD", "correct-horse", "HUBSPOT_TOKEN", "pat-eu1-secret-value");

  private final TestClock clock = new TestClock(Instant.parse("2024-03-04T12:00:00Z"));

  private CrmAdapter adapter() {
    NpsConfig config = ConfigLoader.parse("test.yaml", YAML, ENV);
    ConnectionConfig connection = config.connections().get(0);
    CrmProvider provider = ServiceLoader.load(CrmProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(candidate -> candidate.type().equals("hubspot")).findFirst().orElseThrow();
    return provider.create(connection, new AdapterContext(clock, config.writeback()));
  }

  @Test
  void isFoundByTheServiceLoaderAndConnectsToNothingWhenCreated() {
    try (CrmAdapter adapter = adapter()) {
      assertThat(adapter).isInstanceOf(HubSpotAdapter.class);
      assertThat(adapter.maxWriteBatch()).isEqualTo(100);
      assertThat(adapter.toString()).doesNotContain("pat-eu1-secret-value");
    }
  }

  @Test
  void refusesABatchLargerThanHubSpotTakesBeforeAnyCall() {
    CrmAdapter adapter = adapter();
    var requests = IntStream.range(0, 101).<WriteRequest>mapToObj(i -> new WriteRequest.ContactNps("contact:" + i,
        Integer.toString(i), 9, "promoter", clock.instant(), Optional.empty())).toList();

    assertThatThrownBy(() -> adapter.write(requests)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 100");
  }

  @Test
  void pausesTheSyncNearTheDailyLimitWithoutCallingHubSpot() {
    HubSpotAdapter adapter = (HubSpotAdapter) adapter();
    adapterGovernor(adapter).dailyExhausted();

    ChangePage page = adapter.readChanges(SyncCursor.START);

    assertThat(adapter.nearDailyLimit()).isTrue();
    assertThat(adapter.conservingApiBudget()).isTrue();
    assertThat(page.contacts()).isEmpty();
    assertThat(page.next()).isEqualTo(SyncCursor.START);
    assertThat(page.hasMore()).isFalse();
    assertThat(page.apiCalls()).isZero();
  }

  @Test
  void eachConnectionHasItsOwnHttpClientWhichClosingTheAdapterReleases() {
    NpsConfig config = ConfigLoader.parse("test.yaml", YAML, ENV);
    AdapterContext context = new AdapterContext(clock, config.writeback());
    com.google.inject.Injector one = com.google.inject.Guice.createInjector(
        new HubSpotModule(config.connections().get(0), context));
    com.google.inject.Injector two = com.google.inject.Guice.createInjector(
        new HubSpotModule(config.connections().get(0), context));
    okhttp3.OkHttpClient http = one.getInstance(okhttp3.OkHttpClient.class);

    assertThat(http).isNotSameAs(two.getInstance(okhttp3.OkHttpClient.class));
    assertThat(one.getInstance(io.npsconnector.hubspot.client.HubSpotClient.class).http()).isSameAs(http);
    one.getInstance(HubSpotAdapter.class).close();

    assertThat(http.dispatcher().executorService().isShutdown()).isTrue();
    assertThat(two.getInstance(okhttp3.OkHttpClient.class).dispatcher().executorService().isShutdown()).isFalse();
  }

  @Test
  void aHostsOverridesReplaceTheModulesBindingsAndNothingElse() {
    NpsConfig config = ConfigLoader.parse("test.yaml", YAML, ENV);
    var governor = new io.npsconnector.hubspot.client.RateGovernor(1_000, 1_000, 0, clock,
        io.npsconnector.hubspot.client.Sleeper.SYSTEM);
    HubSpotProvider provider = HubSpotProvider.withOverrides(binder -> binder.bind(
        io.npsconnector.hubspot.client.RateGovernor.class).toInstance(governor));

    try (HubSpotAdapter overridden = (HubSpotAdapter) provider.create(config.connections().get(0),
            new AdapterContext(clock, config.writeback()));
        HubSpotAdapter plain = (HubSpotAdapter) adapter()) {
      assertThat(overridden.governor()).isSameAs(governor);
      assertThat(plain.governor()).isNotSameAs(governor);
      assertThat(overridden.maxWriteBatch()).isEqualTo(plain.maxWriteBatch());
    }
  }

  private static io.npsconnector.hubspot.client.RateGovernor adapterGovernor(HubSpotAdapter adapter) {
    return adapter.governor();
  }
}
