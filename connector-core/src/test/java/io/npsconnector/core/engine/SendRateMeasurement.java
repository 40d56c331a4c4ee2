package io.npsconnector.core.engine;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.delivery.SurveyLinks;
import io.npsconnector.core.delivery.SurveyTokens;
import io.npsconnector.core.delivery.email.EmailChannel;
import io.npsconnector.core.model.Contact;
import io.npsconnector.core.model.EventKind;
import io.npsconnector.core.model.InteractionEvent;
import io.npsconnector.core.model.InvitationState;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.testing.FakeCrmAdapter;
import io.npsconnector.core.testing.FakeCrmProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A measurement, not a test: invitations per second through the engine's real send path. A first sync of N
 * contacts (one qualifying purchase each) from the in-memory CRM schedules N sends; then the engine's scheduler
 * (db-scheduler) runs them, each through the e-mail channel to an embedded SMTP server (GreenMail), until the
 * store records every invitation as sent. Prints the sends per second, the SMTP connections opened and the most
 * sends at once. Run it with the test classpath:
 *
 * <pre>
 * ./mvnw -B -o -q -pl connector-core -am test-compile -Djacoco.skip=true
 * ./mvnw -B -o -q -pl connector-core dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test
 * java -cp connector-core/target/test-classes:connector-core/target/classes:config/target/classes:$(cat connector-core/cp.txt) \
 *     io.npsconnector.core.engine.SendRateMeasurement 2000 [h2|pg] [--server=greenmail|sink] [--connections=4] \
 *     [--per-second=N] [--warm-up=N]
 * </pre>
 *
 * H2 is a file in a temporary folder; PostgreSQL is {@code NPS_TEST_POSTGRES_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/test}) as {@code postgres}, in a schema of its own dropped afterwards.
 * The SMTP server is GreenMail (which parses and stores every message, CPU the sends then share) or a sink that
 * only reads and accepts ({@code --server=sink}). A benchmark calls
 * {@link #measure(int, Store, Server, int, java.util.Optional)}.
 */
public final class SendRateMeasurement {
  private static final String CRM = "crm";
  private static final Duration GIVE_UP = Duration.ofMinutes(10);

  /** Where the engine keeps its records. */
  public enum Store { H2, PG }

  /**
   * What one run did.
   *
   * @param sent invitations recorded as sent (and mails received: the run checks they match)
   * @param took from the scheduler's start to the last send recorded
   * @param connections SMTP connections the channel opened
   * @param mostAtOnce the most sends holding a connection at the same time
   * @param cpu the process's CPU time meanwhile (engine, store and the embedded SMTP server together)
   */
  public record Result(int sent, Duration took, long connections, int mostAtOnce, Duration cpu) {
    public double perSecond() {
      return sent * 1000.0 / Math.max(1, took.toMillis());
    }

    /** CPU time per invitation, in milliseconds (server included). */
    public double cpuMillisPerSend() {
      return cpu.toNanos() / 1e6 / Math.max(1, sent);
    }

    /** The invitations per second that this machine's cores would allow at that CPU cost, were they free. */
    public double cpuBound() {
      return Runtime.getRuntime().availableProcessors() * 1000.0 / Math.max(0.001, cpuMillisPerSend());
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d invitations in %d ms: %.0f invitations/s, %d SMTP connections, "
          + "at most %d sends at once; cpu %.2f ms per invitation (%d cores allow %.0f/s)", sent, took.toMillis(),
          perSecond(), connections, mostAtOnce, cpuMillisPerSend(), Runtime.getRuntime().availableProcessors(),
          cpuBound());
    }
  }

  /** The SMTP server the mails go to. */
  public enum Server {
    /** GreenMail: parses and stores every message (the server the tests use). */
    GREENMAIL,
    /** A sink: reads each message and accepts it, as a fast MTA would, and counts it. */
    SINK
  }

  private SendRateMeasurement() {}

  public static void main(String[] args) throws Exception {
    int invitations = 2000;
    Store store = Store.H2;
    int connections = io.npsconnector.config.EmailChannelConfig.DEFAULT_MAX_CONNECTIONS;
    Server server = Server.GREENMAIL;
    int warmUp = 0;
    java.util.Optional<Integer> perSecond = java.util.Optional.empty();
    for (String arg : args) {
      if (arg.startsWith("--connections=")) {
        connections = Integer.parseInt(arg.substring("--connections=".length()));
      } else if (arg.startsWith("--per-second=")) {
        perSecond = java.util.Optional.of(Integer.parseInt(arg.substring("--per-second=".length())));
      } else if (arg.startsWith("--warm-up=")) {
        warmUp = Integer.parseInt(arg.substring("--warm-up=".length()));
      } else if (arg.startsWith("--server=")) {
        server = Server.valueOf(arg.substring("--server=".length()).toUpperCase(Locale.ROOT));
      } else if (arg.chars().allMatch(Character::isDigit)) {
        invitations = Integer.parseInt(arg);
      } else {
        store = Store.valueOf(arg.toUpperCase(Locale.ROOT));
      }
    }
    if (warmUp > 0) {
      // the same run, smaller and not reported, so that the measured one runs compiled code
      measure(warmUp, store, server, connections, perSecond);
    }
    Result result = measure(invitations, store, server, connections, perSecond);
    System.out.printf(Locale.ROOT, "sends %-3s to %s max-connections=%d max-per-second=%s: %s%n", store, server,
        connections, perSecond.map(String::valueOf).orElse("none"), result);
  }

  /**
   * Sends {@code invitations} invitations through the engine to an embedded SMTP server and measures them.
   *
   * @param connections {@code channels.email.max-connections}
   * @param perSecond {@code channels.email.max-per-second}
   */
  public static Result measure(int invitations, Store store, Server server, int connections,
      java.util.Optional<Integer> perSecond) throws Exception {
    try (Smtp smtp = server == Server.GREENMAIL ? new GreenMailSmtp() : new SinkSmtp()) {
      NpsConfig config = config(smtp.port(), connections, perSecond);
      if (store == Store.H2) {
        Path dir = Files.createTempDirectory("nps-sends");
        return run(config, invitations, "jdbc:h2:file:" + dir.resolve("store") + io.npsconnector.core.store.Database.H2_SETTINGS, "sa",
            smtp);
      }
      String postgres = System.getenv().getOrDefault("NPS_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
      String schema = "sends_" + UUID.randomUUID().toString().replace("-", "");
      execute(postgres, "CREATE SCHEMA " + schema);
      try {
        return run(config, invitations, postgres + "?currentSchema=" + schema, "postgres", smtp);
      } finally {
        execute(postgres, "DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }

  private static Result run(NpsConfig config, int invitations, String url, String user, Smtp smtp)
      throws InterruptedException {
    Clock clock = Clock.systemUTC();
    Instant now = clock.instant();
    FakeCrmAdapter crm = FakeCrmAdapter.builder().connection(CRM).clock(clock).pageSize(500).build();
    List<Contact> contacts = new ArrayList<>(invitations);
    List<InteractionEvent> events = new ArrayList<>(invitations);
    for (int i = 0; i < invitations; i++) {
      String id = String.format(Locale.ROOT, "c%08d", i);
      contacts.add(Contact.builder(id, now.minus(Duration.ofDays(30))).email("person" + i + "@example.com")
          .firstName("Ada").lastName("Lovelace " + i).build());
      events.add(new InteractionEvent("opp-" + i, EventKind.PURCHASE, now.minus(Duration.ofHours(1)), List.of(id),
          Map.of("amount", "1500")));
    }
    crm.putContacts(contacts);
    crm.addEvents(events);
    SurveyLinks links = new SurveyLinks(URI.create("https://nps.example.com"),
        new SurveyTokens(config.server().tokenSecret().reveal(), clock));
    try (Database database = Database.open(url, user, "");
        EmailChannel email = EmailChannel.create(config, links, clock)) {
      Engine engine = Engine.builder(config, database).adapter(CRM, crm).channel(email).clock(clock)
          .settings(EngineSettings.defaults().withInstanceName("sends")).build();
      try {
        int invited = engine.syncAndTrigger(CRM).invited();
        if (invited != invitations) {
          throw new IllegalStateException("the trigger pass invited " + invited + " of " + invitations);
        }
        Stores stores = Stores.of(database);
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
            .getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long started = System.nanoTime();
        engine.start();
        long deadline = started + GIVE_UP.toNanos();
        // the server's count first (cheap), then the store's: a query every few milliseconds would cost the CPU
        // the sends need
        if (!smtp.await(invitations, GIVE_UP)) {
          giveUpAfter(0, smtp.received(), invitations);
        }
        int sent;
        while ((sent = stores.invitations().countByState(CRM).getOrDefault(InvitationState.SENT, 0)) < invitations) {
          giveUpAfter(deadline, sent, invitations);
          Thread.sleep(10);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        Duration cpuTime = Duration.ofNanos(os.getProcessCpuTime() - cpu);
        engine.stop();
        int received = smtp.received();
        if (received != invitations) {
          throw new IllegalStateException(invitations + " invitations sent, but the server received " + received);
        }
        return new Result(sent, took, email.connectionsOpened(), email.mostConcurrentSends(), cpuTime);
      } finally {
        engine.close();
      }
    }
  }

  private static void giveUpAfter(long deadline, int done, int invitations) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("only " + done + " of " + invitations + " sent within " + GIVE_UP);
    }
  }

  /** An embedded SMTP server on 127.0.0.1. */
  private interface Smtp extends AutoCloseable {
    int port();

    int received();

    /** Waits until the server received {@code mails} messages; false when it gave up after {@code timeout}. */
    boolean await(int mails, Duration timeout) throws InterruptedException;

    @Override
    void close();
  }

  private static final class GreenMailSmtp implements Smtp {
    private final GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    GreenMailSmtp() {
      greenMail.start();
    }

    @Override
    public int port() {
      return greenMail.getSmtp().getPort();
    }

    @Override
    public int received() {
      return greenMail.getReceivedMessages().length;
    }

    @Override
    public boolean await(int mails, Duration timeout) {
      return greenMail.waitForIncomingEmail(timeout.toMillis(), mails);
    }

    @Override
    public void close() {
      greenMail.stop();
    }
  }

  /** Reads every command and message, accepts each message, keeps nothing but the count. */
  private static final class SinkSmtp implements Smtp {
    private final java.net.ServerSocket socket;
    private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();

    SinkSmtp() throws java.io.IOException {
      socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      Thread acceptor = new Thread(() -> {
        while (!socket.isClosed()) {
          try {
            java.net.Socket client = socket.accept();
            Thread session = new Thread(() -> converse(client), "smtp-sink-session");
            session.setDaemon(true);
            session.start();
          } catch (java.io.IOException e) {
            return;
          }
        }
      }, "smtp-sink");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void converse(java.net.Socket client) {
      try (client;
          var in = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream(),
              java.nio.charset.StandardCharsets.US_ASCII), 65_536);
          var out = client.getOutputStream()) {
        client.setTcpNoDelay(true);
        reply(out, "220 sink ESMTP");
        String line;
        while ((line = in.readLine()) != null) {
          String verb = line.length() < 4 ? line : line.substring(0, 4).toUpperCase(Locale.ROOT);
          switch (verb) {
            case "DATA" -> {
              reply(out, "354 go ahead");
              while ((line = in.readLine()) != null && !line.equals(".")) {
                // the message is read and dropped
              }
              accepted.incrementAndGet();
              reply(out, "250 2.0.0 queued");
            }
            case "QUIT" -> {
              reply(out, "221 bye");
              return;
            }
            default -> reply(out, "250 ok");
          }
        }
      } catch (java.io.IOException e) {
        // the client went away
      }
    }

    private static void reply(java.io.OutputStream out, String line) throws java.io.IOException {
      out.write((line + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();
    }

    @Override
    public int port() {
      return socket.getLocalPort();
    }

    @Override
    public int received() {
      return accepted.get();
    }

    @Override
    public boolean await(int mails, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (accepted.get() < mails) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        Thread.sleep(10);
      }
      return true;
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (java.io.IOException e) {
        // closing anyway
      }
    }
  }

  private static void execute(String url, String sql) throws java.sql.SQLException {
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static NpsConfig config(int port, int connections, java.util.Optional<Integer> perSecond) {
    String yaml = """
        company: Acme Analytics
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
          public-url: https://nps.example.com
        connections:
          - name: crm
            type: fake
            credentials:
              token: ${CRM_TOKEN}
        channels:
          email:
            host: 127.0.0.1
            port: %d
            tls: none
            from: nps@acme.example
            max-connections: %d
        %s
        fatigue:
          days: 60
        send-window:
          quiet-hours: none
          weekdays: [mon, tue, wed, thu, fri, sat, sun]
        triggers:
          - name: post-purchase
            on: purchase
            filter: ["amount >= 1000"]
            max-event-age: 30d
        """.formatted(port, connections, perSecond.map(rate -> "    max-per-second: " + rate).orElse(""));
    return FakeCrmProvider.parse("sends.yaml", yaml, Map.of("TOKEN_SECRET",
        "send-measurement-token-secret-0123456789", "ADMIN_PASSWORD", "send-measurement", "CRM_TOKEN", "sends"));
  }
}
