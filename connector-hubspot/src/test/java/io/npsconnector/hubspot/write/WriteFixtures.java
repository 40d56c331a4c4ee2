package io.npsconnector.hubspot.write;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.hubspot.HubSpotSettings;
import io.npsconnector.config.Credentials;
import io.npsconnector.config.Secret;
import io.npsconnector.config.WritebackConfig;
import io.npsconnector.core.testing.TestClock;
import io.npsconnector.hubspot.client.HubSpotClient;
import io.npsconnector.hubspot.client.RateGovernor;
import io.npsconnector.hubspot.client.TokenSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What the write-side tests share: a local WireMock, a client on it, fixtures and configuration. */
final class WriteFixtures {
  static final String TOKEN = "test-token";

  private WriteFixtures() {}

  /** A WireMock on 127.0.0.1 and a free port, with the batch-update echo installed. */
  static WireMockExtension wireMock() {
    return WireMockExtension.newInstance()
        .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().extensions(new BatchUpdateEcho()))
        .build();
  }

  /** A client on {@code wireMock} whose rate governor waits by moving {@code clock}, never for real. */
  static HubSpotClient client(WireMockExtension wireMock, TestClock clock) {
    return new HubSpotClient("hubspot-test", URI.create("http://127.0.0.1:" + wireMock.getPort()), "",
        HubSpotClient.newHttp(), TokenSource.fixed(TOKEN), new RateGovernor(250, 5, 10, clock, clock::advance),
        Duration.ofMillis(1), 3);
  }

  static String fixture(String name) {
    try (InputStream in = WriteFixtures.class.getResourceAsStream("/hubspot/write/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture hubspot/write/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An answer with a fixture as its JSON body. */
  static ResponseDefinitionBuilder answer(int status, String fixture) {
    return aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json;charset=utf-8")
        .withHeader("X-HubSpot-Correlation-Id", "c0ffee00-0000-4000-8000-00000000" + status)
        .withBody(fixture(fixture));
  }

  /** The default HubSpot property names. */
  static WritebackConfig writeback() {
    return writeback(ordered("score", "nps_score", "category", "nps_category", "responded-at",
        "nps_last_response_date", "comment", "nps_last_comment"));
  }

  static WritebackConfig writeback(Map<String, String> contactFields) {
    return new WritebackConfig(Map.of(HubSpotSettings.TYPE, contactFields),
        Map.of(HubSpotSettings.TYPE, ordered("nps", "nps_account_score", "responses", "nps_response_count")),
        WritebackConfig.DEFAULT_ROLLUP_WINDOW, true, Map.of());
  }

  /** The default property names, with unsubscribes opted out of e-mail in HubSpot ({@code email-opt-out}). */
  static WritebackConfig writebackWithEmailOptOut() {
    WritebackConfig writeback = writeback();
    return new WritebackConfig(writeback.contactFields(), writeback.accountFields(),
        writeback.accountRollupWindow(), writeback.timelineActivity(), writeback.followUpTasks(), true);
  }

  static ConnectionConfig privateApp(ZoneId timeZone) {
    return connection(new Credentials("private-app", Map.of(), Map.of("token", new Secret("${HUBSPOT_TOKEN}", TOKEN))),
        timeZone);
  }

  static ConnectionConfig oauth() {
    return connection(new Credentials("oauth", Map.of("client-id", "client-1"), Map.of(
        "client-secret", new Secret("${HUBSPOT_CLIENT_SECRET}", "secret-1"),
        "refresh-token", new Secret("${HUBSPOT_REFRESH_TOKEN}", "refresh-1"))), ZoneId.of("UTC"));
  }

  private static ConnectionConfig connection(Credentials credentials, ZoneId timeZone) {
    HubSpotSettings settings = new HubSpotSettings(credentials, HubSpotClient.DEFAULT_BASE_URL, Optional.empty(), "",
        HubSpotSettings.DEFAULT_REQUESTS_PER_TEN_SECONDS, HubSpotSettings.DEFAULT_SEARCH_PER_SECOND,
        HubSpotSettings.DEFAULT_DAILY_RESERVE_PERCENT, Optional.empty());
    return new ConnectionConfig("hubspot-test", HubSpotSettings.TYPE, true, Duration.ofMinutes(5), Map.of(), Map.of(),
        timeZone, Locale.ENGLISH, settings);
  }

  static Map<String, String> ordered(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
