package io.npsconnector.core.engine;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.npsconnector.config.AlertsConfig;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.alert.AlertDestination;
import io.npsconnector.core.alert.AlertException;
import io.npsconnector.core.alert.AlertMessage;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.Score;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmException;
import io.npsconnector.core.store.AlertRepository;
import io.npsconnector.core.store.AnswerRepository;
import io.npsconnector.core.store.Invitation;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * Alerts about answers (Slack, Teams, the owner's mail) through an outbox. {@link #queue} writes one row per answer and
 * destination that takes it, in the transaction that records the answer; the row's unique key (answer,
 * destination) makes a resubmitted answer alert no destination twice, and an answer that becomes a detractor on
 * resubmission alert then, once. {@link #deliverDue} sends what is due: each destination at most one message per
 * its {@code min-interval} (a Resilience4j rate limiter; what must wait stays queued, no attempt counted), retriable
 * failures again after the destination's {@code Retry-After} or the engine's backoff, given up after
 * {@code alerts.max-attempts} with the error stored. A process dying between a destination's acceptance and the
 * commit sends that alert again (a mail with the same {@code Message-ID}).
 */
final class AlertService {
  static final int BATCH = 100;

  private final AlertsConfig config;
  private final String company;
  private final URI dashboardUrl;
  private final Stores stores;
  private final Map<String, AlertDestination> destinations = new LinkedHashMap<>();
  private final Map<String, CrmAdapter> adapters;
  private final Clock clock;
  private final Map<String, Optional<RateLimiter>> limiters = new ConcurrentHashMap<>();
  private final Optional<Duration> rateLimitWait;

  /**
   * @param destinations the configured destinations' senders; a configured destination without one is not queued
   * @param rateLimitWait how long a send waits for its destination's rate limit; empty for one {@code min-interval}
   */
  AlertService(NpsConfig config, Stores stores, List<AlertDestination> destinations, Map<String, CrmAdapter> adapters,
      Clock clock, Optional<Duration> rateLimitWait) {
    this.config = config.alerts();
    this.company = config.company();
    this.dashboardUrl = config.server().publicUrl().resolve("/admin");
    this.stores = stores;
    destinations.forEach(destination -> this.destinations.put(destination.key(), destination));
    this.adapters = adapters;
    this.clock = clock;
    this.rateLimitWait = rateLimitWait;
  }

  /** What one delivery run did. */
  record Result(int sent, int failed, int retrying, int waiting) {
    static final Result EMPTY = new Result(0, 0, 0, 0);

    int total() {
      return sent + failed + retrying + waiting;
    }
  }

  /**
   * Queues, in the answer's transaction, an alert to every destination that takes this answer and has none for it
   * yet.
   */
  void queue(Handle handle, Invitation invitation, Contact contact, long answerId, int score, Optional<String> comment,
      Instant now) {
    for (AlertsConfig.Destination destination : config.destinations()) {
      String key = destination.kind().key();
      if (destinations.containsKey(key)
          && destination.takes(invitation.connection(), invitation.trigger(), score, comment)) {
        stores.alerts().enqueue(handle, answerId, key, invitation.connection(), contact.crmId(), now);
      }
    }
  }

  /** Whether any configured destination has a sender. */
  boolean active() {
    return !destinations.isEmpty();
  }

  /** Sends the alerts due now, at most {@link #BATCH}. */
  Result deliverDue() {
    if (destinations.isEmpty()) {
      return Result.EMPTY;
    }
    int sent = 0;
    int failed = 0;
    int retrying = 0;
    int waiting = 0;
    java.util.Set<String> held = new java.util.HashSet<>();
    for (AlertRepository.Alert alert : stores.alerts().due(clock.instant(), BATCH)) {
      AlertDestination destination = destinations.get(alert.destination());
      if (destination == null) {
        stores.alerts().failed(alert.id(), "alerts." + alert.destination() + " is no longer configured",
            Optional.empty());
        failed++;
        continue;
      }
      Optional<RateLimiter> limiter = limiter(alert.destination());
      if (held.contains(alert.destination()) || limiter.isPresent() && !limiter.get().acquirePermission()) {
        // the destination's pace is reached: the rest of its alerts wait for a later run, no attempt counted
        held.add(alert.destination());
        stores.alerts().postpone(alert.id(), clock.instant().plus(minInterval(alert.destination())));
        waiting++;
        continue;
      }
      switch (attempt(alert, destination)) {
        case SENT -> sent++;
        case FAILED -> failed++;
        case RETRYING -> retrying++;
      }
    }
    return new Result(sent, failed, retrying, waiting);
  }

  private enum Outcome { SENT, FAILED, RETRYING }

  private Outcome attempt(AlertRepository.Alert alert, AlertDestination destination) {
    try {
      AlertMessage message = message(alert, destination);
      Optional<String> recipient = destination.send(message);
      stores.alerts().sent(alert.id(), recipient, clock.instant());
      return Outcome.SENT;
    } catch (AlertException e) {
      return failed(alert, e.getMessage(), e.retriable(), e.retryAfter());
    } catch (CrmException e) {
      return failed(alert, "looking up the contact's owner in the CRM failed: " + e.getMessage(),
          e instanceof CrmException.Retriable, Optional.empty());
    }
  }

  private Outcome failed(AlertRepository.Alert alert, String error, boolean retriable, Optional<Duration> retryAfter) {
    int attempts = alert.attempts() + 1;
    if (!retriable || attempts >= config.maxAttempts()) {
      stores.alerts().failed(alert.id(), error + (retriable ? " (given up after " + attempts + " attempts)" : ""),
          Optional.empty());
      return Outcome.FAILED;
    }
    Duration wait = retryAfter.orElseGet(() -> Backoff.after(attempts));
    stores.alerts().failed(alert.id(), error, Optional.of(clock.instant().plus(wait)));
    return Outcome.RETRYING;
  }

  /** The alert as its destination shows it, from the answer as it stands now (a resubmission shows its latest). */
  private AlertMessage message(AlertRepository.Alert alert, AlertDestination destination) {
    AnswerRepository.Answer answer = stores.answers().find(alert.answerId())
        .orElseThrow(() -> new AlertException("answer " + alert.answerId() + " no longer exists", false));
    Invitation invitation = stores.invitations().find(answer.invitationId())
        .orElseThrow(() -> new AlertException("invitation " + answer.invitationId() + " no longer exists", false));
    Contact contact = stores.contacts().find(alert.connection(), alert.contactId())
        .orElseThrow(() -> new AlertException("contact " + alert.contactId() + " is unknown", false));
    Optional<CrmAdapter> adapter = Optional.ofNullable(adapters.get(alert.connection()));
    Optional<String> ownerEmail = destination.needsOwnerEmail() && contact.ownerId().isPresent() && adapter.isPresent()
        ? adapter.get().ownerEmail(contact.ownerId().get()) : Optional.empty();
    Optional<URI> crmUrl = adapter.flatMap(crm -> crm.recordUrl("contact", contact.crmId()));
    return new AlertMessage("alert-" + alert.answerId() + "-" + alert.destination(), company, alert.connection(),
        invitation.trigger(), answer.score(), Score.of(answer.score()).category().id(), answer.comment(),
        contact.displayName(), contact.email(), contact.accountName(), ownerEmail, crmUrl, dashboardUrl,
        answer.updatedAt());
  }

  private Duration minInterval(String destination) {
    return config.destinations().stream().filter(configured -> configured.kind().key().equals(destination))
        .findFirst().map(AlertsConfig.Destination::minInterval).orElse(Duration.ZERO);
  }

  private Optional<RateLimiter> limiter(String destination) {
    return limiters.computeIfAbsent(destination, key -> {
      Duration interval = minInterval(key);
      if (interval.isZero()) {
        return Optional.empty();
      }
      return Optional.of(RateLimiter.of("alerts-" + key, RateLimiterConfig.custom().limitForPeriod(1)
          .limitRefreshPeriod(interval).timeoutDuration(rateLimitWait.orElse(interval)).build()));
    });
  }
}
