package io.npsconnector.hubspot.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A small, stateful stand-in for one portal's search and v4 association APIs, answering as HubSpot
 * does: filters AND-ed in one group (GTE, LTE, GT, EQ, IN on string values, dates as epoch ms), one
 * sort, pages of {@code limit} with {@code paging.next.after} as an offset, and the 10,000-result cap
 * (a 400 for any page reaching past it). Associations answer 207 with {@code NO_ASSOCIATIONS_FOUND}
 * errors for ids without any, and {@code toObjectId} as a number. Communication Preferences v4's
 * {@code batch/unsubscribe-all} answers 200 with one {@code UNSUBSCRIBED} status per address, and records
 * the addresses ({@link #unsubscribed()}).
 */
public final class PortalSearch implements ResponseDefinitionTransformerV2 {
  public static final String NAME = "portal-search";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, List<ObjectNode>> objects = new ConcurrentHashMap<>();
  private final Map<String, List<Long>> contactsOf = new ConcurrentHashMap<>();
  private final Map<String, String> failures = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong nextId = new java.util.concurrent.atomic.AtomicLong(900_000);
  private final List<JsonNode> written = java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<String> unsubscribed = java.util.Collections.synchronizedList(new ArrayList<>());
  /** "type:id" → the properties batch updates and creates left on the record. */
  private final Map<String, Map<String, String>> stored = new ConcurrentHashMap<>();
  /** "type:contact id" → ids of the records of that type created with an association to the contact. */
  private final Map<String, List<String>> createdFor = new ConcurrentHashMap<>();

  /** The next batch update refuses this record id with this error category (a 207 for the batch). */
  public void failUpdate(String id, String category) {
    failures.put(id, category);
  }

  /** Every input a batch update or create received, in order. */
  public List<JsonNode> written() {
    return List.copyOf(written);
  }

  /** The properties writes left on a record ({@code contacts}, {@code companies}, {@code tasks}, ...). */
  public Map<String, String> properties(String type, String id) {
    return Map.copyOf(stored.getOrDefault(type + ":" + id, Map.of()));
  }

  /** The ids of the records of {@code type} created associated with this contact, in order of creation. */
  public List<String> createdFor(String type, String contactId) {
    return List.copyOf(createdFor.getOrDefault(type + ":" + contactId, List.of()));
  }

  /** Every address a batch unsubscribe-all received, in order. */
  public List<String> unsubscribed() {
    return List.copyOf(unsubscribed);
  }

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  /** Adds a record of a type ({@code contacts}, {@code deals}, {@code tickets}). */
  public void add(String type, long id, Instant modified, Map<String, String> properties) {
    ObjectNode object = JSON.createObjectNode();
    object.put("id", Long.toString(id));
    ObjectNode props = object.putObject("properties");
    props.put("hs_object_id", Long.toString(id));
    props.put(type.equals("contacts") ? "lastmodifieddate" : "hs_lastmodifieddate", modified.toString());
    properties.forEach(props::put);
    object.put("createdAt", modified.minusSeconds(86_400).toString());
    object.put("updatedAt", modified.toString());
    object.put("archived", false);
    objects.computeIfAbsent(type, key -> new ArrayList<>()).add(object);
  }

  /** A record of a type changed (as HubSpot stamps it): its modified time moves to {@code modified}. */
  public void modify(String type, long id, Instant modified) {
    for (ObjectNode object : objects.getOrDefault(type, List.of())) {
      if (object.path("id").asLong() == id) {
        ((ObjectNode) object.path("properties")).put(type.equals("contacts") ? "lastmodifieddate"
            : "hs_lastmodifieddate", modified.toString());
        object.put("updatedAt", modified.toString());
      }
    }
  }

  public void associate(String type, long objectId, long... contactIds) {
    List<Long> ids = new ArrayList<>();
    for (long contactId : contactIds) {
      ids.add(contactId);
    }
    contactsOf.put(type + ":" + objectId, ids);
  }

  @Override
  public ResponseDefinition transform(ServeEvent event) {
    String path = event.getRequest().getUrl();
    JsonNode request;
    try {
      request = JSON.readTree(event.getRequest().getBodyAsString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ResponseDefinitionBuilder answer = ResponseDefinitionBuilder.like(event.getResponseDefinition()).but()
        .withHeader("Content-Type", "application/json;charset=utf-8");
    if (path.startsWith("/communication-preferences/v4/statuses/batch/unsubscribe-all")) {
      return unsubscribeAll(request, answer);
    }
    if (path.startsWith("/crm/v4/associations/")) {
      String type = path.split("/")[4];
      return associations(type, request, answer);
    }
    String type = path.split("/")[4];
    if (path.endsWith("/batch/read")) {
      return batchRead(type, request, answer);
    }
    if (path.endsWith("/batch/update") || path.endsWith("/batch/create")) {
      return write(type, path.endsWith("/batch/create"), request, answer);
    }
    return search(type, request, answer);
  }

  private ResponseDefinition search(String type, JsonNode request, ResponseDefinitionBuilder answer) {
    int limit = request.path("limit").asInt(10);
    int offset = Integer.parseInt(request.path("after").asText("0"));
    if (offset + limit > 10_000) {
      return answer.withStatus(400).withBody("{\"status\":\"error\",\"message\":\"There was a problem with the "
          + "request.\",\"correlationId\":\"0b8d4f6e-5a21-4c7e-9f3d-2e6a1c9b7d40\",\"category\":"
          + "\"VALIDATION_ERROR\"}").build();
    }
    Predicate<JsonNode> matches = object -> true;
    for (JsonNode filter : request.path("filterGroups").path(0).path("filters")) {
      matches = matches.and(filter(filter));
    }
    List<ObjectNode> found = objects.getOrDefault(type, List.of()).stream().filter(matches)
        .sorted(Comparator.comparingLong(object -> object.path("id").asLong())).toList();
    List<String> wanted = new ArrayList<>();
    request.path("properties").forEach(name -> wanted.add(name.asText()));
    ObjectNode body = JSON.createObjectNode();
    body.put("total", found.size());
    ArrayNode results = body.putArray("results");
    for (ObjectNode object : found.subList(Math.min(offset, found.size()), Math.min(found.size(), offset + limit))) {
      ObjectNode copy = object.deepCopy();
      ObjectNode props = (ObjectNode) copy.path("properties");
      props.retain(wanted);
      results.add(copy);
    }
    if (offset + limit < found.size()) {
      body.putObject("paging").putObject("next").put("after", Integer.toString(offset + limit));
    }
    return answer.withStatus(200).withBody(body.toString()).build();
  }

  private static Predicate<JsonNode> filter(JsonNode filter) {
    String name = filter.path("propertyName").asText();
    String operator = filter.path("operator").asText();
    return object -> {
      String value = object.path("properties").path(name).asText(null);
      if (value == null) {
        return false;
      }
      if (operator.equals("IN")) {
        for (JsonNode allowed : filter.path("values")) {
          if (allowed.asText().equals(value)) {
            return true;
          }
        }
        return false;
      }
      long actual = name.equals("hs_object_id") ? Long.parseLong(value) : Instant.parse(value).toEpochMilli();
      long bound = Long.parseLong(filter.path("value").asText());
      return switch (operator) {
        case "GTE" -> actual >= bound;
        case "LTE" -> actual <= bound;
        case "GT" -> actual > bound;
        case "EQ" -> actual == bound;
        default -> throw new IllegalArgumentException("operator " + operator);
      };
    };
  }

  private ResponseDefinition associations(String type, JsonNode request, ResponseDefinitionBuilder answer) {
    ObjectNode body = JSON.createObjectNode();
    body.put("status", "COMPLETE");
    ArrayNode results = body.putArray("results");
    ArrayNode errors = JSON.createArrayNode();
    for (JsonNode input : request.path("inputs")) {
      String id = input.path("id").asText();
      List<Long> contacts = contactsOf.get(type + ":" + id);
      if (contacts == null || contacts.isEmpty()) {
        ObjectNode error = errors.addObject();
        error.put("status", "error");
        error.put("category", "OBJECT_NOT_FOUND");
        error.put("subCategory", "crm.associations.NO_ASSOCIATIONS_FOUND");
        error.putObject("context").putArray("fromObjectId").add(id);
        error.put("message", "No contact is associated with " + type.substring(0, type.length() - 1) + " " + id
            + ".");
        continue;
      }
      ObjectNode result = results.addObject();
      result.putObject("from").put("id", id);
      ArrayNode to = result.putArray("to");
      for (long contact : contacts) {
        ObjectNode target = to.addObject();
        target.put("toObjectId", contact);
        ObjectNode association = target.putArray("associationTypes").addObject();
        association.put("category", "HUBSPOT_DEFINED");
        association.put("typeId", type.equals("deals") ? 3 : 16);
        association.putNull("label");
      }
    }
    body.put("startedAt", "2024-03-02T10:15:30.201Z");
    body.put("completedAt", "2024-03-02T10:15:30.288Z");
    if (!errors.isEmpty()) {
      body.put("numErrors", errors.size());
      body.set("errors", errors);
      return answer.withStatus(207).withBody(body.toString()).build();
    }
    return answer.withStatus(200).withBody(body.toString()).build();
  }

  /** A batch update or create: every input written, but the ids a test made fail (207). */
  private ResponseDefinition write(String type, boolean create, JsonNode request, ResponseDefinitionBuilder answer) {
    ObjectNode body = JSON.createObjectNode();
    body.put("status", "COMPLETE");
    ArrayNode results = body.putArray("results");
    ArrayNode errors = JSON.createArrayNode();
    for (JsonNode input : request.path("inputs")) {
      written.add(input);
      String id = create ? Long.toString(nextId.incrementAndGet()) : input.path("id").asText();
      String category = create ? null : failures.remove(id);
      if (category != null) {
        ObjectNode error = errors.addObject();
        error.put("status", "error");
        error.put("category", category);
        error.put("message", "The record could not be written (" + category + ").");
        error.putObject("context").putArray("ids").add(id);
        continue;
      }
      Map<String, String> kept = stored.computeIfAbsent(type + ":" + id, key -> new ConcurrentHashMap<>());
      input.path("properties").properties().forEach(field -> {
        if (field.getValue().isNull()) {
          kept.remove(field.getKey());
        } else {
          kept.put(field.getKey(), field.getValue().asText());
        }
      });
      for (JsonNode association : input.path("associations")) {
        createdFor.computeIfAbsent(type + ":" + association.path("to").path("id").asText(),
            key -> java.util.Collections.synchronizedList(new ArrayList<>())).add(id);
      }
      ObjectNode record = results.addObject();
      record.put("id", id);
      if (create && input.has("objectWriteTraceId")) {
        record.put("objectWriteTraceId", input.path("objectWriteTraceId").asText());
      }
      ObjectNode properties = record.putObject("properties");
      properties.put("hs_object_id", id);
      input.path("properties").properties().forEach(field -> properties.set(field.getKey(), field.getValue()));
      record.put("createdAt", "2024-03-02T10:15:30.412Z");
      record.put("updatedAt", "2024-03-02T10:15:30.412Z");
      record.put("archived", false);
    }
    body.put("startedAt", "2024-03-02T10:15:30.201Z");
    body.put("completedAt", "2024-03-02T10:15:30.455Z");
    if (!errors.isEmpty()) {
      body.put("numErrors", errors.size());
      body.set("errors", errors);
      return answer.withStatus(207).withBody(body.toString()).build();
    }
    return answer.withStatus(create ? 201 : 200).withBody(body.toString()).build();
  }

  /** Opts every address out of all e-mail: one status per address, portal-wide. */
  private ResponseDefinition unsubscribeAll(JsonNode request, ResponseDefinitionBuilder answer) {
    ObjectNode body = JSON.createObjectNode();
    body.put("status", "COMPLETE");
    ArrayNode results = body.putArray("results");
    for (JsonNode input : request.path("inputs")) {
      unsubscribed.add(input.asText());
      ObjectNode status = results.addObject();
      status.put("subscriberIdString", input.asText());
      status.put("wideStatusType", "PORTAL_WIDE");
      status.put("status", "UNSUBSCRIBED");
      status.put("channel", "EMAIL");
      status.put("timestamp", "2024-03-02T10:15:30.412Z");
    }
    body.put("startedAt", "2024-03-02T10:15:30.201Z");
    body.put("completedAt", "2024-03-02T10:15:30.455Z");
    return answer.withStatus(200).withBody(body.toString()).build();
  }

  /** A batch read by id: the records found, with the properties asked for. */
  private ResponseDefinition batchRead(String type, JsonNode request, ResponseDefinitionBuilder answer) {
    List<String> wanted = new ArrayList<>();
    request.path("properties").forEach(name -> wanted.add(name.asText()));
    ObjectNode body = JSON.createObjectNode();
    body.put("status", "COMPLETE");
    ArrayNode results = body.putArray("results");
    for (JsonNode input : request.path("inputs")) {
      objects.getOrDefault(type, List.of()).stream()
          .filter(object -> object.path("id").asText().equals(input.path("id").asText()))
          .findFirst().ifPresent(object -> {
            ObjectNode copy = object.deepCopy();
            ((ObjectNode) copy.path("properties")).retain(wanted);
            results.add(copy);
          });
    }
    body.put("startedAt", "2024-03-02T10:15:30.201Z");
    body.put("completedAt", "2024-03-02T10:15:30.240Z");
    return answer.withStatus(200).withBody(body.toString()).build();
  }
}
