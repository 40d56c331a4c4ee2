package io.npsconnector.core.store;

import io.npsconnector.core.model.InvitationState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Invitations and their state history. Internal to the engine. */
public final class InvitationRepository {
  private static final String COLUMNS = "id, connection, trigger_name, dedup_key, contact_crm_id, account_id, event_id, "
      + "channel, state, send_at, sent_at, reminded_at, expires_at, attempts, last_error, message_id, handed_over_at, "
      + "created_at";

  private final Jdbi jdbi;

  public InvitationRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** What the trigger pass asks for. */
  public record NewInvitation(String connection, String trigger, String dedupKey, String contactId,
      Optional<String> accountId, Optional<Long> eventId, String channel, Instant sendAt) {}

  /** The invitation with this trigger and key: created now, or the one that already existed. */
  public record Created(long id, boolean created) {}

  /**
   * Creates the invitation unless one exists for the same trigger and key (the database decides): one insert that
   * gives the new row's id back, then the history entry; the id of the invitation that was there is read only when
   * there was one. No savepoint and no look-up first: PostgreSQL skips a taken key ({@code ON CONFLICT DO
   * NOTHING}), and H2, which undoes only a failed statement, refuses it as a unique violation (a key is taken only
   * when a decision is made again, which is rare, so no insert pays for a look-up that only a repeat needs).
   */
  public Created create(Handle handle, NewInvitation invitation, Instant now) {
    return create(handle, invitation, now, entry -> history(handle, entry.invitationId(), entry.state(),
        entry.detail().orElse(null), entry.at()));
  }

  /**
   * As {@link #create(Handle, NewInvitation, Instant)}, handing the new invitation's history entry to {@code
   * history} instead of writing it: a caller that makes many invitations in one transaction writes their entries
   * together ({@link #recordAll}) before it commits.
   */
  public Created create(Handle handle, NewInvitation invitation, Instant now,
      java.util.function.Consumer<HistoryEntry> history) {
    Optional<Long> inserted;
    try {
      inserted = bindNew(handle.createUpdate(INSERT + Sql.onConflictDoNothing(handle)), invitation, now)
          .executeAndReturnGeneratedKeys("id").mapTo(Long.class).findOne();
    } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
      if (!Sql.isUniqueViolation(e) || Sql.postgres(handle)) {
        throw e;
      }
      inserted = Optional.empty();
    }
    if (inserted.isPresent()) {
      history.accept(new HistoryEntry(inserted.get(), now, InvitationState.SCHEDULED,
          Optional.of("send at " + invitation.sendAt())));
      return new Created(inserted.get(), true);
    }
    long id = handle.createQuery("SELECT id FROM invitations WHERE connection = :connection AND trigger_name = :trigger "
            + "AND dedup_key = :dedupKey")
        .bind("connection", invitation.connection()).bind("trigger", invitation.trigger())
        .bind("dedupKey", invitation.dedupKey()).mapTo(Long.class).one();
    return new Created(id, false);
  }

  /**
   * The invitations one transaction makes, inserted together: {@link Batch#add} answers at once whether a key is
   * new (the keys the transaction may take were looked up first, {@link #batch}), and the new rows are inserted in
   * one batched statement when their ids are first needed ({@link Batch.Made#id}) or at {@link Batch#flush}. A
   * first sync's trigger pass made one insert, and one round trip, per invitation.
   *
   * @param keys the dedup keys the transaction may take, per trigger: those already taken are read once
   */
  public Batch batch(Handle handle, String connection, Map<String, ? extends Collection<String>> keys, Instant now,
      java.util.function.Consumer<HistoryEntry> history) {
    Map<String, Long> taken = new HashMap<>();
    keys.forEach((trigger, some) -> Sql.idsByKey(handle, "invitations", "trigger_name", "dedup_key", connection,
        trigger, some).forEach((key, id) -> taken.put(trigger + "\n" + key, id)));
    return new Batch(handle, connection, Set.copyOf(keys.keySet()), taken, now, history);
  }

  /** See {@link #batch}. Not thread-safe: it lives in one transaction. */
  public final class Batch {
    private final Handle handle;
    private final String connection;
    private final Set<String> triggers;
    private final Map<String, Long> taken;
    private final Instant now;
    private final java.util.function.Consumer<HistoryEntry> history;
    private final List<NewInvitation> waiting = new ArrayList<>();
    /** The trigger and key of each waiting invitation (as {@code taken} has them). */
    private final Set<String> waitingKeys = new java.util.HashSet<>();
    private final List<Made> waitingMade = new ArrayList<>();

    private Batch(Handle handle, String connection, Set<String> triggers, Map<String, Long> taken, Instant now,
        java.util.function.Consumer<HistoryEntry> history) {
      this.handle = handle;
      this.connection = connection;
      this.triggers = triggers;
      this.taken = taken;
      this.now = now;
      this.history = history;
    }

    /** An invitation of the batch: a new row (its id known once inserted) or the one its key already had. */
    public final class Made {
      private long id;
      private boolean created;

      private Made(long id, boolean created) {
        this.id = id;
        this.created = created;
      }

      /**
       * Whether the batch inserts it (false: the trigger's key was taken, by the invitation of {@link #id}). It
       * turns false at the insert when another process took the key after the batch looked it up.
       */
      public boolean created() {
        return created;
      }

      /** Its id: a new row's is known once the batch is inserted, which asking for it does. */
      public long id() {
        if (id == 0) {
          flush();
        }
        return id;
      }
    }

    /**
     * The invitation for {@code invitation}'s trigger and key: the one already made when the key is taken (in the
     * store, or earlier in this batch), else a new one, inserted at the next {@link #flush}.
     */
    public Made add(NewInvitation invitation) {
      if (!invitation.connection().equals(connection) || !triggers.contains(invitation.trigger())) {
        throw new IllegalArgumentException("invitation of " + invitation.connection() + "/" + invitation.trigger()
            + " in a batch of " + connection + " " + triggers);
      }
      String key = invitation.trigger() + "\n" + invitation.dedupKey();
      Long known = taken.get(key);
      if (known != null) {
        return new Made(known, false);
      }
      if (waitingKeys.contains(key)) { // the batch makes that key already: the invitation it inserts is the one
        flush();
        return new Made(taken.get(key), false);
      }
      Made made = new Made(0, true);
      waiting.add(invitation);
      waitingKeys.add(key);
      waitingMade.add(made);
      return made;
    }

    /**
     * Inserts the waiting invitations in one batched statement, gives each its id and hands its history entry
     * on. When another process took one of the keys after the batch looked them up, the statement is undone (to a
     * savepoint) and each invitation is made on its own, as {@link #create} makes it: the one whose key was taken
     * gets that invitation's id and no history entry.
     */
    public void flush() {
      if (waiting.isEmpty()) {
        return;
      }
      String savepoint = "invitation_batch";
      handle.savepoint(savepoint);
      List<Long> ids;
      try {
        var batch = handle.prepareBatch(INSERT);
        for (NewInvitation invitation : waiting) {
          bindNew(batch, invitation, now).add();
        }
        ids = batch.executePreparedBatch("id").mapTo(Long.class).list();
        handle.release(savepoint);
      } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
        if (!Sql.isUniqueViolation(e)) {
          throw e;
        }
        handle.rollbackToSavepoint(savepoint);
        ids = null;
      }
      for (int i = 0; i < waiting.size(); i++) {
        NewInvitation invitation = waiting.get(i);
        Made made = waitingMade.get(i);
        if (ids != null) {
          made.id = ids.get(i);
          history.accept(new HistoryEntry(made.id, now, InvitationState.SCHEDULED,
              Optional.of("send at " + invitation.sendAt())));
        } else {
          Created one = create(handle, invitation, now, history);
          made.id = one.id();
          made.created = one.created();
        }
        taken.put(invitation.trigger() + "\n" + invitation.dedupKey(), made.id);
      }
      waiting.clear();
      waitingKeys.clear();
      waitingMade.clear();
    }
  }

  private static final String INSERT = "INSERT INTO invitations (connection, trigger_name, dedup_key, "
      + "contact_crm_id, account_id, event_id, channel, state, send_at, created_at, updated_at) VALUES (:connection, "
      + ":trigger, :dedupKey, :contactId, :accountId, :eventId, :channel, 'SCHEDULED', :sendAt, :now, :now)";

  private static <T extends org.jdbi.v3.core.statement.SqlStatement<T>> T bindNew(T statement,
      NewInvitation invitation, Instant now) {
    return statement.bind("connection", invitation.connection()).bind("trigger", invitation.trigger())
        .bind("dedupKey", invitation.dedupKey()).bind("contactId", invitation.contactId())
        .bindByType("accountId", invitation.accountId().orElse(null), String.class)
        .bindByType("eventId", invitation.eventId().orElse(null), Long.class)
        .bind("channel", invitation.channel()).bind("sendAt", Sql.timestamp(invitation.sendAt()))
        .bind("now", Sql.timestamp(now));
  }

  public Optional<Invitation> find(long id) {
    return jdbi.withHandle(handle -> find(handle, id));
  }

  public Optional<Invitation> find(Handle handle, long id) {
    return handle.createQuery("SELECT " + COLUMNS + " FROM invitations WHERE id = :id").bind("id", id)
        .map((rs, ctx) -> map(rs)).findOne();
  }

  /**
   * Moves an invitation from one of {@code from} to {@code to}, atomically: false when another
   * process moved it first. Records the change in the history.
   */
  public boolean transition(Handle handle, long id, List<InvitationState> from, InvitationState to, String detail,
      Instant now) {
    String states = from.stream().map(state -> "'" + state.name() + "'").collect(Collectors.joining(", "));
    String extra = switch (to) {
      case SENDING -> ", attempts = attempts + 1";
      case SENT -> ", sent_at = :now, last_error = NULL";
      case REMINDED -> ", reminded_at = COALESCE(reminded_at, :now)"; // the reminder's hand-over, if recorded
      // the channel said the message was not taken: the hand-over of that attempt is void
      case FAILED, SCHEDULED -> ", last_error = :detail, handed_over_at = NULL";
      default -> "";
    };
    int updated = handle.createUpdate("UPDATE invitations SET state = :to, updated_at = :now" + extra
            + " WHERE id = :id AND state IN (" + states + ")")
        .bind("to", to.name()).bind("now", Sql.timestamp(now)).bind("id", id)
        .bindByType("detail", Sql.fit(detail, 2000), String.class)
        .execute();
    if (updated == 1) {
      history(handle, id, to, detail, now);
    }
    return updated == 1;
  }

  /**
   * Records the send of a {@code SENDING} invitation whose channel took the message: {@code SENT} at {@code now},
   * with the message id the receiver gave (the one stored at hand-over stays when it gave none) and the expiry, in
   * one statement, and the history entry. False
   * when the invitation is no longer {@code SENDING} (an answer came first).
   */
  public boolean recordSent(Handle handle, long id, Optional<String> messageId, Instant expiresAt, String detail,
      Instant now) {
    int updated = handle.createUpdate("UPDATE invitations SET state = 'SENT', updated_at = :now, sent_at = :now, "
            + "last_error = NULL, message_id = COALESCE(:messageId, message_id), expires_at = :expiresAt "
            + "WHERE id = :id AND state = 'SENDING'")
        .bind("now", Sql.timestamp(now)).bind("id", id)
        .bindByType("messageId", messageId.orElse(null), String.class)
        .bind("expiresAt", Sql.timestamp(expiresAt))
        .execute();
    if (updated == 1) {
      history(handle, id, InvitationState.SENT, detail, now);
    }
    return updated == 1;
  }

  /** Adds a history entry without a state change (an updated answer, a skipped reminder). */
  public void note(Handle handle, long id, InvitationState state, String detail, Instant now) {
    history(handle, id, state, detail, now);
  }

  /**
   * Records that the message of a {@code SENDING} invitation is being handed to its channel, with the id and
   * expiry it carries: from now on it may be delivered. False when the invitation is no longer {@code SENDING}
   * or was already handed over (another process is or was sending it): then it must not be sent.
   */
  public boolean handOver(Handle handle, long id, Optional<String> messageId, Instant expiresAt, Instant now) {
    return handle.createUpdate("UPDATE invitations SET handed_over_at = :now, message_id = :messageId, "
            + "expires_at = :expiresAt WHERE id = :id AND state = 'SENDING' AND handed_over_at IS NULL")
        .bind("now", Sql.timestamp(now)).bindByType("messageId", messageId.orElse(null), String.class)
        .bind("expiresAt", Sql.timestamp(expiresAt)).bind("id", id).execute() == 1;
  }

  /**
   * Records that the reminder of a {@code SENT} invitation is being handed to its channel ({@code reminded_at}
   * while still {@code SENT}): from now on it may be delivered. False when the invitation is no longer
   * {@code SENT} or its reminder was already handed over.
   */
  public boolean handOverReminder(Handle handle, long id, Instant now) {
    return handle.createUpdate("UPDATE invitations SET reminded_at = :now WHERE id = :id AND state = 'SENT' "
            + "AND reminded_at IS NULL")
        .bind("now", Sql.timestamp(now)).bind("id", id).execute() == 1;
  }

  /** The channel said the reminder was not taken: its hand-over is void, and it may be tried again. */
  public void voidReminderHandOver(Handle handle, long id) {
    handle.createUpdate("UPDATE invitations SET reminded_at = NULL WHERE id = :id AND state = 'SENT'")
        .bind("id", id).execute();
  }

  /**
   * Records a {@code SENDING} invitation whose message was handed over but whose outcome never was (the
   * process died, or the answer came first) as {@code SENT} at its hand-over time, with the message id and
   * expiry stored then. False when there is nothing to complete (not {@code SENDING}, or never handed over).
   */
  public boolean completeUnconfirmed(Handle handle, long id, String detail, Instant now) {
    int updated = handle.createUpdate("UPDATE invitations SET state = 'SENT', sent_at = handed_over_at, "
            + "last_error = NULL, updated_at = :now WHERE id = :id AND state = 'SENDING' "
            + "AND handed_over_at IS NOT NULL")
        .bind("now", Sql.timestamp(now)).bind("id", id).execute();
    if (updated == 1) {
      history(handle, id, InvitationState.SENT, detail, now);
    }
    return updated == 1;
  }

  public void reschedule(Handle handle, long id, Instant sendAt) {
    handle.createUpdate("UPDATE invitations SET send_at = :sendAt WHERE id = :id")
        .bind("sendAt", Sql.timestamp(sendAt)).bind("id", id).execute();
  }

  /** One entry of an invitation's history. */
  public record HistoryEntry(long invitationId, Instant at, InvitationState state, Optional<String> detail) {}

  public List<HistoryEntry> history(long invitationId) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT invitation_id, at, state, detail FROM invitation_history "
            + "WHERE invitation_id = :id ORDER BY at, id")
        .bind("id", invitationId)
        .map((rs, ctx) -> new HistoryEntry(rs.getLong("invitation_id"), rs.getTimestamp("at").toInstant(),
            InvitationState.valueOf(rs.getString("state")), Optional.ofNullable(rs.getString("detail"))))
        .list());
  }

  public List<Invitation> forContact(String connection, String contactId) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM invitations "
            + "WHERE connection = :connection AND contact_crm_id = :contactId ORDER BY created_at, id")
        .bind("connection", connection).bind("contactId", contactId).map((rs, ctx) -> map(rs)).list());
  }

  /** Invitations of a connection in the given states, send time first. */
  public List<Invitation> inStates(String connection, InvitationState... states) {
    String list = Arrays.stream(states).map(state -> "'" + state.name() + "'").collect(Collectors.joining(", "));
    return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM invitations "
            + "WHERE connection = :connection AND state IN (" + list + ") ORDER BY send_at, id")
        .bind("connection", connection).map((rs, ctx) -> map(rs)).list());
  }

  /** Invitations read at a time by the {@code forEach} methods. */
  static final int PAGE = 500;

  /**
   * The connection's invitations in {@code state}, handed to {@code each} in id order a keyset page at a time
   * ({@code ix_invitations_state}), each page in a handle of its own: no more than a page is held, whatever the
   * count.
   */
  public void forEachInState(String connection, InvitationState state, java.util.function.Consumer<Invitation> each) {
    long after = 0;
    while (true) {
      long from = after;
      List<Invitation> page = jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM invitations "
              + "WHERE connection = :connection AND state = :state AND id > :after ORDER BY connection, state, id "
              + "LIMIT " + PAGE) // the index's own order, which H2 then reads without a sort
          .bind("connection", connection).bind("state", state.name()).bind("after", from)
          .map((rs, ctx) -> map(rs)).list());
      page.forEach(each);
      if (page.size() < PAGE) {
        return;
      }
      after = page.get(page.size() - 1).id();
    }
  }

  /**
   * The connection's scheduled invitations due by {@code until}, handed to {@code each} in send order (send time,
   * then id), read on {@code handle}: first their ids alone, in that order (eight bytes each), then each page's
   * rows by id as its turn comes, so that no more than a page of invitations is held. A page's row reflects what
   * {@code each} did to the invitations before it.
   */
  public void forEachDueBy(Handle handle, String connection, Instant until,
      java.util.function.Consumer<Invitation> each) {
    long[] ids = new long[64];
    int count = 0;
    try (var inOrder = handle.createQuery("SELECT id FROM invitations WHERE connection = :connection "
            + "AND state = 'SCHEDULED' AND send_at <= :until ORDER BY send_at, id")
        .bind("connection", connection).bind("until", Sql.timestamp(until)).setFetchSize(PAGE)
        .mapTo(Long.class).iterator()) {
      while (inOrder.hasNext()) {
        if (count == ids.length) {
          ids = Arrays.copyOf(ids, count * 2);
        }
        ids[count++] = inOrder.next();
      }
    }
    for (int from = 0; from < count; from += PAGE) {
      List<Long> page = Arrays.stream(ids, from, Math.min(count, from + PAGE)).boxed().toList();
      Map<Long, Invitation> byId = new HashMap<>();
      handle.createQuery("SELECT " + COLUMNS + " FROM invitations WHERE id IN (<ids>)")
          .bindList("ids", Sql.padded(page)).map((rs, ctx) -> map(rs))
          .forEach(invitation -> byId.put(invitation.id(), invitation));
      for (Long id : page) {
        Invitation invitation = byId.get(id);
        if (invitation != null) {
          each.accept(invitation);
        }
      }
    }
  }

  /** The earliest send time after {@code after} of a scheduled invitation of the connection, read on {@code handle}. */
  public Optional<Instant> nextSendAfter(Handle handle, String connection, Instant after) {
    return handle.createQuery("SELECT MIN(send_at) FROM invitations WHERE connection = :connection "
            + "AND state = 'SCHEDULED' AND send_at > :after")
        .bind("connection", connection).bind("after", Sql.timestamp(after))
        .mapTo(java.sql.Timestamp.class).findOne().map(java.sql.Timestamp::toInstant);
  }

  /** An invitation waiting to be sent (scheduled, or being sent) and its send time. */
  public record Waiting(long id, Instant sendAt) {}

  /**
   * The first {@code limit} invitations of the connection in {@code state} with an id above {@code afterId}, in id
   * order: a keyset page on {@code ix_invitations_state}.
   */
  public List<Waiting> waitingPage(String connection, InvitationState state, long afterId, int limit) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT id, send_at FROM invitations "
            + "WHERE connection = :connection AND state = :state AND id > :after ORDER BY connection, state, id "
            + "LIMIT :limit")
        .bind("connection", connection).bind("state", state.name()).bind("after", afterId).bind("limit", limit)
        .map((rs, ctx) -> new Waiting(rs.getLong("id"), rs.getTimestamp("send_at").toInstant())).list());
  }

  /**
   * Which of {@code ids} have a task named {@code taskName} (its instance is the id): primary key lookups. On
   * PostgreSQL the instances are one array parameter, {@code = ANY(:ids)}: one statement text, prepared once, that
   * the planner turns into an index scan; a row-value list of a few hundred pairs cost it about 100 ms to plan and
   * run per page of a first sync. On H2 they are a key table ({@link Sql#keys}) joined on the key, which it seeks
   * key by key (a row-value list took it 12 ms a page).
   */
  public java.util.Set<Long> withTask(String taskName, List<Long> ids) {
    if (ids.isEmpty()) {
      return java.util.Set.of();
    }
    List<String> instances = ids.stream().map(String::valueOf).toList();
    return jdbi.withHandle(handle -> {
      if (Sql.postgres(handle)) {
        return handle.createQuery("SELECT task_instance FROM scheduled_tasks WHERE task_name = :task "
                + "AND task_instance = ANY(:instances)")
            .bind("task", taskName).bindArray("instances", String.class, instances)
            .map((rs, ctx) -> Long.parseLong(rs.getString(1))).collect(Collectors.toSet());
      }
      java.util.Set<Long> found = new java.util.HashSet<>();
      for (List<String> some : Sql.chunks(instances)) {
        Sql.bindKeys(handle.createQuery("SELECT s.task_instance FROM " + Sql.keys(some.size()) + " JOIN "
                + "scheduled_tasks s ON s.task_name = :task AND s.task_instance = wanted.id"), some)
            .bind("task", taskName).map((rs, ctx) -> Long.parseLong(rs.getString(1))).forEach(found::add);
      }
      return found;
    });
  }

  /** Counts by state for one connection (reports and tests). */
  public java.util.Map<InvitationState, Integer> countByState(String connection) {
    java.util.Map<InvitationState, Integer> counts = new java.util.EnumMap<>(InvitationState.class);
    jdbi.useHandle(handle -> handle.createQuery("SELECT state, COUNT(*) AS n FROM invitations "
            + "WHERE connection = :connection GROUP BY state")
        .bind("connection", connection)
        .map((rs, ctx) -> java.util.Map.entry(InvitationState.valueOf(rs.getString("state")), rs.getInt("n")))
        .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
    return counts;
  }

  // ---- survey history queries ----------------------------------------------------------------

  /**
   * Which invitations count as surveys for a question: every one that is scheduled, being sent or sent
   * (not those suppressed or failed), less one invitation and those whose time is after a moment.
   *
   * @param excluding an invitation that does not count (the one being re-checked); 0 for none
   * @param notAfter invitations due later than this do not count yet
   */
  public record Counting(long excluding, Instant notAfter) {
    /** Every invitation counts: what a trigger pass asks. */
    public static final Counting ALL = new Counting(0, Instant.parse("9999-12-31T23:59:59Z"));

    /** For the send-time re-check of {@code invitationId} at {@code now}: others sent or due by now. */
    public static Counting beside(long invitationId, Instant now) {
      return new Counting(invitationId, now);
    }

    String where(String alias) {
      return " AND " + alias + "state NOT IN ('SUPPRESSED', 'FAILED') AND " + alias + "id <> :excluding AND COALESCE("
          + alias + "sent_at, " + alias + "send_at) <= :notAfter";
    }

    <T extends org.jdbi.v3.core.statement.SqlStatement<T>> T bind(T statement) {
      return statement.bind("excluding", excluding).bind("notAfter", Sql.timestamp(notAfter));
    }
  }

  /** A survey of one person: when, and through which connection's contact. */
  public record PersonSurvey(String connection, String contactId, Instant at) {}

  /**
   * The latest send (or planned send) to this contact that counts. Read on {@code handle}, so that a
   * trigger pass sees the invitations it made earlier in its own transaction.
   */
  public Optional<Instant> lastSurveyedAt(Handle handle, String connection, String contactId, Counting counting) {
    return counting.bind(handle.createQuery("SELECT MAX(COALESCE(sent_at, send_at)) FROM invitations "
            + "WHERE connection = :connection AND contact_crm_id = :contactId" + counting.where("")))
        .bind("connection", connection).bind("contactId", contactId)
        .mapTo(java.sql.Timestamp.class).findOne().map(java.sql.Timestamp::toInstant);
  }

  /** As {@link #lastSurveyedAt}, over every contact with this e-mail address (ignoring case) in every connection. */
  public Optional<PersonSurvey> lastPersonSurveyedAt(Handle handle, String email, Counting counting) {
    return counting.bind(handle.createQuery("SELECT i.connection, i.contact_crm_id, COALESCE(i.sent_at, i.send_at) "
            + "AS at FROM contacts c JOIN invitations i ON i.connection = c.connection AND i.contact_crm_id = c.crm_id "
            + "WHERE c.email_key = :emailKey" + counting.where("i.") + " ORDER BY at DESC, i.id DESC LIMIT 1"))
        .bind("emailKey", ContactRepository.emailKey(email))
        .map((rs, ctx) -> new PersonSurvey(rs.getString("connection"), rs.getString("contact_crm_id"),
            rs.getTimestamp("at").toInstant()))
        .findOne();
  }

  /** As {@link #lastSurveyedAt}, over every contact of one account. */
  public Optional<Instant> lastAccountSurveyedAt(Handle handle, String connection, String accountId,
      Counting counting) {
    return counting.bind(handle.createQuery("SELECT MAX(COALESCE(sent_at, send_at)) FROM invitations "
            + "WHERE connection = :connection AND account_id = :accountId" + counting.where("")))
        .bind("connection", connection).bind("accountId", accountId)
        .mapTo(java.sql.Timestamp.class).findOne().map(java.sql.Timestamp::toInstant);
  }

  /** What a trigger pass asks about one contact: its latest survey that counts, its oldest waiting invitation. */
  public record ContactSurveys(Optional<Instant> last, Optional<Long> pending) {
    public static final ContactSurveys NONE = new ContactSurveys(Optional.empty(), Optional.empty());
  }

  /**
   * {@link #lastSurveyedAt} and {@link #pendingInvitation} of many contacts of one connection, in one query per
   * {@value ContactRepository#IN_LIST} contacts (on {@code ix_invitations_contact}); a contact without invitations
   * has no entry.
   */
  public Map<String, ContactSurveys> surveysOf(Handle handle, String connection, Collection<String> contactIds,
      Counting counting) {
    Map<String, ContactSurveys> found = new HashMap<>();
    String counts = counting.where("i.").substring(" AND ".length());
    for (List<String> some : Sql.chunks(contactIds)) {
      Sql.bindKeys(counting.bind(handle.createQuery("SELECT i.contact_crm_id, MAX(CASE WHEN " + counts
              + " THEN COALESCE(i.sent_at, i.send_at) END) AS last_at, MIN(CASE WHEN i.state = 'SCHEDULED' THEN i.id "
              + "END) AS pending_id FROM " + Sql.keys(some.size()) + " JOIN invitations i ON i.connection = "
              + ":connection AND i.contact_crm_id = wanted.id GROUP BY i.contact_crm_id")), some)
          .bind("connection", connection)
          .map((rs, ctx) -> {
            java.sql.Timestamp last = rs.getTimestamp("last_at");
            long pending = rs.getLong("pending_id");
            boolean noPending = rs.wasNull();
            return Map.entry(rs.getString("contact_crm_id"), new ContactSurveys(
                Optional.ofNullable(last).map(java.sql.Timestamp::toInstant),
                noPending ? Optional.empty() : Optional.of(pending)));
          })
          .forEach(entry -> found.put(entry.getKey(), entry.getValue()));
    }
    return found;
  }

  /**
   * {@link #lastPersonSurveyedAt} of many people, by e-mail key ({@link ContactRepository#emailKey}), in one query
   * per {@value ContactRepository#IN_LIST} addresses; a person never surveyed has no entry.
   */
  public Map<String, PersonSurvey> lastPersonSurveys(Handle handle, Collection<String> emailKeys, Counting counting) {
    Map<String, PersonSurvey> found = new HashMap<>();
    Map<String, Long> foundIds = new HashMap<>();
    for (List<String> some : Sql.chunks(emailKeys)) {
      counting.bind(handle.createQuery("SELECT c.email_key, i.id, i.connection, i.contact_crm_id, "
              + "COALESCE(i.sent_at, i.send_at) AS at FROM contacts c JOIN invitations i ON i.connection = c.connection "
              + "AND i.contact_crm_id = c.crm_id WHERE c.email_key IN (<keys>)" + counting.where("i.")))
          .bindList("keys", Sql.padded(some))
          .map((rs, ctx) -> new PersonRow(rs.getString("email_key"), rs.getLong("id"), new PersonSurvey(
              rs.getString("connection"), rs.getString("contact_crm_id"), rs.getTimestamp("at").toInstant())))
          .forEach(row -> {
            // the latest, and of two at the same time the later invitation, as lastPersonSurveyedAt orders them
            PersonSurvey known = found.get(row.key());
            if (known == null || row.survey().at().isAfter(known.at())
                || (row.survey().at().equals(known.at()) && row.id() > foundIds.get(row.key()))) {
              found.put(row.key(), row.survey());
              foundIds.put(row.key(), row.id());
            }
          });
    }
    return found;
  }

  private record PersonRow(String key, long id, PersonSurvey survey) {}

  /**
   * {@link #lastAccountSurveyedAt} of many accounts of one connection, in one query per
   * {@value ContactRepository#IN_LIST} accounts (on {@code ix_invitations_account}); an account never surveyed has
   * no entry.
   */
  public Map<String, Instant> lastAccountSurveys(Handle handle, String connection, Collection<String> accountIds,
      Counting counting) {
    Map<String, Instant> found = new HashMap<>();
    for (List<String> some : Sql.chunks(accountIds)) {
      Sql.bindKeys(counting.bind(handle.createQuery("SELECT i.account_id, MAX(COALESCE(i.sent_at, i.send_at)) AS "
              + "last_at FROM " + Sql.keys(some.size()) + " JOIN invitations i ON i.connection = :connection AND "
              + "i.account_id = wanted.id WHERE 1 = 1" + counting.where("i.") + " GROUP BY i.account_id")), some)
          .bind("connection", connection)
          .map((rs, ctx) -> Map.entry(rs.getString("account_id"), rs.getTimestamp("last_at").toInstant()))
          .forEach(entry -> found.put(entry.getKey(), entry.getValue()));
    }
    return found;
  }

  /** The oldest invitation of this contact still waiting to be sent, by any trigger. */
  public Optional<Long> pendingInvitation(Handle handle, String connection, String contactId) {
    return handle.createQuery("SELECT MIN(id) FROM invitations WHERE connection = :connection "
            + "AND contact_crm_id = :contactId AND state = 'SCHEDULED'")
        .bind("connection", connection).bind("contactId", contactId).mapTo(Long.class).findOne();
  }

  /** Invitations of one trigger that count, with their send time in {@code [dayStart, dayEnd)}. */
  public int plannedOn(Handle handle, String connection, String trigger, Instant dayStart, Instant dayEnd) {
    return handle.createQuery("SELECT COUNT(*) FROM invitations WHERE connection = :connection "
            + "AND trigger_name = :trigger AND send_at >= :start AND send_at < :end "
            + "AND state NOT IN ('SUPPRESSED', 'FAILED')")
        .bind("connection", connection).bind("trigger", trigger).bind("start", Sql.timestamp(dayStart))
        .bind("end", Sql.timestamp(dayEnd)).mapTo(Integer.class).one();
  }

  /** Writes history entries in one batched statement. */
  public void recordAll(Handle handle, Collection<HistoryEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    var batch = handle.prepareBatch(HISTORY_INSERT);
    for (HistoryEntry entry : entries) {
      bindHistory(batch, entry.invitationId(), entry.state(), entry.detail().orElse(null), entry.at()).add();
    }
    batch.execute();
  }

  private static final String HISTORY_INSERT = "INSERT INTO invitation_history (invitation_id, at, state, detail) "
      + "VALUES (:id, :at, :state, :detail)";

  private static <T extends org.jdbi.v3.core.statement.SqlStatement<T>> T bindHistory(T statement, long id,
      InvitationState state, String detail, Instant at) {
    return statement.bind("id", id).bind("at", Sql.timestamp(at)).bind("state", state.name())
        .bindByType("detail", Sql.fit(detail, 2000), String.class);
  }

  private static void history(Handle handle, long id, InvitationState state, String detail, Instant now) {
    bindHistory(handle.createUpdate(HISTORY_INSERT), id, state, detail, now).execute();
  }

  static Invitation map(ResultSet rs) throws SQLException {
    long eventId = rs.getLong("event_id");
    boolean noEvent = rs.wasNull();
    return new Invitation(rs.getLong("id"), rs.getString("connection"), rs.getString("trigger_name"),
        rs.getString("dedup_key"), rs.getString("contact_crm_id"), Optional.ofNullable(rs.getString("account_id")),
        noEvent ? Optional.empty() : Optional.of(eventId), rs.getString("channel"),
        InvitationState.valueOf(rs.getString("state")), rs.getTimestamp("send_at").toInstant(),
        instant(rs, "sent_at"), instant(rs, "reminded_at"), instant(rs, "expires_at"), rs.getInt("attempts"),
        Optional.ofNullable(rs.getString("last_error")), Optional.ofNullable(rs.getString("message_id")),
        instant(rs, "handed_over_at"), rs.getTimestamp("created_at").toInstant());
  }

  private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(rs.getTimestamp(column)).map(java.sql.Timestamp::toInstant);
  }
}
