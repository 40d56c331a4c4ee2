package io.npsconnector.core.engine;

import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.model.Score;
import io.npsconnector.core.store.AnswerRepository;
import io.npsconnector.core.store.Invitation;
import io.npsconnector.core.store.ProvisionalScoreRepository.Provisional;
import io.npsconnector.core.store.ProvisionalScoreRepository.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * One-click scores. A survey link's page reports the clicked score by script; it is kept as provisional, apart from
 * answers, and becomes the answer (through {@link AnswerService#recordIn}, so write-backs, reports and alerts only
 * ever see confirmed answers) when a real gesture on the page confirms it, or when the grace period passes with it
 * the only score reported. Different scores reported within {@code BURST} are a link scanner opening every link:
 * all of them are discarded, and kept as such for {@code explain}.
 */
final class OneClickService {
  /** Different scores reported for one invitation within this span are a scanner's, not a person's. */
  static final Duration BURST = Duration.ofMinutes(2);

  private final Stores stores;
  private final AnswerService answers;
  private final Scheduling scheduling;
  private final Clock clock;
  private final Duration grace;
  private final EngineHooks hooks;

  OneClickService(NpsConfig config, Stores stores, AnswerService answers, Scheduling scheduling, Clock clock,
      EngineHooks hooks) {
    this.stores = stores;
    this.answers = answers;
    this.scheduling = scheduling;
    this.clock = clock;
    this.grace = config.server().oneClickGrace();
    this.hooks = hooks;
  }

  /** A score a survey page reported by script after its link was opened. */
  Engine.OneClick report(long invitationId, int score) {
    Score.of(score);
    Instant now = clock.instant();
    Engine.OneClick outcome = stores.jdbi().inTransaction(handle -> {
      Optional<Invitation> invitation = lockedInvitation(handle, invitationId);
      if (invitation.isEmpty() || AnswerService.refusal(invitation.get(), now).isPresent()) {
        return Engine.OneClick.CLOSED;
      }
      if (stores.answers().forInvitation(handle, invitationId).isPresent()) {
        return Engine.OneClick.ANSWERED;
      }
      List<Provisional> reported = stores.provisionals().forInvitation(handle, invitationId);
      List<Provisional> recent = reported.stream().filter(row -> !row.recordedAt().isBefore(now.minus(BURST))
          && (row.state() == State.PROVISIONAL || row.state() == State.DISCARDED)).toList();
      if (recent.stream().anyMatch(row -> row.score() != score)) {
        String scores = java.util.stream.Stream.concat(recent.stream().map(Provisional::score),
            java.util.stream.Stream.of(score)).map(String::valueOf).distinct().collect(Collectors.joining(", "));
        String reason = "scores " + scores + " reported within " + BURST.toMinutes() + " min: a link scanner";
        stores.provisionals().decideOpen(handle, invitationId, State.DISCARDED, reason, now);
        stores.provisionals().add(handle, invitationId, score, State.DISCARDED, now, Optional.of(reason));
        stores.invitations().note(handle, invitationId, invitation.get().state(),
            "one-click score " + score + " discarded: " + reason, now);
        return Engine.OneClick.DISCARDED;
      }
      if (reported.stream().anyMatch(row -> row.state() == State.PROVISIONAL && row.score() == score)) {
        return Engine.OneClick.PROVISIONAL; // the same page again (a reload): nothing new
      }
      stores.provisionals().decideOpen(handle, invitationId, State.SUPERSEDED, "a later click reported score "
          + score, now);
      stores.provisionals().add(handle, invitationId, score, State.PROVISIONAL, now, Optional.empty());
      stores.invitations().note(handle, invitationId, invitation.get().state(), "one-click score " + score
          + " kept as provisional until confirmed", now);
      return Engine.OneClick.PROVISIONAL;
    });
    if (outcome == Engine.OneClick.PROVISIONAL) {
      scheduling.confirmScore(invitationId, now.plus(grace));
    }
    return outcome;
  }

  /** A gesture on the page (pointer, key, touch, scroll) confirms the open provisional {@code score}. */
  Engine.OneClick confirmByGesture(long invitationId, int score) {
    Score.of(score);
    return confirm(invitationId, open -> open.score() == score, AnswerRepository.Confirmation.GESTURE,
        "a gesture on the page").outcome();
  }

  /**
   * Confirms the invitation's open provisional score when its grace period has passed and it is the only one.
   *
   * @return when to look again, if its grace period has not passed yet
   */
  Optional<Instant> confirmDue(long invitationId) {
    Instant now = clock.instant();
    Confirmed confirmed = confirm(invitationId, open -> !now.isBefore(open.recordedAt().plus(grace)),
        AnswerRepository.Confirmation.GRACE, "no other score within the grace period of " + grace.toMinutes()
            + " min");
    return confirmed.notBefore().filter(at -> at.isAfter(now));
  }

  private record Confirmed(Engine.OneClick outcome, Optional<Instant> notBefore) {}

  private Confirmed confirm(long invitationId, java.util.function.Predicate<Provisional> allowed,
      AnswerRepository.Confirmation how, String reason) {
    Instant now = clock.instant();
    Confirmed confirmed = stores.jdbi().inTransaction(handle -> {
      Optional<Invitation> invitation = lockedInvitation(handle, invitationId);
      List<Provisional> open = stores.provisionals().forInvitation(handle, invitationId).stream()
          .filter(row -> row.state() == State.PROVISIONAL).toList();
      if (invitation.isEmpty() || open.isEmpty()) {
        return new Confirmed(Engine.OneClick.NONE, Optional.empty());
      }
      if (AnswerService.refusal(invitation.get(), now).isPresent()) {
        stores.provisionals().decideOpen(handle, invitationId, State.DISCARDED,
            "the survey closed before it was confirmed", now);
        return new Confirmed(Engine.OneClick.CLOSED, Optional.empty());
      }
      if (stores.answers().forInvitation(handle, invitationId).isPresent()) {
        stores.provisionals().decideOpen(handle, invitationId, State.SUPERSEDED, "answered meanwhile", now);
        return new Confirmed(Engine.OneClick.ANSWERED, Optional.empty());
      }
      if (open.size() != 1) {
        return new Confirmed(Engine.OneClick.NONE, Optional.empty());
      }
      Provisional only = open.get(0);
      if (!allowed.test(only)) {
        return new Confirmed(Engine.OneClick.NONE, Optional.of(only.recordedAt().plus(grace)));
      }
      answers.recordIn(handle, invitationId, only.score(), Optional.empty(), how, now);
      stores.provisionals().decide(handle, only.id(), State.CONFIRMED, "confirmed by " + reason, now);
      return new Confirmed(Engine.OneClick.CONFIRMED, Optional.empty());
    });
    if (confirmed.outcome() == Engine.OneClick.CONFIRMED) {
      hooks.at(EngineHooks.ANSWER_STORED);
    }
    return confirmed;
  }

  private Optional<Invitation> lockedInvitation(Handle handle, long invitationId) {
    stores.provisionals().lock(handle, invitationId);
    return stores.invitations().find(handle, invitationId);
  }
}
