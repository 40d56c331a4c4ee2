package io.npsconnector.core.engine;

import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.TaskState;
import io.npsconnector.core.spi.TaskStates;
import io.npsconnector.core.store.FollowUpRepository.Candidate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the follow-up tasks the engine wrote back from the CRM on each sync: those never read, still open, or
 * written again since (a resubmitted answer reopens its task), oldest read first, at most
 * {@value #MAX_TASKS_PER_SYNC} a sync, in the adapter's largest calls. Completed, deleted and withdrawn tasks are
 * final and cost no call: a rep who reopens a completed task in the CRM is not seen (the close figures count its
 * first completion), unless the engine writes the task again. A task the engine closed itself (the answer no
 * longer calls for a follow-up) is noted as withdrawn without a call. While the CRM's API budget runs low
 * ({@link CrmAdapter#conservingApiBudget()}) nothing is read: it waits, like the other work that can.
 */
final class FollowUpService {
  private static final Logger LOG = LoggerFactory.getLogger(FollowUpService.class);
  /** A bound on tasks read per sync, so that a backlog is spread over several syncs (least recently read first). */
  static final int MAX_TASKS_PER_SYNC = 2_000;

  private final Stores stores;
  private final Clock clock;
  private final int maxPerSync;

  FollowUpService(Stores stores, Clock clock) {
    this(stores, clock, MAX_TASKS_PER_SYNC);
  }

  FollowUpService(Stores stores, Clock clock, int maxPerSync) {
    this.stores = stores;
    this.clock = clock;
    this.maxPerSync = maxPerSync;
  }

  /** What one read-back did: tasks read, calls made, and how many it found completed or deleted. */
  record Result(int read, int apiCalls, int completed, int deleted) {
    static final Result NONE = new Result(0, 0, 0, 0);
  }

  /** @throws io.npsconnector.core.spi.CrmException as the adapter does; states read before are kept */
  Result readBack(String connection, CrmAdapter adapter) {
    if (!adapter.readsTasks() || adapter.conservingApiBudget()) {
      return Result.NONE;
    }
    List<Candidate> due = stores.followUps().due(connection, maxPerSync);
    List<Candidate> toRead = new ArrayList<>();
    for (Candidate candidate : due) {
      if (candidate.request().closed()) {
        stores.followUps().withdrawn(connection, candidate, clock.instant());
      } else {
        toRead.add(candidate);
      }
    }
    int calls = 0;
    int completed = 0;
    int deleted = 0;
    int batch = Math.max(1, adapter.maxTaskRead());
    for (int from = 0; from < toRead.size(); from += batch) {
      List<Candidate> part = toRead.subList(from, Math.min(toRead.size(), from + batch));
      TaskStates read = adapter.readTasks(part.stream().map(Candidate::crmTaskId).distinct().toList());
      calls += read.apiCalls();
      Map<String, TaskState> byId = new HashMap<>();
      read.states().forEach(state -> byId.put(state.crmTaskId(), state));
      Instant now = clock.instant();
      for (Candidate candidate : part) {
        TaskState state = byId.get(candidate.crmTaskId());
        if (state == null) {
          LOG.warn("{}: the CRM's answer named no state for follow-up task {} ({}); it is read again next sync",
              connection, candidate.crmTaskId(), candidate.taskKey());
          continue;
        }
        stores.followUps().record(connection, candidate, state, now);
        completed += state.status() == TaskState.Status.COMPLETED ? 1 : 0;
        deleted += state.status() == TaskState.Status.DELETED ? 1 : 0;
      }
    }
    return new Result(toRead.size(), calls, completed, deleted);
  }
}
