package io.npsconnector.sandbox;

import io.npsconnector.sandbox.hubspot.HubSpotSandbox;
import io.npsconnector.sandbox.salesforce.SalesforceSandbox;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Starts both sandboxes standalone, seeded, on chosen ports of 127.0.0.1, prints what a client needs (URLs,
 * token, credentials) and serves until the process is stopped:
 *
 * <pre>
 * java -cp ... io.npsconnector.sandbox.SandboxMain --hubspot-port 18080 --salesforce-port 18081 \
 *     --contacts 1000000 --seed 42 [--hubspot-rate-limit N] [--hubspot-search-limit N] [--salesforce-daily-limit N]
 * </pre>
 *
 * A port of 0 (the default) is any free one.
 */
public final class SandboxMain {
  private static final List<String> OPTIONS = List.of("--hubspot-port", "--salesforce-port", "--contacts", "--seed",
      "--hubspot-rate-limit", "--hubspot-search-limit", "--salesforce-daily-limit");
  private static final String USAGE = "usage: SandboxMain [--hubspot-port N] [--salesforce-port N] [--contacts N] "
      + "[--seed N] [--hubspot-rate-limit N] [--hubspot-search-limit N] [--salesforce-daily-limit N]";

  /** What the command line asks for. */
  record Options(int hubspotPort, int salesforcePort, int contacts, long seed, Integer hubspotRateLimit,
      Integer hubspotSearchLimit, Long salesforceDailyLimit) {}

  private SandboxMain() {}

  public static void main(String[] args) throws InterruptedException {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    HubSpotSandbox hubspot = null;
    SalesforceSandbox salesforce = null;
    try {
      long started = System.nanoTime();
      hubspot = HubSpotSandbox.seeded(options.seed(), options.contacts()).port(options.hubspotPort());
      if (options.hubspotRateLimit() != null) {
        hubspot.rateLimit(options.hubspotRateLimit());
      }
      if (options.hubspotSearchLimit() != null) {
        hubspot.searchLimit(options.hubspotSearchLimit());
      }
      salesforce = SalesforceSandbox.seeded(options.seed(), options.contacts())
          .port(options.salesforcePort());
      if (options.salesforceDailyLimit() != null) {
        salesforce.dailyLimit(options.salesforceDailyLimit());
      }
      String hubspotUrl = hubspot.start();
      String salesforceUrl = salesforce.start();
      print(System.out, options, hubspot, hubspotUrl, salesforce, salesforceUrl, (System.nanoTime() - started) / 1e9);
    } catch (RuntimeException e) {
      System.err.println("the sandboxes did not start: " + e.getMessage());
      closeAll(hubspot, salesforce);
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    HubSpotSandbox runningHubspot = hubspot;
    SalesforceSandbox runningSalesforce = salesforce;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      closeAll(runningHubspot, runningSalesforce);
      stopped.countDown();
    }, "sandbox-shutdown"));
    stopped.await();
  }

  private static void closeAll(HubSpotSandbox hubspot, SalesforceSandbox salesforce) {
    if (hubspot != null) {
      hubspot.close();
    }
    if (salesforce != null) {
      salesforce.close();
    }
  }

  private static void print(PrintStream out, Options options, HubSpotSandbox hubspot, String hubspotUrl,
      SalesforceSandbox salesforce, String salesforceUrl, double seconds) {
    out.printf("sandboxes seeded with %d contacts (seed %d) in %.1f s%n", options.contacts(), options.seed(),
        seconds);
    out.println("hubspot.url=" + hubspotUrl);
    out.println("hubspot.token=" + hubspot.token());
    out.println("salesforce.url=" + salesforceUrl);
    out.println("salesforce.soap-endpoint=" + salesforce.soapEndpoint());
    out.println("salesforce.token-url=" + salesforceUrl + "/services/oauth2/token");
    out.println("salesforce.client-id=" + SalesforceSandbox.DEFAULT_CLIENT_ID);
    out.println("salesforce.client-secret=" + SalesforceSandbox.DEFAULT_CLIENT_SECRET);
    out.println("salesforce.username=" + SalesforceSandbox.DEFAULT_USERNAME);
    out.println("salesforce.session-id=" + salesforce.staticToken());
    out.println("serving until stopped (Ctrl-C)");
    out.flush();
  }

  /** Reads {@code --name value} pairs; an unknown option or a value that is not a number is refused. */
  static Options parse(String[] args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!OPTIONS.contains(name)) {
        throw new IllegalArgumentException("unknown option '" + name + "'");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      values.put(name, args[++i]);
    }
    int contacts = (int) number(values, "--contacts", 10_000, 1, Integer.MAX_VALUE);
    return new Options((int) number(values, "--hubspot-port", 0, 0, 65_535),
        (int) number(values, "--salesforce-port", 0, 0, 65_535), contacts,
        number(values, "--seed", 42, Long.MIN_VALUE, Long.MAX_VALUE),
        values.containsKey("--hubspot-rate-limit")
            ? (int) number(values, "--hubspot-rate-limit", 0, 1, Integer.MAX_VALUE) : null,
        values.containsKey("--hubspot-search-limit")
            ? (int) number(values, "--hubspot-search-limit", 0, 1, Integer.MAX_VALUE) : null,
        values.containsKey("--salesforce-daily-limit")
            ? number(values, "--salesforce-daily-limit", 0, 1, Long.MAX_VALUE) : null);
  }

  private static long number(Map<String, String> values, String name, long otherwise, long min, long max) {
    String text = values.get(name);
    if (text == null) {
      return otherwise;
    }
    long value;
    try {
      value = Long.parseLong(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + text + "'");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ", got " + value);
    }
    return value;
  }
}
