package io.npsconnector.app.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import io.npsconnector.sandbox.hubspot.HubSpotSandbox;
import io.npsconnector.sandbox.salesforce.SalesforceSandbox;

/**
 * The reps of both sandboxes working their NPS follow-up tasks, as the demo's history passes: each new task is
 * completed by its owner some hours to days after it was made (about four in five of them; the rest stay open),
 * in the CRM's own way (HubSpot: COMPLETED saved by the owner's user; Salesforce: Status
 * Completed saved by the owning user), at that time by the demo's clock. The engine then reads the states back
 * on its next sync, so the follow-up inbox shows a close rate and a median time to close.
 */
final class FollowUpWork {
  private static final String TASK_KEY = "task:";

  private final HubSpotSandbox hubspot;
  private final SalesforceSandbox salesforce;
  private final Random random;
  /** Tasks already given their fate. */
  private final Set<String> decided = new HashSet<>();
  private final List<Planned> planned = new ArrayList<>();

  /** One rep's action on one task, at a time. */
  private record Planned(Instant at, boolean hubSpot, String taskId, String owner, boolean delete) {}

  FollowUpWork(HubSpotSandbox hubspot, SalesforceSandbox salesforce, long seed) {
    this.hubspot = hubspot;
    this.salesforce = salesforce;
    this.random = new Random(seed);
  }

  /**
   * Gives every new follow-up task its fate, then does, in time order, what falls before the clock is
   * {@code behind} the real time, moving the clock forward to each action's time.
   *
   * @return the tasks completed or deleted
   */
  int workUntil(DemoClock clock, Duration behind) {
    for (HubSpotSandbox.Engagement task : hubspot.tasks()) {
      String key = task.properties().getOrDefault("nps_key", "");
      if (key.startsWith(TASK_KEY) && decided.add("h" + task.id())) {
        plan(true, task.id(), task.properties().get("hubspot_owner_id"), created(task.properties().get("hs_createdate")));
      }
    }
    for (Map<String, String> task : salesforce.tasks()) {
      String key = task.getOrDefault("NPS_Key__c", "");
      if (key != null && key.startsWith(TASK_KEY) && decided.add("s" + task.get("Id"))) {
        plan(false, task.get("Id"), task.get("OwnerId"), created(task.get("CreatedDate")));
      }
    }
    Instant until = Instant.now().minus(behind);
    planned.sort(Comparator.comparing(Planned::at));
    int done = 0;
    while (!planned.isEmpty() && !planned.get(0).at().isAfter(until)) {
      Planned action = planned.remove(0);
      if (action.at().isAfter(clock.instant())) {
        clock.setBehind(Duration.between(action.at(), Instant.now()));
      }
      if (act(action)) {
        done++;
      }
    }
    return done;
  }

  private void plan(boolean hubSpot, String taskId, String owner, Optional<Instant> created) {
    if (created.isEmpty() || owner == null) {
      return;
    }
    double fate = random.nextDouble();
    if (fate < 0.8) { // completed: most within a day or two, some after a week
      long minutes = (long) (60 + Math.pow(random.nextDouble(), 2.5) * 9 * 24 * 60);
      planned.add(new Planned(created.get().plus(Duration.ofMinutes(minutes)), hubSpot, taskId, owner, false));
    } // else: it stays open
  }

  /** Does the action if the task is still there and open; false otherwise. */
  private boolean act(Planned action) {
    if (action.hubSpot()) {
      Map<String, String> task = hubspot.object("tasks", action.taskId());
      if (task.isEmpty() || "COMPLETED".equals(task.get("hs_task_status"))) {
        return false;
      }
      if (action.delete()) {
        hubspot.deleteTaskNow(action.taskId());
      } else {
        hubspot.completeTaskNow(action.taskId(), HubSpotSandbox.owners().contains(action.owner()) ? action.owner()
            : HubSpotSandbox.owners().get(0));
      }
      return true;
    }
    Optional<Map<String, String>> task = salesforce.tasks().stream()
        .filter(record -> action.taskId().equals(record.get("Id"))).findFirst();
    if (task.isEmpty() || "true".equals(task.get().get("IsDeleted")) || "true".equals(task.get().get("IsClosed"))) {
      return false;
    }
    if (action.delete()) {
      salesforce.deleteTaskNow(action.taskId());
    } else {
      salesforce.completeTaskNow(action.taskId(), action.owner());
    }
    return true;
  }

  private static Optional<Instant> created(String text) {
    try {
      return text == null ? Optional.empty() : Optional.of(Instant.parse(text));
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
