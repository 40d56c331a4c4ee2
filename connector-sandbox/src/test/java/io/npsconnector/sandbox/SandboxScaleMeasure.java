package io.npsconnector.sandbox;

import io.npsconnector.sandbox.hubspot.HubSpotSandbox;
import io.npsconnector.sandbox.salesforce.SalesforceSandbox;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Not a test: seeds both sandboxes with N contacts (default 1,000,000) and times, over loopback HTTP, the
 * searches the HubSpot adapter makes and the query/queryMore pages the Salesforce adapter reads, printing
 * seeding time, heap used after seeding (after a GC) and milliseconds per call. Run it with
 * {@code java -cp <test classpath> io.npsconnector.sandbox.SandboxScaleMeasure [contacts [hubspot|salesforce|both]]}.
 */
public final class SandboxScaleMeasure {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern LAST_ID = Pattern.compile("\"id\":\"(\\d+)\"");
  private static final Pattern TOTAL = Pattern.compile("\"total\":(\\d+)");
  private static final Pattern LOCATOR = Pattern.compile("<queryLocator>([^<]+)</queryLocator>");

  private SandboxScaleMeasure() {}

  public static void main(String[] args) throws Exception {
    int contacts = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = 100;
    System.out.printf(Locale.ROOT, "contacts: %,d; max heap %,d MB%n", contacts,
        Runtime.getRuntime().maxMemory() / 1_048_576);
    String which = args.length > 1 ? args[1] : "both";
    if (!which.equals("salesforce")) {
      hubspot(contacts, rounds);
    }
    if (!which.equals("hubspot")) {
      salesforce(contacts, rounds);
    }
  }

  private static void hubspot(int contacts, int rounds) throws Exception {
    long started = System.nanoTime();
    long cpu = cpuNanos();
    HubSpotSandbox sandbox = HubSpotSandbox.seeded(42, contacts).searchLimit(100_000).rateLimit(100_000);
    double seeding = seconds(started);
    double seedingCpu = (cpuNanos() - cpu) / 1e9;
    long heap = heapAfterGc();
    System.out.printf(Locale.ROOT, "hubspot: seeded in %.1f s (%.1f s CPU), heap used %,d MB%n", seeding, seedingCpu,
        heap / 1_048_576);
    String url = sandbox.start();
    try {
      long now = Instant.now().toEpochMilli();
      String properties = "\"properties\":[\"email\",\"firstname\",\"lastname\",\"phone\",\"hs_language\","
          + "\"hs_timezone\",\"hs_email_optout\",\"hubspot_owner_id\",\"associatedcompanyid\",\"lastmodifieddate\"]";
      // the adapter's first sync: the whole window, by id, keyset restarts on the last id, pages of 200
      long afterId = 0;
      long total = 0;
      long took = 0;
      for (int i = 0; i < rounds; i++) {
        String body = "{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"lastmodifieddate\",\"operator\":\"GTE\","
            + "\"value\":\"0\"},{\"propertyName\":\"lastmodifieddate\",\"operator\":\"LTE\",\"value\":\"" + now
            + "\"},{\"propertyName\":\"hs_object_id\",\"operator\":\"GT\",\"value\":\"" + afterId + "\"}]}],"
            + "\"sorts\":[{\"propertyName\":\"hs_object_id\",\"direction\":\"ASCENDING\"}]," + properties
            + ",\"limit\":200}";
        long t = System.nanoTime();
        String answer = post(url + "/crm/v3/objects/contacts/search", sandbox.token(), body);
        took += System.nanoTime() - t;
        total = number(TOTAL, answer, true);
        afterId = number(LAST_ID, answer, false);
      }
      report("hubspot search, whole window by id (total " + total + ")", took, rounds);
      // an incremental sync: the last 2 days, by modified date, descending, at offsets up to 9,800
      took = 0;
      for (int i = 0; i < rounds; i++) {
        String body = "{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"lastmodifieddate\",\"operator\":\"BETWEEN\","
            + "\"value\":\"" + (now - 2 * 86_400_000L) + "\",\"highValue\":\"" + now + "\"}]}],"
            + "\"sorts\":[{\"propertyName\":\"lastmodifieddate\",\"direction\":\"DESCENDING\"}]," + properties
            + ",\"limit\":200,\"after\":\"" + (i % 50) * 196 + "\"}";
        long t = System.nanoTime();
        String answer = post(url + "/crm/v3/objects/contacts/search", sandbox.token(), body);
        took += System.nanoTime() - t;
        total = number(TOTAL, answer, true);
      }
      report("hubspot search, 2 days by modified date (total " + total + ")", took, rounds);
      // a filter no index answers: a scan with a cheap check
      took = 0;
      for (int i = 0; i < 3; i++) {
        String body = "{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"hs_language\",\"operator\":\"EQ\","
            + "\"value\":\"de\"}]}]," + properties + ",\"limit\":100}";
        long t = System.nanoTime();
        String answer = post(url + "/crm/v3/objects/contacts/search", sandbox.token(), body);
        took += System.nanoTime() - t;
        total = number(TOTAL, answer, true);
      }
      report("hubspot search, hs_language EQ de, a scan (total " + total + ")", took, 3);
    } finally {
      sandbox.close();
    }
  }

  private static void salesforce(int contacts, int rounds) throws Exception {
    long started = System.nanoTime();
    long cpu = cpuNanos();
    SalesforceSandbox sandbox = SalesforceSandbox.seeded(42, contacts).dailyLimit(Long.MAX_VALUE);
    double seeding = seconds(started);
    double seedingCpu = (cpuNanos() - cpu) / 1e9;
    long heap = heapAfterGc();
    System.out.printf(Locale.ROOT, "salesforce: seeded in %.1f s (%.1f s CPU), heap used %,d MB%n", seeding,
        seedingCpu, heap / 1_048_576);
    sandbox.start();
    try {
      String token = sandbox.staticToken();
      String soql = "SELECT Id, IsDeleted, SystemModstamp, Email, FirstName, LastName, Phone, HasOptedOutOfEmail, "
          + "OwnerId, AccountId FROM Contact WHERE SystemModstamp >= 2000-01-01T00:00:00Z AND SystemModstamp < "
          + Instant.now().plusSeconds(60).toString().replaceAll("\\.\\d+Z$", "Z") + " ORDER BY SystemModstamp, Id";
      long t = System.nanoTime();
      String answer = soap(sandbox.soapEndpoint(), token, "<urn:queryAll><urn:queryString>" + soql.replace("<", "&lt;")
          + "</urn:queryString></urn:queryAll>");
      report("salesforce queryAll, the whole window, first page of 2000", System.nanoTime() - t, 1);
      long took = 0;
      for (int i = 0; i < rounds; i++) {
        Matcher locator = LOCATOR.matcher(answer);
        if (!locator.find()) {
          throw new IllegalStateException("no query locator after " + i + " pages: " + answer.substring(0,
              Math.min(600, answer.length())));
        }
        t = System.nanoTime();
        answer = soap(sandbox.soapEndpoint(), token, "<urn:queryMore><urn:queryLocator>" + locator.group(1)
            + "</urn:queryLocator></urn:queryMore>");
        took += System.nanoTime() - t;
      }
      report("salesforce queryMore, pages of 2000", took, rounds);
    } finally {
      sandbox.close();
    }
  }

  private static String post(String url, String token, String body) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private static String soap(String endpoint, String session, String call) throws Exception {
    String envelope = "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
        + "xmlns:urn=\"urn:partner.soap.sforce.com\"><soapenv:Header><urn:SessionHeader><urn:sessionId>" + session
        + "</urn:sessionId></urn:SessionHeader><urn:QueryOptions><urn:batchSize>2000</urn:batchSize>"
        + "</urn:QueryOptions></soapenv:Header><soapenv:Body>" + call + "</soapenv:Body></soapenv:Envelope>";
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint))
        .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", "\"\"")
        .POST(HttpRequest.BodyPublishers.ofString(envelope)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private static long number(Pattern pattern, String text, boolean first) {
    Matcher matcher = pattern.matcher(text);
    long value = -1;
    while (matcher.find()) {
      value = Long.parseLong(matcher.group(1));
      if (first) {
        break;
      }
    }
    return value;
  }

  private static void report(String what, long nanos, int calls) {
    System.out.printf(Locale.ROOT, "%-70s %8.2f ms per call (%d calls)%n", what, nanos / 1e6 / calls, calls);
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private static long cpuNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
