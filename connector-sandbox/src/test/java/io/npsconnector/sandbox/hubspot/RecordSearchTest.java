package io.npsconnector.sandbox.hubspot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The indexed search answers as a scan of every record does: for random filter groups and sorts over a
 * seeded portal, the same total, the same records in the same order and the same next page, compared with
 * the scan the sandbox used to run (kept here as the reference); and records move in the index when they
 * are created, updated or archived.
 */
class RecordSearchTest {
  private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @Test
  void randomSearchesAnswerAsTheScan() {
    Portal portal = new Portal(CLOCK, 7);
    portal.seed(1_000);
    irregularDeals(portal);
    Random random = new Random(11);
    int compared = 0;
    for (int i = 0; i < 200; i++) {
      String type = List.of("contacts", "contacts", "deals", "tickets").get(random.nextInt(4));
      ObjectNode request = randomRequest(random, type, portal);
      compareWithScan(portal, type, request);
      compared++;
    }
    assertThat(compared).isEqualTo(200);
  }

  @Test
  void updatedCreatedAndArchivedRecordsMoveInTheIndex() {
    Instant later = NOW.plusSeconds(3_600);
    MutableClock clock = new MutableClock(NOW);
    Portal portal = new Portal(clock, 3);
    portal.seed(500);
    List<String> ids = portal.ids("contacts");
    String first = ids.get(0);
    String second = ids.get(1);
    clock.now = later;
    Portal.Reply updated = portal.batchUpdate("contacts", json("{\"inputs\":[{\"id\":\"" + first
        + "\",\"properties\":{\"firstname\":\"Moved\"}}]}"));
    assertThat(updated.status()).isEqualTo(200);
    Portal.Reply created = portal.batchCreate("contacts", json("{\"inputs\":[{\"properties\":"
        + "{\"email\":\"new.one@example.com\",\"firstname\":\"New\"}}]}"));
    assertThat(created.status()).isEqualTo(201);
    String createdId = created.body().path("results").path(0).path("id").asText();
    portal.archive("contacts", second);

    ObjectNode changedSinceLater = json("{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"lastmodifieddate\","
        + "\"operator\":\"GTE\",\"value\":\"" + later.toEpochMilli() + "\"}]}],\"limit\":100}");
    JsonNode found = portal.search("contacts", changedSinceLater, 100).body();
    assertThat(ids(found)).containsExactly(first, createdId);
    assertThat(found.path("total").asInt()).isEqualTo(2);
    compareWithScan(portal, "contacts", changedSinceLater);

    ObjectNode before = json("{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"lastmodifieddate\","
        + "\"operator\":\"LT\",\"value\":\"" + later.toEpochMilli() + "\"}]}],\"sorts\":[{\"propertyName\":"
        + "\"lastmodifieddate\",\"direction\":\"DESCENDING\"}],\"limit\":200}");
    JsonNode older = portal.search("contacts", before, 100).body();
    assertThat(older.path("total").asInt()).isEqualTo(498); // 500 seeded, one moved on, one archived
    assertThat(ids(older)).doesNotContain(first, second, createdId);
    compareWithScan(portal, "contacts", before);

    // an event (a new or changed contact, a deal won, a ticket closed) moves records too
    clock.now = later.plusSeconds(60);
    portal.event(clock.now);
    compareWithScan(portal, "contacts", json("{\"sorts\":[{\"propertyName\":\"lastmodifieddate\","
        + "\"direction\":\"DESCENDING\"}],\"limit\":5}"));
  }

  /** Deals whose modified date a client wrote as text, a number or nothing: searches check them as the scan. */
  private static void irregularDeals(Portal portal) {
    Portal.Reply created = portal.batchCreate("deals", json("{\"inputs\":["
        + "{\"properties\":{\"dealname\":\"a\",\"hs_lastmodifieddate\":\"not a date\"}},"
        + "{\"properties\":{\"dealname\":\"b\",\"hs_lastmodifieddate\":\"1767225600000\"}},"
        + "{\"properties\":{\"dealname\":\"c\",\"hs_lastmodifieddate\":null}},"
        + "{\"properties\":{\"dealname\":\"d\",\"hs_lastmodifieddate\":\"2026-01-01\"}}]}"));
    assertThat(created.status()).isEqualTo(201);
  }

  private static void compareWithScan(Portal portal, String type, ObjectNode request) {
    int length = Portal.write(request).length();
    Portal.Reply indexed = portal.search(type, request, length);
    Scan.Answer expected = Scan.search(portal.table(type).records(), type, request);
    assertThat(indexed.status()).as("status of %s", request).isEqualTo(expected.status());
    if (indexed.status() != 200) {
      return;
    }
    JsonNode body = indexed.body();
    assertThat(body.path("total").asInt()).as("total of %s %s", type, request).isEqualTo(expected.total());
    assertThat(ids(body)).as("records of %s %s", type, request).isEqualTo(expected.ids());
    assertThat(body.path("paging").path("next").path("after").asText(null)).as("next page of %s", request)
        .isEqualTo(expected.nextAfter());
  }

  private static List<String> ids(JsonNode body) {
    List<String> ids = new ArrayList<>();
    body.path("results").forEach(result -> ids.add(result.path("id").asText()));
    return ids;
  }

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) Portal.JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  // ---------------------------------------------------------------- random requests

  private static ObjectNode randomRequest(Random random, String type, Portal portal) {
    ObjectNode request = Portal.JSON.createObjectNode();
    List<String> ids = portal.ids(type);
    long lowId = Long.parseLong(ids.get(0));
    long highId = Long.parseLong(ids.get(ids.size() - 1));
    String modified = Portal.modifiedProperty(type);
    int groups = random.nextInt(10) < 2 ? 0 : 1 + (random.nextInt(10) < 2 ? random.nextInt(2) + 1 : 0);
    if (groups > 0 || random.nextBoolean()) {
      ArrayNode groupNodes = request.putArray("filterGroups");
      for (int g = 0; g < groups; g++) {
        ArrayNode filters = groupNodes.addObject().putArray("filters");
        int count = random.nextInt(4);
        for (int f = 0; f < count; f++) {
          int kind = random.nextInt(10);
          if (kind < 4) {
            rangeFilter(filters.addObject(), modified, random, dateBound(random), dateBound(random));
          } else if (kind < 7) {
            rangeFilter(filters.addObject(), random.nextInt(5) == 0 ? "id" : "hs_object_id", random,
                idBound(random, lowId, highId), idBound(random, lowId, highId));
          } else {
            otherFilter(filters.addObject(), type, random);
          }
        }
      }
    }
    int sort = random.nextInt(9);
    if (sort > 0) {
      ArrayNode sorts = request.putArray("sorts");
      String direction = random.nextBoolean() ? "ASCENDING" : "DESCENDING";
      switch (sort) {
        case 1 -> sorts.add("hs_object_id");
        case 2, 3 -> sorts.addObject().put("propertyName", "hs_object_id").put("direction", direction);
        case 4, 5, 6 -> sorts.addObject().put("propertyName", modified).put("direction", direction);
        case 7 -> sorts.addObject().put("propertyName", type.equals("contacts") ? "firstname" : "createdate")
            .put("direction", direction);
        default -> sorts.addObject().put("propertyName", "id").put("direction", direction);
      }
    }
    int limit = 1 + random.nextInt(200);
    request.put("limit", limit);
    if (random.nextBoolean()) {
      request.put("after", Integer.toString(random.nextInt(Math.max(1, Math.min(10_000 - limit, 900)))));
    }
    return request;
  }

  private static void rangeFilter(ObjectNode filter, String name, Random random, String bound, String high) {
    String operator = List.of("EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "BETWEEN", "GTE", "LTE",
        "HAS_PROPERTY").get(random.nextInt(11));
    filter.put("propertyName", name);
    filter.put("operator", operator);
    if (random.nextInt(30) > 0) {
      filter.put("value", bound);
    }
    if (operator.equals("BETWEEN") && random.nextInt(10) > 0) {
      filter.put("highValue", high);
    }
  }

  private static String dateBound(Random random) {
    long at = NOW.toEpochMilli() - (long) (random.nextDouble() * 200 * 86_400_000L);
    return switch (random.nextInt(9)) {
      case 0, 1, 2, 3 -> Long.toString(at);
      case 4, 5 -> Instant.ofEpochMilli(at).toString();
      case 6 -> LocalDate.ofInstant(Instant.ofEpochMilli(at), ZoneOffset.UTC).toString();
      case 7 -> List.of("abc", "1.5", "", " 17").get(random.nextInt(4));
      default -> Long.toString(at / 1000 * 1000 + 999);
    };
  }

  private static String idBound(Random random, long low, long high) {
    long id = low + (long) (random.nextDouble() * (high - low + 40)) - 20;
    return switch (random.nextInt(8)) {
      case 0 -> id + ".5";
      case 1 -> "1e7";
      case 2 -> "x" + id;
      case 3 -> Instant.ofEpochMilli(id).toString();
      default -> Long.toString(id);
    };
  }

  private static void otherFilter(ObjectNode filter, String type, Random random) {
    switch (type) {
      case "contacts" -> {
        switch (random.nextInt(5)) {
          case 0 -> filter.put("propertyName", "hs_language").put("operator", "EQ").put("value",
              List.of("de", "en", "FR").get(random.nextInt(3)));
          case 1 -> {
            filter.put("propertyName", "hs_language").put("operator", random.nextBoolean() ? "IN" : "NOT_IN");
            filter.putArray("values").add("de").add("es");
          }
          case 2 -> filter.put("propertyName", "phone").put("operator",
              random.nextBoolean() ? "HAS_PROPERTY" : "NOT_HAS_PROPERTY");
          case 3 -> filter.put("propertyName", "email").put("operator", "CONTAINS_TOKEN").put("value", "*example*");
          default -> filter.put("propertyName", "createdate").put("operator", "GT").put("value",
              Long.toString(NOW.toEpochMilli() - 400L * 86_400_000L));
        }
      }
      case "deals" -> {
        if (random.nextBoolean()) {
          filter.put("propertyName", "dealstage").put("operator", "IN");
          filter.putArray("values").add("closedwon").add("812347");
        } else {
          filter.put("propertyName", "amount").put("operator", "GTE").put("value", "25000");
        }
      }
      default -> {
        filter.put("propertyName", "hs_pipeline_stage").put("operator", random.nextBoolean() ? "IN" : "NEQ");
        filter.put("value", "4");
        filter.putArray("values").add("4");
      }
    }
  }

  /** A clock tests move. */
  private static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  // ---------------------------------------------------------------- the scan the sandbox used to run

  /** The reference: every record filtered and sorted per call, every value parsed per comparison. */
  static final class Scan {
    record Answer(int status, int total, List<String> ids, String nextAfter) {}

    static Answer search(List<Portal.Record> records, String type, JsonNode request) {
      int limit = request.path("limit").asInt(10);
      int offset = request.hasNonNull("after") ? Integer.parseInt(request.path("after").asText()) : 0;
      if (limit < 1 || limit > 200 || offset + limit > 10_000) {
        return new Answer(400, 0, List.of(), null);
      }
      JsonNode groupsNode = request.path("filterGroups");
      Predicate<Portal.Record> matches = groupsNode.isEmpty() ? record -> true : record -> false;
      for (JsonNode group : groupsNode) {
        Predicate<Portal.Record> all = record -> true;
        for (JsonNode filter : group.path("filters")) {
          all = all.and(record -> matches(record, filter));
        }
        matches = matches.or(all);
      }
      Comparator<Portal.Record> order = Comparator.comparingLong(record -> record.id);
      JsonNode sort = request.path("sorts").path(0);
      if (!sort.isMissingNode()) {
        String name = sort.isTextual() ? sort.asText() : sort.path("propertyName").asText("hs_object_id");
        Comparator<Portal.Record> by = (a, b) -> compareNullable(value(a, name), value(b, name));
        if ("DESCENDING".equalsIgnoreCase(sort.path("direction").asText("ASCENDING"))) {
          by = by.reversed();
        }
        order = by.thenComparingLong(record -> record.id);
      }
      List<Portal.Record> found = new ArrayList<>(records).stream().filter(matches).sorted(order).toList();
      List<String> ids = new ArrayList<>();
      for (Portal.Record record : found.subList(Math.min(offset, found.size()),
          Math.min(found.size(), offset + limit))) {
        ids.add(Long.toString(record.id));
      }
      String next = offset + limit < found.size() ? Integer.toString(offset + limit) : null;
      return new Answer(200, found.size(), ids, next);
    }

    private static boolean matches(Portal.Record record, JsonNode filter) {
      String name = filter.path("propertyName").asText();
      String operator = filter.path("operator").asText("EQ");
      String actual = value(record, name);
      boolean present = actual != null && !actual.isBlank();
      switch (operator) {
        case "HAS_PROPERTY":
          return present;
        case "NOT_HAS_PROPERTY":
          return !present;
        case "IN":
        case "NOT_IN": {
          boolean in = false;
          for (JsonNode value : filter.path("values")) {
            in |= present && value.asText().equalsIgnoreCase(actual);
          }
          return operator.equals("IN") == in;
        }
        case "CONTAINS_TOKEN":
        case "NOT_CONTAINS_TOKEN": {
          String token = filter.path("value").asText("").replace("*", "").toLowerCase(Locale.ROOT);
          boolean contains = present && actual.toLowerCase(Locale.ROOT).contains(token);
          return operator.equals("CONTAINS_TOKEN") == contains;
        }
        default:
          break;
      }
      String bound = filter.path("value").asText(null);
      if (!present || bound == null) {
        return operator.equals("NEQ") && present;
      }
      int c = compare(actual, bound);
      return switch (operator) {
        case "EQ" -> c == 0;
        case "NEQ" -> c != 0;
        case "LT" -> c < 0;
        case "LTE" -> c <= 0;
        case "GT" -> c > 0;
        case "GTE" -> c >= 0;
        case "BETWEEN" -> c >= 0 && compare(actual, filter.path("highValue").asText(bound)) <= 0;
        default -> false;
      };
    }

    private static String value(Portal.Record record, String name) {
      return name.equals("hs_object_id") || name.equals("id") ? Long.toString(record.id)
          : record.properties.get(name);
    }

    private static int compareNullable(String a, String b) {
      if (a == null || b == null) {
        return a == null ? (b == null ? 0 : 1) : -1;
      }
      return compare(a, b);
    }

    private static int compare(String a, String b) {
      OptionalDouble x = number(a);
      OptionalDouble y = number(b);
      if (x.isPresent() && y.isPresent()) {
        return Double.compare(x.getAsDouble(), y.getAsDouble());
      }
      Optional<Long> s = millis(a);
      Optional<Long> t = millis(b);
      if (s.isPresent() && t.isPresent()) {
        return Long.compare(s.get(), t.get());
      }
      return a.compareToIgnoreCase(b);
    }

    private static OptionalDouble number(String text) {
      try {
        return OptionalDouble.of(new BigDecimal(text.strip()).doubleValue());
      } catch (RuntimeException e) {
        return OptionalDouble.empty();
      }
    }

    private static Optional<Long> millis(String text) {
      String value = text.strip();
      try {
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
          return Optional.of(Long.parseLong(value));
        }
        if (value.length() == 10) {
          return Optional.of(LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
        }
        return Optional.of(Instant.parse(value).toEpochMilli());
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }
  }
}
