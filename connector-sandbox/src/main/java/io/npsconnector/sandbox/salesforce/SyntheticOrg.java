package io.npsconnector.sandbox.salesforce;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Deterministic synthetic data for a seed: accounts, contacts (e-mail addresses at {@code example.com} and
 * {@code .test} domains only), won and open opportunities with contact roles, closed and open cases. Every
 * value comes from the seeded {@link Random}, so one seed always makes the same org.
 */
final class SyntheticOrg {
  static final List<String> OWNERS = List.of(OrgStore.INTEGRATION_USER, "005000000000002AAA", "005000000000003AAA",
      "005000000000004AAA", "005000000000005AAA");
  private static final String[] FIRST = {"Ada", "Grace", "Alan", "Linus", "Margaret", "Dennis", "Barbara", "Ken",
      "Frances", "Edsger", "Radia", "Tim", "Hedy", "John", "Katherine", "Donald", "Sophie", "Lukas", "Camille",
      "Mateo", "Lucia", "Joao", "Ana", "Pierre", "Elena", "Jonas", "Marta", "Hugo", "Ines", "Felix"};
  private static final String[] LAST = {"Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Ritchie", "Liskov",
      "Thompson", "Allen", "Dijkstra", "Perlman", "Berners-Lee", "Lamarr", "McCarthy", "Johnson", "Knuth", "Müller",
      "Schmidt", "Dubois", "García", "Fernández", "Silva", "Santos", "Moreau", "Rossi", "Weber", "O'Neil", "Novak",
      "Lefèvre", "Costa"};
  private static final String[] COMPANY_WORDS = {"Northwind", "Contoso", "Fabrikam", "Globex", "Initech", "Umbrella",
      "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent", "Acme", "Wonka", "Oscorp"};
  private static final String[] COMPANY_KINDS = {"Analytics", "Industries", "Labs", "Systems", "Logistics", "Foods",
      "Energy", "Health", "Media", "Partners"};
  /** Country, its main IANA zone and the language most of its contacts prefer. */
  private static final String[][] COUNTRIES = {
      {"United States", "America/New_York", "en"}, {"United States", "America/Los_Angeles", "en"},
      {"United States", "America/Chicago", "en"}, {"United Kingdom", "Europe/London", "en"},
      {"Germany", "Europe/Berlin", "de"}, {"Austria", "Europe/Vienna", "de"}, {"France", "Europe/Paris", "fr"},
      {"Canada", "America/Toronto", "fr"}, {"Spain", "Europe/Madrid", "es"}, {"Mexico", "America/Mexico_City", "es"},
      {"Brazil", "America/Sao_Paulo", "pt_BR"}, {"Australia", "Australia/Sydney", "en"},
      {"Japan", "Asia/Tokyo", "en"}, {"India", "Asia/Kolkata", "en"}};
  private static final String[] ROLES = {"Decision Maker", "Economic Buyer", "Technical Buyer", "Business User",
      "Influencer"};
  private static final String[] CASE_SUBJECTS = {"Cannot sign in", "Invoice question", "Export fails",
      "Feature request: dark mode", "Slow dashboard", "Password reset", "Integration error", "Data import help"};

  /** {@code +1 555 0100} to {@code +1 555 0199}, made once and shared by every contact. */
  private static final String[] PHONES = java.util.stream.IntStream.range(0, 100)
      .mapToObj(i -> "+1 555 01" + String.format(Locale.ROOT, "%02d", i)).toArray(String[]::new);
  /** Names as written in e-mail addresses, by name. */
  private static final Map<String, String> ASCII = new java.util.concurrent.ConcurrentHashMap<>();

  private final OrgStore store;
  /** Contacts' full names, each kept once. */
  private final Map<String, String> names = new java.util.HashMap<>();
  private final Random random;
  private final List<String> accounts = new ArrayList<>();
  private final Map<String, List<String>> contactsOfAccount = new LinkedHashMap<>();
  private final List<String> contacts = new ArrayList<>();

  SyntheticOrg(OrgStore store, Random random) {
    this.store = store;
    this.random = random;
  }

  /** Seeds {@code contactCount} contacts and their accounts, deals and cases, all changed before {@code now}. */
  void seed(int contactCount, Instant now) {
    Instant start = now.minus(Duration.ofDays(90));
    long span = Duration.ofDays(89).toSeconds();
    int accountCount = Math.max(1, contactCount / 10);
    for (int i = 0; i < accountCount; i++) {
      String[] country = pick(COUNTRIES);
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("Name", pick(COMPANY_WORDS) + " " + pick(COMPANY_KINDS) + " " + (i + 1));
      fields.put("Industry", pick(SObjectSchema.INDUSTRIES));
      fields.put("BillingCountry", country[0]);
      fields.put("OwnerId", pick(OWNERS));
      fields.put("CreatedDate", SoapXml.dateTime(start));
      SandboxRecord account = store.insert("Account", start.plusSeconds(random.nextLong(span)), fields);
      accounts.add(account.id);
    }
    for (int i = 0; i < contactCount; i++) {
      contact(i, start.plusSeconds(random.nextLong(span)), start);
    }
    int deals = Math.max(1, contactCount / 20);
    for (int i = 0; i < deals; i++) {
      opportunity(true, start.plusSeconds(random.nextLong(span)));
    }
    for (int i = 0; i < Math.max(1, deals / 4); i++) {
      opportunity(false, start.plusSeconds(random.nextLong(span)));
    }
    int cases = Math.max(1, contactCount / 10);
    for (int i = 0; i < cases; i++) {
      supportCase(random.nextInt(5) != 0, start.plusSeconds(random.nextLong(span)));
    }
  }

  /** New events at {@code now}: won opportunities with contact roles and closed cases, alternately. */
  List<String> events(int count, Instant now) {
    loadExisting();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(i % 2 == 0 ? opportunity(true, now) : supportCase(true, now));
    }
    return ids;
  }

  private void contact(int index, Instant stamp, Instant created) {
    String account = accounts.get(random.nextInt(accounts.size()));
    String[] country = pick(COUNTRIES);
    String first = pick(FIRST);
    String last = pick(LAST);
    String local = ascii(first) + "." + ascii(last) + (index + 1);
    String domain = random.nextInt(3) == 0 ? "example.com" : "customer" + (1 + random.nextInt(40)) + ".test";
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("AccountId", account);
    fields.put("FirstName", first);
    fields.put("LastName", last);
    fields.put("Name", names.computeIfAbsent(first + " " + last, name -> name));
    fields.put("Email", local + "@" + domain);
    fields.put("Phone", PHONES[random.nextInt(PHONES.length)]);
    fields.put("MailingCountry", country[0]);
    int language = random.nextInt(10);
    if (language < 7) {
      fields.put("Preferred_Language__c", country[2]);
    } else if (language < 9) {
      fields.put("Preferred_Language__c", pick(SObjectSchema.LANGUAGES));
    }
    if (random.nextInt(10) != 0) {
      fields.put("Time_Zone__c", country[1]);
    }
    fields.put("OwnerId", pick(OWNERS));
    fields.put("HasOptedOutOfEmail", Boolean.toString(random.nextInt(20) == 0));
    fields.put("CreatedDate", SoapXml.dateTime(created));
    fields.put("LastModifiedDate", SoapXml.dateTime(stamp));
    SandboxRecord contact = store.insert("Contact", stamp, fields);
    contacts.add(contact.id);
    contactsOfAccount.computeIfAbsent(account, key -> new ArrayList<>()).add(contact.id);
  }

  private String opportunity(boolean won, Instant stamp) {
    String account = accounts.get(random.nextInt(accounts.size()));
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("Name", store.find("Account", account).map(record -> record.fields.get("Name")).orElse("Deal") + " - "
        + pick(new String[] {"Renewal", "Expansion", "New Seats", "Platform", "Services"}));
    fields.put("Amount", Double.toString(1000 * (1 + random.nextInt(200))));
    fields.put("StageName", won ? "Closed Won" : pick(new String[] {"Prospecting", "Qualification",
        "Negotiation/Review"}));
    fields.put("Type", pick(new String[] {"New Customer", "Existing Customer - Upgrade",
        "Existing Customer - Renewal"}));
    fields.put("LeadSource", pick(new String[] {"Web", "Phone Inquiry", "Partner Referral", "Trade Show"}));
    fields.put("CloseDate", stamp.atZone(ZoneOffset.UTC).toLocalDate().toString());
    fields.put("AccountId", account);
    fields.put("OwnerId", pick(OWNERS));
    fields.put("IsWon", Boolean.toString(won));
    fields.put("IsClosed", Boolean.toString(won));
    fields.put("CreatedDate", SoapXml.dateTime(stamp));
    SandboxRecord opportunity = store.insert("Opportunity", stamp, fields);
    List<String> people = new ArrayList<>(contactsOfAccount.getOrDefault(account, List.of()));
    if (people.isEmpty()) {
      people.add(contacts.get(random.nextInt(contacts.size())));
    }
    int roles = Math.min(people.size(), 1 + random.nextInt(3));
    for (int i = 0; i < roles; i++) {
      String contact = people.remove(random.nextInt(people.size()));
      Map<String, String> role = new LinkedHashMap<>();
      role.put("OpportunityId", opportunity.id);
      role.put("ContactId", contact);
      role.put("IsPrimary", Boolean.toString(i == 0));
      role.put("Role", pick(ROLES));
      role.put("CreatedDate", SoapXml.dateTime(stamp));
      store.insert("OpportunityContactRole", stamp, role);
    }
    return opportunity.id;
  }

  private String supportCase(boolean closed, Instant stamp) {
    String contact = contacts.get(random.nextInt(contacts.size()));
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("CaseNumber", String.format(Locale.ROOT, "%08d", store.count("Case") + 1));
    if (random.nextInt(15) != 0) {
      fields.put("ContactId", contact);
    }
    store.find("Contact", contact).map(record -> record.fields.get("AccountId"))
        .ifPresent(account -> fields.put("AccountId", account));
    fields.put("OwnerId", pick(OWNERS));
    fields.put("Status", closed ? "Closed" : pick(new String[] {"New", "Working", "Escalated"}));
    fields.put("Priority", pick(new String[] {"High", "Medium", "Low"}));
    fields.put("Type", pick(new String[] {"Question", "Problem", "Feature Request"}));
    fields.put("Reason", pick(new String[] {"Installation", "Performance", "Breakdown", "User Education", "Other"}));
    fields.put("Origin", pick(new String[] {"Phone", "Email", "Web"}));
    fields.put("Subject", pick(CASE_SUBJECTS));
    fields.put("IsClosed", Boolean.toString(closed));
    if (closed) {
      fields.put("ClosedDate", SoapXml.dateTime(stamp));
    }
    fields.put("CreatedDate", SoapXml.dateTime(stamp.minus(Duration.ofHours(1 + random.nextInt(72)))));
    return store.insert("Case", stamp, fields).id;
  }

  /** After a restart of this helper, the org's accounts and contacts as they are now. */
  private void loadExisting() {
    if (!contacts.isEmpty()) {
      return;
    }
    store.all("Account").stream().filter(record -> !record.deleted).forEach(record -> accounts.add(record.id));
    for (SandboxRecord contact : store.all("Contact")) {
      if (!contact.deleted) {
        contacts.add(contact.id);
        String account = contact.fields.get("AccountId");
        if (account != null) {
          contactsOfAccount.computeIfAbsent(account, key -> new ArrayList<>()).add(contact.id);
        }
      }
    }
    if (contacts.isEmpty() || accounts.isEmpty()) {
      throw new IllegalStateException("the org has no accounts or contacts to make events for");
    }
  }

  private <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static String ascii(String name) {
    return ASCII.computeIfAbsent(name, SyntheticOrg::plain);
  }

  private static String plain(String name) {
    String plain = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    return plain.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
  }
}
