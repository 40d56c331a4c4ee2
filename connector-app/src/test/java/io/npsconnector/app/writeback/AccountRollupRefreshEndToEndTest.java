package io.npsconnector.app.writeback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.inject.TypeLiteral;
import io.npsconnector.app.service.CrmAdapters;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.Channel;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.engine.EngineHooks;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.core.testing.RecordingChannel;
import io.npsconnector.sandbox.hubspot.HubSpotSandbox;
import io.npsconnector.sandbox.salesforce.SalesforceSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Roll-ups stay true without new answers: answers in two waves twenty days apart, then the clock moves past
 * the 30-day window of the first wave and only the daily refresh runs. Judged in the sandboxes: every account
 * holds NPS, n and the adjusted-Wald 95 % interval of the answers still in its window (computed here, with the
 * README's formula), accounts whose figure moved were written in batches; a day later, with nothing moved,
 * nothing is queued and the CRM is not called.
 */
class AccountRollupRefreshEndToEndTest {
  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  private static final String CONNECTION = "crm";
  private static final Duration WINDOW = Duration.ofDays(30);
  private static final Duration BETWEEN_WAVES = Duration.ofDays(20);
  private static final int EVENTS_PER_WAVE = 12;
  /** The scores answered, in turn, by the invitations of a wave. */
  private static final int[] SCORES = {10, 3, 9, 7, 0, 10, 8, 6, 9, 2};
  private static final int HUBSPOT_BATCH = 100;
  private static final int SALESFORCE_BATCH = 200;

  @TempDir Path dir;
  private final SteppingClock clock = new SteppingClock(T0);
  private final List<AutoCloseable> open = new ArrayList<>();
  private final RecordingChannel mail = new RecordingChannel();
  private Database database;

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** One answer of the test: its account, score and when it was given. */
  private record Given(String account, int score, Instant at) {}

  /** A roll-up as the CRM holds it, or as the test expects it: NPS, n and the interval, empty when cleared. */
  private record Figure(Optional<Double> nps, int n, Optional<Double> low, Optional<Double> high) {}

  @Test
  void aHubSpotCompanyWhoseAnswersAgedOutGetsItsNewFigureFromTheDailyRefresh() throws Exception {
    HubSpotSandbox sandbox = HubSpotSandbox.seeded(31, 24, clock);
    open.add(sandbox);
    String url = sandbox.start();
    NpsConfig config = config(SandboxConfigs.hubSpot(sandbox, url));
    try (ServiceProcess install = process(config, EngineHooks.NONE)) {
      install.get(CrmAdapters.class).open(config.connection(CONNECTION).orElseThrow()).installFields();
    }

    answerTwoWavesThenRefresh(config, () -> sandbox.addEventsNow(EVENTS_PER_WAVE), account -> {
      Map<String, String> company = sandbox.company(account);
      return figure(company.get("nps_account_score"), company.get("nps_response_count"),
          company.get("nps_account_ci_low"), company.get("nps_account_ci_high"));
    }, () -> sandbox.calls().getOrDefault("batch update companies", 0), HUBSPOT_BATCH);
  }

  @Test
  void aSalesforceAccountWhoseAnswersAgedOutGetsItsNewFigureFromTheDailyRefresh() throws Exception {
    SalesforceSandbox sandbox = SalesforceSandbox.seeded(37, 24, clock);
    open.add(sandbox);
    String url = sandbox.start();
    NpsConfig config = config(SandboxConfigs.salesforce(url));

    answerTwoWavesThenRefresh(config, () -> sandbox.addEventsNow(EVENTS_PER_WAVE), account -> {
      Map<String, String> record = sandbox.records("Account").stream()
          .filter(candidate -> account.equals(candidate.get("Id"))).findFirst().orElseThrow();
      return figure(record.get("NPS_Account_Score__c"), record.get("NPS_Response_Count__c"),
          record.get("NPS_Account_CI_Low__c"), record.get("NPS_Account_CI_High__c"));
    }, () -> sandbox.calls().getOrDefault("update", 0), SALESFORCE_BATCH);
  }

  /**
   * Two waves of surveys and answers, each written back; then the clock passes the window of the first wave
   * and the refresh runs with its flush, twice.
   *
   * @param inTheCrm the roll-up an account holds in the sandbox
   * @param accountWrites the sandbox's count of calls that write accounts
   */
  private void answerTwoWavesThenRefresh(NpsConfig config, Runnable newEvents, Function<String, Figure> inTheCrm,
      Supplier<Integer> accountWrites, int batchSize) {
    database = Database.open(config.store());
    open.add(database);
    List<Given> answers = new ArrayList<>();
    try (ServiceProcess first = process(config, EngineHooks.NONE)) {
      first.engine().syncAndTrigger(CONNECTION); // the backfill: its events are too old to survey
    }
    for (int wave = 0; wave < 2; wave++) {
      clock.advance(wave == 0 ? Duration.ofMinutes(1) : BETWEEN_WAVES);
      newEvents.run();
      clock.advance(Duration.ofMinutes(10));
      try (ServiceProcess process = process(config, EngineHooks.NONE)) {
        answers.addAll(surveyAndAnswer(process.engine()));
        Engine.FlushReport flushed = process.engine().flushWritebacks(CONNECTION);
        assertThat(flushed.failed()).as("records refused by the CRM").isZero();
      }
    }
    Instant written = clock.instant();
    Map<String, Figure> before = expected(answers, written);
    before.forEach((account, figure) -> assertFigure(inTheCrm.apply(account), figure, account));

    clock.advance(WINDOW.minus(BETWEEN_WAVES).plusDays(1)); // the first wave is out of the window now
    Instant refreshed = clock.instant();
    Map<String, Figure> after = expected(answers, refreshed);
    List<String> moved = after.keySet().stream().filter(account -> !after.get(account).equals(before.get(account)))
        .toList();
    assertThat(moved).as("accounts whose figure the window moved").isNotEmpty();
    assertThat(moved).as("an account that keeps answers of the second wave")
        .anyMatch(account -> after.get(account).n() > 0);
    int writesBefore = accountWrites.get();

    try (ServiceProcess daily = process(config, EngineHooks.NONE)) {
      Engine.RollupReport report = daily.engine().refreshRollups(CONNECTION);
      assertThat(report.queued()).as("roll-ups queued by the refresh").isEqualTo(moved.size());
      Engine.FlushReport flushed = daily.engine().flushWritebacks(CONNECTION);
      assertThat(flushed.written()).isEqualTo(moved.size());
    }

    after.forEach((account, figure) -> assertFigure(inTheCrm.apply(account), figure, account));
    for (String account : moved) {
      assertThat(inTheCrm.apply(account)).as("account %s changed in the CRM", account).isNotEqualTo(
          before.get(account));
    }
    assertThat(accountWrites.get() - writesBefore).as("account writes: the moved accounts, in batches")
        .isEqualTo((moved.size() + batchSize - 1) / batchSize);

    // a day later nothing moved: nothing is queued, and the CRM is not called
    clock.advance(Duration.ofDays(1).minusHours(2));
    assertThat(expected(answers, clock.instant())).isEqualTo(after);
    try (ServiceProcess nextDay = process(config, EngineHooks.NONE)) {
      assertThat(nextDay.engine().refreshRollups(CONNECTION).queued()).isZero();
      assertThat(nextDay.engine().flushWritebacks(CONNECTION).calls()).isZero();
    }
    assertThat(accountWrites.get() - writesBefore).isEqualTo((moved.size() + batchSize - 1) / batchSize);
  }

  /** Syncs, sends every invitation due, and answers each sent one with the next of {@link #SCORES}. */
  private List<Given> surveyAndAnswer(Engine engine) {
    engine.syncAndTrigger(CONNECTION);
    InvitationRepository invitations = new InvitationRepository(database.jdbi());
    List<Given> answered = new ArrayList<>();
    for (Invitation invitation : invitations.inStates(CONNECTION, InvitationState.SCHEDULED)) {
      if ("SENT".equals(engine.send(invitation.id())) && invitation.accountId().isPresent()) {
        int score = SCORES[answered.size() % SCORES.length];
        engine.answer(invitation.id(), score, Optional.empty());
        answered.add(new Given(invitation.accountId().get(), score, clock.instant()));
      }
    }
    assertThat(answered).as("answers of the wave").isNotEmpty();
    return answered;
  }

  /**
   * Per account answered at all, its roll-up at {@code now} over the window: NPS = %promoters − %detractors, and
   * the adjusted-Wald interval (n' = n + 3, p' = (P + 0.75) / n', d' = (D + 0.75) / n', Var = [p' + d' −
   * (p' − d')²] / n', CI = 100·(p' − d' ± 1.96·√Var), within ±100), each rounded to the CRM's one decimal.
   */
  private static Map<String, Figure> expected(List<Given> answers, Instant now) {
    Map<String, List<Integer>> byAccount = new TreeMap<>();
    for (Given answer : answers) {
      List<Integer> scores = byAccount.computeIfAbsent(answer.account(), account -> new ArrayList<>());
      if (!answer.at().isBefore(now.minus(WINDOW))) {
        scores.add(answer.score());
      }
    }
    Map<String, Figure> figures = new TreeMap<>();
    byAccount.forEach((account, scores) -> {
      int n = scores.size();
      if (n == 0) {
        figures.put(account, new Figure(Optional.empty(), 0, Optional.empty(), Optional.empty()));
        return;
      }
      long promoters = scores.stream().filter(score -> score >= 9).count();
      long detractors = scores.stream().filter(score -> score <= 6).count();
      double adjusted = n + 3;
      double p = (promoters + 0.75) / adjusted;
      double d = (detractors + 0.75) / adjusted;
      double margin = 1.96 * Math.sqrt((p + d - (p - d) * (p - d)) / adjusted);
      figures.put(account, new Figure(Optional.of(round(100.0 * (promoters - detractors) / n)), n,
          Optional.of(round(Math.max(-100, 100 * (p - d - margin)))),
          Optional.of(round(Math.min(100, 100 * (p - d + margin))))));
    });
    return figures;
  }

  private static double round(double points) {
    return Math.round(points * 10) / 10.0;
  }

  private static Figure figure(String nps, String n, String low, String high) {
    return new Figure(number(nps).map(AccountRollupRefreshEndToEndTest::round),
        number(n).map(Double::intValue).orElse(-1), number(low).map(AccountRollupRefreshEndToEndTest::round),
        number(high).map(AccountRollupRefreshEndToEndTest::round));
  }

  private static Optional<Double> number(String text) {
    return Optional.ofNullable(text).filter(value -> !value.isBlank()).map(Double::parseDouble);
  }

  private static void assertFigure(Figure held, Figure expected, String account) {
    assertThat(held.n()).as("n of account %s", account).isEqualTo(expected.n());
    assertPoints(held.nps(), expected.nps(), "NPS of account " + account);
    assertPoints(held.low(), expected.low(), "interval low of account " + account);
    assertPoints(held.high(), expected.high(), "interval high of account " + account);
  }

  private static void assertPoints(Optional<Double> held, Optional<Double> expected, String what) {
    assertThat(held.isPresent()).as(what + " present").isEqualTo(expected.isPresent());
    held.ifPresent(value -> assertThat(value).as(what).isCloseTo(expected.orElseThrow(), within(0.051)));
  }

  private NpsConfig config(String connection) {
    return SandboxConfigs.config("rollups.yaml", dir.resolve("store"), connection, """
        fatigue:
          days: 0
        writeback:
          account-rollup-window: 30d
        """);
  }

  private ServiceProcess process(NpsConfig config, EngineHooks hooks) {
    return new ServiceProcess(config, clock, hooks,
        binder -> binder.bind(new TypeLiteral<List<Channel>>() { }).toInstance(List.of(mail)));
  }
}
