package io.npsconnector.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import io.npsconnector.core.spi.TaskState;
import io.npsconnector.core.spi.TaskStates;
import io.npsconnector.hubspot.client.Budget;
import io.npsconnector.hubspot.client.HubSpotApiException;
import io.npsconnector.hubspot.client.HubSpotClient;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads follow-up tasks back with {@code POST /crm/v3/objects/tasks/batch/read}, at most {@value #MAX_BATCH} ids a
 * call: {@code hs_task_status} (COMPLETED is completed; NOT_STARTED, IN_PROGRESS, WAITING and DEFERRED are open),
 * {@code hs_task_completion_date}, {@code hubspot_owner_id}, {@code hs_timestamp} (the due time, its day in the
 * connection's time zone), {@code hs_lastmodifieddate} and {@code hs_updated_by_user_id} (who completed it: the
 * user who last changed the completed task). HubSpot names owners and users by id only here; their names would
 * take the owners API, so none are given. An id HubSpot cannot find (archived: a rep deleted the task) comes back
 * in the 207 answer's {@code OBJECT_NOT_FOUND} error and is reported deleted. Thread-safe.
 */
final class HubSpotTaskReader {
  /** HubSpot's limit of ids in one batch read. */
  static final int MAX_BATCH = 100;
  static final List<String> PROPERTIES = List.of("hs_task_status", "hs_task_completion_date", "hubspot_owner_id",
      "hs_timestamp", "hs_lastmodifieddate", "hs_updated_by_user_id");
  static final String OPERATION = "read follow-up tasks";

  private final HubSpotClient client;
  private final ZoneId timeZone;

  HubSpotTaskReader(HubSpotClient client, ZoneId timeZone) {
    this.client = client;
    this.timeZone = timeZone;
  }

  TaskStates read(List<String> ids) {
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(ids));
    Map<String, TaskState> found = new HashMap<>();
    int calls = 0;
    for (int from = 0; from < distinct.size(); from += MAX_BATCH) {
      List<String> part = distinct.subList(from, Math.min(distinct.size(), from + MAX_BATCH));
      Map<String, Object> body = Map.of("inputs", part.stream().map(id -> Map.of("id", id)).toList(),
          "properties", PROPERTIES);
      JsonNode answer;
      try {
        calls++;
        answer = client.post(OPERATION, "/crm/v3/objects/tasks/batch/read", Map.of("archived", "false"), body,
            Budget.STANDARD).body();
      } catch (HubSpotApiException e) {
        throw HubSpotErrors.crmException(client.connection(), e);
      }
      for (JsonNode record : answer.path("results")) {
        TaskState state = state(record);
        found.put(state.crmTaskId(), state);
      }
    }
    // ids in an OBJECT_NOT_FOUND error, and any the answer does not name at all, are not live records
    return new TaskStates(ids.stream().map(id -> found.getOrDefault(id, TaskState.deleted(id))).toList(), calls);
  }

  private TaskState state(JsonNode record) {
    JsonNode properties = record.path("properties");
    Optional<String> status = text(properties, "hs_task_status");
    boolean completed = status.map("COMPLETED"::equals).orElse(false);
    Optional<String> updatedBy = text(properties, "hs_updated_by_user_id");
    return new TaskState(record.path("id").asText(), completed ? TaskState.Status.COMPLETED : TaskState.Status.OPEN,
        status, completed ? instant(properties, "hs_task_completion_date") : Optional.empty(),
        completed ? updatedBy.map(id -> new TaskState.User(id, Optional.empty())) : Optional.empty(),
        text(properties, "hubspot_owner_id").map(id -> new TaskState.User(id, Optional.empty())),
        instant(properties, "hs_timestamp").map(at -> LocalDate.ofInstant(at, timeZone)),
        instant(properties, "hs_lastmodifieddate").or(() -> instantText(record.path("updatedAt").asText(""))));
  }

  private static Optional<String> text(JsonNode properties, String name) {
    JsonNode value = properties.path(name);
    return value.isMissingNode() || value.isNull() || value.asText().isBlank() ? Optional.empty()
        : Optional.of(value.asText().strip());
  }

  /** A datetime property: ISO-8601 as HubSpot answers, or epoch milliseconds as it also accepts. */
  private static Optional<Instant> instant(JsonNode properties, String name) {
    return text(properties, name).flatMap(HubSpotTaskReader::instantText);
  }

  private static Optional<Instant> instantText(String text) {
    if (text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(text.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(text))
          : Instant.parse(text));
    } catch (DateTimeParseException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
