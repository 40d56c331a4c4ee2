package io.npsconnector.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The reference for a HubSpot first read: the fewest lines that make the adapter's calls with OkHttp and Jackson and
 * nothing else. The two pipeline reads, then contacts, won deals and closed tickets, each searched over one window
 * (modified from 0 to now) sorted by {@code hs_object_id} in pages of 200, restarting after the last id before the
 * search's 10,000-result cap; each page of deals or tickets followed by a v4 association batch read of its contacts
 * (following each record's {@code paging.next.after}). Every record's properties are read into a map, then dropped:
 * nothing is stored, retried or rate-governed.
 */
final class BareHubSpotPull {
  /**
   * What the pull read: contacts, and the won deals and closed tickets that have contacts (the events a sync
   * would make of them).
   */
  record Result(int contacts, int deals, int tickets, int calls) {}

  private static final MediaType JSON_TYPE = MediaType.get("application/json");
  private static final int PAGE = 200;
  private static final int SEARCH_CAP = 10_000;
  private static final List<String> DEAL_PROPERTIES = List.of("dealname", "amount", "pipeline", "dealstage",
      "closedate", "dealtype", "hs_lastmodifieddate");
  private static final List<String> TICKET_PROPERTIES = List.of("subject", "hs_pipeline", "hs_pipeline_stage",
      "hs_ticket_priority", "hs_ticket_category", "closed_date", "hs_lastmodifieddate");

  private final ObjectMapper json = new ObjectMapper();
  private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(2, TimeUnit.MINUTES).build();
  private final String baseUrl;
  private final String token;
  private final List<String> contactProperties;
  private int calls;

  BareHubSpotPull(String baseUrl, String token, List<String> contactProperties) {
    this.baseUrl = baseUrl;
    this.token = token;
    this.contactProperties = List.copyOf(contactProperties);
  }

  Result pull() throws IOException {
    Set<String> won = stages(get("/crm/v3/pipelines/deals"), "probability", "1.0");
    Set<String> closed = stages(get("/crm/v3/pipelines/tickets"), "ticketState", "CLOSED");
    long to = System.currentTimeMillis();
    int contacts = read("contacts", "lastmodifieddate", to, null, contactProperties);
    int deals = read("deals", "hs_lastmodifieddate", to, Map.of("propertyName", "dealstage", "operator", "IN",
        "values", List.copyOf(won)), DEAL_PROPERTIES);
    int tickets = read("tickets", "hs_lastmodifieddate", to, Map.of("propertyName", "hs_pipeline_stage",
        "operator", "IN", "values", List.copyOf(closed)), TICKET_PROPERTIES);
    return new Result(contacts, deals, tickets, calls);
  }

  /** Every record of one type in the window; deals and tickets with their contacts. */
  private int read(String type, String modified, long to, Map<String, Object> stageFilter, List<String> properties)
      throws IOException {
    int read = 0;
    long afterId = 0;
    int offset = 0;
    while (true) {
      List<Map<String, Object>> filters = new ArrayList<>();
      filters.add(Map.of("propertyName", modified, "operator", "GTE", "value", "0"));
      filters.add(Map.of("propertyName", modified, "operator", "LTE", "value", Long.toString(to)));
      if (afterId > 0) {
        filters.add(Map.of("propertyName", "hs_object_id", "operator", "GT", "value", Long.toString(afterId)));
      }
      if (stageFilter != null) {
        filters.add(stageFilter);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("filterGroups", List.of(Map.of("filters", filters)));
      body.put("sorts", List.of(Map.of("propertyName", "hs_object_id", "direction", "ASCENDING")));
      body.put("properties", properties);
      body.put("limit", PAGE);
      if (offset > 0) {
        body.put("after", Integer.toString(offset));
      }
      JsonNode page = post("/crm/v3/objects/" + type + "/search", body);
      JsonNode results = page.path("results");
      List<String> ids = new ArrayList<>();
      for (JsonNode object : results) {
        Map<String, String> values = new HashMap<>();
        object.path("properties").properties().forEach(field -> values.put(field.getKey(), field.getValue().asText()));
        ids.add(object.path("id").asText());
      }
      if (stageFilter == null) {
        read += ids.size();
      } else if (!ids.isEmpty()) {
        read += associations(type, ids);
      }
      String after = page.path("paging").path("next").path("after").textValue();
      if (after == null || ids.isEmpty()) {
        return read;
      }
      offset = Integer.parseInt(after);
      if (offset + PAGE > SEARCH_CAP) {
        afterId = Long.parseLong(ids.get(ids.size() - 1));
        offset = 0;
      }
    }
  }

  /**
   * The contacts of each record: batch reads, then the records with more, by their {@code after}; how many
   * records have any.
   */
  private int associations(String type, List<String> ids) throws IOException {
    Set<String> withContacts = new java.util.HashSet<>();
    List<Map<String, String>> pending = ids.stream().map(id -> Map.of("id", id)).toList();
    Set<String> asked = new java.util.HashSet<>();
    while (!pending.isEmpty()) {
      List<Map<String, String>> more = new ArrayList<>();
      JsonNode answer = post("/crm/v4/associations/" + type + "/contacts/batch/read", Map.of("inputs", pending));
      for (JsonNode result : answer.path("results")) {
        String id = result.path("from").path("id").asText();
        List<String> contacts = new ArrayList<>();
        result.path("to").forEach(to -> contacts.add(to.path("toObjectId").asText()));
        if (!contacts.isEmpty()) {
          withContacts.add(id);
        }
        String after = result.path("paging").path("next").path("after").textValue();
        if (after != null && asked.add(id + " " + after)) {
          more.add(Map.of("id", id, "after", after));
        }
      }
      pending = more;
    }
    return withContacts.size();
  }

  private static Set<String> stages(JsonNode pipelines, String metadata, String value) {
    Set<String> ids = new TreeSet<>();
    for (JsonNode pipeline : pipelines.path("results")) {
      for (JsonNode stage : pipeline.path("stages")) {
        String actual = stage.path("metadata").path(metadata).asText();
        boolean counts = metadata.equals("probability") ? parsesToOne(actual) : value.equalsIgnoreCase(actual);
        if (counts && !stage.path("archived").asBoolean(false)) {
          ids.add(stage.path("id").asText());
        }
      }
    }
    return ids;
  }

  private static boolean parsesToOne(String text) {
    try {
      return Double.parseDouble(text) == 1.0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private JsonNode get(String path) throws IOException {
    return call(new Request.Builder().url(baseUrl + path).get());
  }

  private JsonNode post(String path, Object body) throws IOException {
    return call(new Request.Builder().url(baseUrl + path)
        .post(RequestBody.create(json.writeValueAsBytes(body), JSON_TYPE)));
  }

  private JsonNode call(Request.Builder request) throws IOException {
    calls++;
    try (Response response = http.newCall(request.header("Authorization", "Bearer " + token).build()).execute()) {
      if (!response.isSuccessful() && response.code() != 207) {
        throw new IOException("HubSpot sandbox answered " + response.code() + " to " + response.request().url().encodedPath());
      }
      return json.readTree(response.body().byteStream());
    }
  }
}
