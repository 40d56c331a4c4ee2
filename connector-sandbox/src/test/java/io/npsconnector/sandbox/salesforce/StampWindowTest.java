package io.npsconnector.sandbox.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Queries bounded by {@code SystemModstamp} answer from the index exactly as a check of every record does:
 * the same rows in the same order on every page (query and each queryMore), the same faults, for random
 * windows, conditions and orders over a seeded org with equal stamps, sub-millisecond stamps, deleted and
 * re-stamped records.
 */
class StampWindowTest {
  private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
  private static final Pattern LOCATOR = Pattern.compile("<queryLocator>([^<]+)</queryLocator>");
  private static final Pattern LOCATOR_ID = Pattern.compile("01gSB\\d{10}AAA");

  @Test
  void randomWindowsAnswerAsTheScan() {
    OrgStore store = new OrgStore();
    new SyntheticOrg(store, new Random(5)).seed(2_000, NOW);
    List<SandboxRecord> contacts = store.all("Contact");
    for (int i = 0; i < 60; i++) {
      contacts.get(i * 7).stamp(contacts.get(i * 7 + 1).stamp()); // equal stamps: ordered by Id
      contacts.get(i * 11 + 3).stamp(NOW.minusSeconds(86_400L * (i % 9)).plusNanos(123_456L * (i + 1)));
      contacts.get(i * 13 + 5).deleted = true;
    }
    Random random = new Random(17);
    for (int i = 0; i < 400; i++) {
      String soql = randomSoql(random, contacts);
      boolean includeDeleted = random.nextBoolean();
      int batch = List.of(200, 500, 2_000).get(random.nextInt(3));
      store.stampIndex = true;
      String indexed = allPages(store, soql, includeDeleted, batch);
      store.stampIndex = false;
      String scanned = allPages(store, soql, includeDeleted, batch);
      assertThat(indexed).as(soql).isEqualTo(scanned);
    }
  }

  @Test
  void recordsMoveInTheWindowWhenTheirStampChanges() {
    OrgStore store = new OrgStore();
    new SyntheticOrg(store, new Random(9)).seed(300, NOW);
    String id = store.all("Contact").get(0).id;
    Instant later = NOW.plusSeconds(3_600);
    List<OrgStore.Saved> saved = store.save(false, List.of(new OrgStore.Input("Contact", id,
        Map.of("Title", "Moved"), List.of())), later);
    assertThat(saved.get(0).errors()).isEmpty();
    String soql = "SELECT Id, Title FROM Contact WHERE SystemModstamp >= " + later + " ORDER BY SystemModstamp, Id";
    String page = store.query(soql, false, 200);
    assertThat(page).contains("<sf:Id>" + id + "</sf:Id>").contains("<size>1</size>");
    String before = store.query("SELECT Id FROM Contact WHERE SystemModstamp < " + later
        + " ORDER BY SystemModstamp, Id", false, 2_000);
    assertThat(before).doesNotContain(id).contains("<size>299</size>");
  }

  private static String allPages(OrgStore store, String soql, boolean includeDeleted, int batch) {
    StringBuilder pages = new StringBuilder();
    try {
      String page = store.query(soql, includeDeleted, batch);
      pages.append(LOCATOR_ID.matcher(page).replaceAll("LOCATOR"));
      Matcher more = LOCATOR.matcher(page);
      while (more.find()) {
        page = store.queryMore(more.group(1), batch);
        pages.append('\n').append(LOCATOR_ID.matcher(page).replaceAll("LOCATOR"));
        more = LOCATOR.matcher(page);
      }
    } catch (SoapFault fault) {
      pages.append("fault ").append(fault.getMessage());
    }
    return pages.toString();
  }

  private static String randomSoql(Random random, List<SandboxRecord> contacts) {
    List<String> where = new ArrayList<>();
    int bounds = random.nextInt(4);
    for (int i = 0; i < bounds; i++) {
      String operator = List.of(">=", ">", "<", "<=", "=", ">=", "<", "!=").get(random.nextInt(8));
      where.add("SystemModstamp " + operator + " " + dateTime(random, contacts));
    }
    int others = random.nextInt(3);
    for (int i = 0; i < others; i++) {
      where.add(List.of("HasOptedOutOfEmail = " + random.nextBoolean(), "LastName = 'Hopper'",
          "MailingCountry IN ('Germany', 'France')", "Email != null", "Title = null", "LastModifiedDate > "
              + dateTime(random, contacts), "CreatedDate <= 2026-13-45T00:00:00Z").get(random.nextInt(7)));
    }
    String order = List.of(" ORDER BY SystemModstamp, Id", " ORDER BY SystemModstamp, Id", " ORDER BY SystemModstamp",
        " ORDER BY LastName, Id", " ORDER BY SystemModstamp DESC, Id", "", " ORDER BY Id DESC",
        " ORDER BY SystemModstamp, LastName").get(random.nextInt(8));
    String limit = random.nextInt(5) == 0 ? " LIMIT " + (1 + random.nextInt(700)) : "";
    return "SELECT Id, LastName, SystemModstamp, IsDeleted FROM Contact"
        + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where)) + order + limit;
  }

  private static String dateTime(Random random, List<SandboxRecord> contacts) {
    Instant at = switch (random.nextInt(4)) {
      case 0 -> contacts.get(random.nextInt(contacts.size())).stamp();
      default -> NOW.minusMillis((long) (random.nextDouble() * 91 * 86_400_000L));
    };
    return switch (random.nextInt(7)) {
      case 0 -> at.toString();
      case 1 -> Instant.ofEpochSecond(at.getEpochSecond()).toString();
      case 2 -> SoapXml.dateTime(at);
      case 3 -> at.plusNanos(400_000).toString();
      case 4 -> at.atOffset(java.time.ZoneOffset.ofHours(2)).toString();
      case 5 -> "2026-02-30T00:00:00Z";
      default -> SoapXml.dateTime(at).replace(".000Z", "Z");
    };
  }
}
