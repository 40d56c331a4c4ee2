package io.npsconnector.core.engine;

import io.npsconnector.core.store.AccountRollupRepository;
import io.npsconnector.core.store.AlertRepository;
import io.npsconnector.core.store.AnswerRepository;
import io.npsconnector.core.store.ConnectionStateRepository;
import io.npsconnector.core.store.ContactRepository;
import io.npsconnector.core.store.CursorRepository;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.store.DecisionRepository;
import io.npsconnector.core.store.EventRepository;
import io.npsconnector.core.store.FollowUpRepository;
import io.npsconnector.core.store.InvitationRepository;
import io.npsconnector.core.store.LastSyncRepository;
import io.npsconnector.core.store.ProvisionalScoreRepository;
import io.npsconnector.core.store.TriggerPauseRepository;
import io.npsconnector.core.store.UnsubscribeRepository;
import io.npsconnector.core.store.WritebackRepository;
import org.jdbi.v3.core.Jdbi;

/** The repositories over one database, made once. */
record Stores(Jdbi jdbi, ContactRepository contacts, EventRepository events, CursorRepository cursors,
    InvitationRepository invitations, DecisionRepository decisions, AnswerRepository answers,
    WritebackRepository writebacks, UnsubscribeRepository unsubscribes, ConnectionStateRepository connectionStates,
    AccountRollupRepository rollups, TriggerPauseRepository triggerPauses, LastSyncRepository lastSyncs,
    ProvisionalScoreRepository provisionals,
    FollowUpRepository followUps,

    AlertRepository alerts) {

  static Stores of(Database database) {
    Jdbi jdbi = database.jdbi();
    return new Stores(jdbi, new ContactRepository(jdbi), new EventRepository(jdbi), new CursorRepository(jdbi),
        new InvitationRepository(jdbi), new DecisionRepository(jdbi), new AnswerRepository(jdbi),
        new WritebackRepository(jdbi), new UnsubscribeRepository(jdbi), new ConnectionStateRepository(jdbi),
        new AccountRollupRepository(jdbi), new TriggerPauseRepository(jdbi), new LastSyncRepository(jdbi),
        new ProvisionalScoreRepository(jdbi),
        new FollowUpRepository(jdbi),

        new AlertRepository(jdbi));
  }
}
