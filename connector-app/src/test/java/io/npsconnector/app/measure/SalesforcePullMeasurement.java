package io.npsconnector.app.measure;

import com.sforce.soap.partner.PartnerConnection;
import com.sforce.soap.partner.QueryResult;
import com.sforce.ws.ConnectorConfig;
import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.salesforce.SalesforceProvider;
import io.npsconnector.sandbox.salesforce.SalesforceSandbox;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A measurement, not a test: the Salesforce adapter's first pull of a seeded sandbox org of N contacts (every
 * page of every object, as a first sync reads them) against a plain WSC query/queryMore loop over the same
 * objects with the same SOQL and the same batch size. Prints wall and process CPU time of each, twice (the first
 * round warms the JVM up). Run it with connector-app's test classpath:
 *
 * <pre>
 * java -cp connector-app/target/test-classes:connector-app/target/classes:$(cat cp-app.txt) \
 *     io.npsconnector.app.measure.SalesforcePullMeasurement 100000
 * </pre>
 */
public final class SalesforcePullMeasurement {
  private static final String CONTACT_FIELDS = "Id, IsDeleted, SystemModstamp, Email, FirstName, LastName, Phone, "
      + "HasOptedOutOfEmail, OwnerId, AccountId, Account.Name";
  private static final String OPPORTUNITY_FIELDS = "Id, Name, Amount, StageName, Type, LeadSource, CloseDate, "
      + "AccountId, SystemModstamp, (SELECT ContactId, IsPrimary, Role FROM OpportunityContactRoles WHERE IsPrimary "
      + "= true ORDER BY ContactId)";
  private static final String CASE_FIELDS = "Id, CaseNumber, ContactId, AccountId, ClosedDate, Status, Priority, "
      + "Type, Reason, Origin, Subject, SystemModstamp";

  private SalesforcePullMeasurement() {}

  public static void main(String[] args) throws Exception {
    int contacts = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    try (SalesforceSandbox sandbox = SalesforceSandbox.seeded(7, contacts)) {
      String url = sandbox.start();
      for (int round = 1; round <= rounds; round++) {
        long[] bare = measure(() -> bare(sandbox));
        long[] adapter = measure(() -> adapter(sandbox, url));
        System.out.printf(Locale.ROOT, "salesforce n=%7d round %d: bare WSC loop %6dms cpu %6dms (%d records) | "
                + "adapter pull %6dms cpu %6dms (%d records) | %.2fx wall %.2fx cpu%n", contacts, round, bare[0],
            bare[1], bare[2], adapter[0], adapter[1], adapter[2], adapter[0] / (double) bare[0],
            adapter[1] / (double) bare[1]);
      }
    }
  }

  /** Wall ms, CPU ms and what the work returned. */
  private static long[] measure(java.util.function.LongSupplier work) {
    System.gc();
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu = os.getProcessCpuTime();
    long started = System.nanoTime();
    long records = work.getAsLong();
    return new long[] {(System.nanoTime() - started) / 1_000_000, (os.getProcessCpuTime() - cpu) / 1_000_000,
        records};
  }

  private static long bare(SalesforceSandbox sandbox) {
    try {
      ConnectorConfig config = new ConnectorConfig();
      config.setManualLogin(true);
      config.setSessionId(sandbox.staticToken());
      config.setServiceEndpoint(sandbox.soapEndpoint());
      config.setCompression(true);
      PartnerConnection partner = new PartnerConnection(config);
      partner.setSessionHeader(sandbox.staticToken());
      partner.setQueryOptions(2000);
      String end = Instant.now().minus(2, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
      long records = 0;
      for (String soql : List.of(
          "SELECT " + CONTACT_FIELDS + " FROM Contact WHERE SystemModstamp < " + end + " ORDER BY SystemModstamp, Id",
          "SELECT " + OPPORTUNITY_FIELDS + " FROM Opportunity WHERE IsWon = true AND SystemModstamp < " + end
              + " ORDER BY SystemModstamp, Id",
          "SELECT " + CASE_FIELDS + " FROM Case WHERE IsClosed = true AND ContactId != null AND SystemModstamp < "
              + end + " ORDER BY SystemModstamp, Id")) {
        QueryResult result = soql.contains("FROM Contact") ? partner.queryAll(soql) : partner.query(soql);
        records += result.getRecords().length;
        while (!result.isDone()) {
          result = partner.queryMore(result.getQueryLocator());
          records += result.getRecords().length;
        }
      }
      return records;
    } catch (com.sforce.ws.ConnectionException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long adapter(SalesforceSandbox sandbox, String url) {
    String yaml = """
        company: Acme
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: sf
            type: salesforce
            auth: static-token
            credentials:
              token: ${SF_TOKEN}
            base-url: %s
            time-zone: UTC
        channels:
          email:
            host: smtp.example.com
            from: nps@example.com
        """.formatted(url);
    NpsConfig config = ConfigLoader.parse("measure.yaml", yaml, Map.of("TOKEN_SECRET",
        "0123456789abcdef0123456789abcdef", "ADMIN_PASSWORD", "correct-horse-battery", "SF_TOKEN",
        sandbox.staticToken()));
    CrmAdapter adapter = new SalesforceProvider().create(config.connections().get(0),
        new AdapterContext(Clock.systemUTC(), config.writeback()));
    long records = 0;
    SyncCursor cursor = SyncCursor.START;
    ChangePage page;
    do {
      page = adapter.readChanges(cursor);
      records += page.contacts().size() + page.events().size();
      cursor = page.next();
    } while (page.hasMore());
    adapter.close();
    return records;
  }
}
