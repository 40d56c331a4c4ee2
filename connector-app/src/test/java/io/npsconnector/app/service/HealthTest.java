package io.npsconnector.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.testing.FakeCrmAdapter;
import io.npsconnector.core.testing.FakeCrmProvider;
import io.npsconnector.core.testing.ForwardingCrmAdapter;
import io.npsconnector.core.testing.TestClock;

/** {@link Health} over a CRM whose check can be held: readiness and the answer never wait for it long. */
class HealthTest {
  private static final NpsConfig CONFIG = FakeCrmProvider.parse("health-test.yaml", """
      company: Acme
      server:
        token-secret: ${TOKEN_SECRET}
        admin-password: ${ADMIN_PASSWORD}
      connections:
        - name: crm
          type: fake
      """, Map.of("TOKEN_SECRET", "test-only-token-secret-0123456789abcdef", "ADMIN_PASSWORD", "test-admin-password"));

  private final Database database = Database.open("jdbc:h2:mem:health-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
      "sa", "");
  private final TestClock clock = new TestClock(Instant.parse("2026-12-06T10:00:00Z"));
  private final CountDownLatch answer = new CountDownLatch(1);
  private final AtomicInteger checks = new AtomicInteger();
  private final FakeCrmAdapter fake = FakeCrmAdapter.builder().connection("crm").build();
  private final CrmAdapter hanging = new ForwardingCrmAdapter(fake) {
    @Override
    public ConnectionCheck check() {
      checks.incrementAndGet();
      try {
        answer.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return super.check();
    }
  };
  private final Engine engine = Engine.builder(CONFIG, database).clock(clock).adapter("crm", hanging).build();
  private final AtomicLong ticker = new AtomicLong();
  private final Health health = new Health(database, Map.of("crm", hanging), engine, clock, ticker::get);

  @AfterEach
  void close() {
    answer.countDown();
    health.close();
    engine.close();
    database.close();
  }

  @Test
  void aCrmWhoseCheckHangsLeavesTheServiceReadyAndTheAnswerPrompt() {
    long started = System.nanoTime();
    Health.Report first = health.report();
    Health.Report second = health.report();
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(first.ready()).isTrue();
    assertThat(first.body()).containsEntry("status", "DEGRADED");
    assertThat(first.body().get("reasons").toString())
        .contains("crm: no answer from the CRM within 2 s; the check goes on");
    assertThat(second.ready()).isTrue();
    assertThat(checks.get()).as("one check at a time per connection").isEqualTo(1);
    assertThat(took).as("two answers, each waiting at most 2 s").isLessThan(Duration.ofSeconds(5));

    answer.countDown();
    Health.Crm answered = awaitAnswered();
    assertThat(answered.up()).isTrue();
    assertThat(answered.checkedAt()).contains(clock.instant());
    assertThat(health.report().body()).containsEntry("status", "UP").doesNotContainKey("reasons");
    assertThat(checks.get()).isEqualTo(1);
  }

  @Test
  void eachCrmCheckIsCurrentToThirtySecondsBothWays() {
    answer.countDown();
    assertThat(awaitAnswered().up()).isTrue();

    fake.revokeCredentials();
    ticker.addAndGet(Duration.ofSeconds(29).toNanos());
    assertThat(health.crms().get(0).up()).as("the check of 29 s ago stands").isTrue();
    ticker.addAndGet(Duration.ofSeconds(2).toNanos());
    clock.advance(Duration.ofSeconds(31));
    Health.Crm revoked = health.crms().get(0);

    assertThat(revoked.up()).isFalse();
    assertThat(revoked.detail()).isEqualTo("cannot sign in: the CRM refused the credentials (HTTP 401)");
    assertThat(revoked.checkedAt()).contains(Instant.parse("2026-12-06T10:00:31Z"));
    Health.Report report = health.report();
    assertThat(report.ready()).isTrue();
    assertThat(report.body()).containsEntry("status", "DEGRADED").containsEntry("reasons",
        java.util.List.of("crm: cannot sign in: the CRM refused the credentials (HTTP 401)"));
    assertThat(revoked.engine().state()).as("a failed check is reported; it does not stop the connection")
        .isEqualTo(io.npsconnector.core.engine.ConnectionStatus.State.ACTIVE);

    fake.restoreCredentials();
    ticker.addAndGet(Duration.ofSeconds(31).toNanos());
    assertThat(health.crms().get(0).up()).as("the CRM works again").isTrue();
    assertThat(checks.get()).as("one live check per 30 s").isEqualTo(3);
  }

  private Health.Crm awaitAnswered() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Health.Crm crm = health.crms().get(0);
      if (crm.checkedAt().isPresent()) {
        return crm;
      }
    }
    throw new AssertionError("the check never answered");
  }
}
