package io.npsconnector.hubspot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.spi.TaskState;
import io.npsconnector.core.spi.TaskStates;
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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reading follow-up tasks back with HubSpot's batch read, against WireMock answers shaped as HubSpot's. */
class HubSpotTaskReaderTest {
  private static final String BATCH_READ = "/crm/v3/objects/tasks/batch/read";

  @RegisterExtension
  static WireMockExtension wireMock = WireMockExtension.newInstance()
      .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()).build();

  private final TestClock clock = TestClock.at("2024-03-05T09:00:00Z");
  private final HubSpotClient client = new HubSpotClient("hubspot-test",
      URI.create("http://127.0.0.1:" + wireMock.getPort()), "", HubSpotClient.newHttp(), TokenSource.fixed("t"),
      new RateGovernor(250, 5, 10, clock, clock::advance), Duration.ofMillis(1), 3);
  private final HubSpotTaskReader reader = new HubSpotTaskReader(client, ZoneId.of("Europe/Berlin"));

  @Test
  void readsStatusCompletionOwnerAndDueAndAnIdHubSpotCannotFindIsDeleted() {
    wireMock.stubFor(post(urlPathEqualTo(BATCH_READ)).willReturn(answer(207,
        "tasks-batch-read-207-one-not-found.json")));

    TaskStates read = reader.read(List.of("88000000001", "88000000002", "88000000003"));

    wireMock.verify(postRequestedFor(urlEqualTo(BATCH_READ + "?archived=false")).withRequestBody(equalToJson("""
        {"inputs": [{"id": "88000000001"}, {"id": "88000000002"}, {"id": "88000000003"}],
         "properties": ["hs_task_status", "hs_task_completion_date", "hubspot_owner_id", "hs_timestamp",
           "hs_lastmodifieddate", "hs_updated_by_user_id"]}""")));
    assertThat(read.apiCalls()).isEqualTo(1);
    assertThat(read.states()).containsExactly(
        new TaskState("88000000001", TaskState.Status.COMPLETED, Optional.of("COMPLETED"),
            Optional.of(Instant.parse("2024-03-03T14:20:11.093Z")),
            Optional.of(new TaskState.User("9100242", Optional.empty())),
            Optional.of(new TaskState.User("61200457", Optional.empty())), Optional.of(LocalDate.of(2024, 3, 4)),
            Optional.of(Instant.parse("2024-03-03T14:20:11.093Z"))),
        new TaskState("88000000002", TaskState.Status.OPEN, Optional.of("WAITING"), Optional.empty(),
            Optional.empty(), Optional.of(new TaskState.User("61200458", Optional.empty())),
            Optional.of(LocalDate.of(2024, 3, 4)), Optional.of(Instant.parse("2024-03-02T16:45:00.208Z"))),
        TaskState.deleted("88000000003"));
  }

  @Test
  void readsTwoHundredFiftyIdsInThreeCallsOfAtMostAHundred() throws IOException {
    wireMock.stubFor(post(urlPathEqualTo(BATCH_READ)).willReturn(answer(207,
        "tasks-batch-read-207-one-not-found.json")));
    List<String> ids = IntStream.range(0, 250).mapToObj(i -> Long.toString(88_100_000_000L + i)).toList();

    TaskStates read = reader.read(ids);

    assertThat(read.apiCalls()).isEqualTo(3);
    assertThat(read.states()).hasSize(250).allSatisfy(state -> assertThat(state.status())
        .isEqualTo(TaskState.Status.DELETED));
    List<LoggedRequest> sent = wireMock.findAll(postRequestedFor(urlPathEqualTo(BATCH_READ)));
    ObjectMapper json = new ObjectMapper();
    List<Integer> sizes = new java.util.ArrayList<>();
    for (LoggedRequest request : sent) {
      sizes.add(json.readTree(request.getBodyAsString()).path("inputs").size());
    }
    assertThat(sizes).containsExactly(100, 100, 50);
  }

  @Test
  void aRefusedTokenIsAnAuthenticationFailure() {
    wireMock.stubFor(post(urlPathEqualTo(BATCH_READ)).willReturn(answer(401, "unauthorized-401.json")));

    assertThatThrownBy(() -> reader.read(List.of("88000000001")))
        .isInstanceOfSatisfying(CrmException.Authentication.class, e -> assertThat(e.getMessage())
            .contains("hubspot-test").contains(HubSpotTaskReader.OPERATION).contains("401"));
  }

  private static ResponseDefinitionBuilder answer(int status, String fixture) {
    try (InputStream in = HubSpotTaskReaderTest.class.getResourceAsStream("/hubspot/read/" + fixture)) {
      return aResponse().withStatus(status).withHeader("Content-Type", "application/json;charset=utf-8")
          .withHeader("X-HubSpot-Correlation-Id", "c0ffee00-0000-4000-8000-00000000" + status)
          .withBody(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
