package io.npsconnector.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The configuration files the measurements run on: one connection (the HubSpot or the Salesforce sandbox, with
 * default settings), one store (an H2 file or a PostgreSQL schema), the local SMTP server, and one trigger
 * (purchases up to 180 days old, sent at once, any hour): the product's defaults everywhere else.
 */
final class BenchConfig {
  static final String HUBSPOT = "hubspot-bench";
  static final String SALESFORCE = "salesforce-bench";

  private BenchConfig() {}

  /** How the store is given in the file. */
  sealed interface Store permits H2, Postgres {}

  /** An H2 file ({@code .mv.db} is added by H2). */
  record H2(Path path) implements Store {}

  /** A PostgreSQL database by JDBC URL (its schema chosen in the URL). */
  record Postgres(String url, String user) implements Store {}

  static Path hubspot(Path file, Store store, String url, String token, int smtpPort) throws IOException {
    return write(file, store, """
          - name: %s
            type: hubspot
            credentials:
              token: ${NPS_BENCH_HUBSPOT_TOKEN:-%s}
            base-url: %s
            sync-interval: 1h
        """.formatted(HUBSPOT, token, url), smtpPort);
  }

  static Path salesforce(Path file, Store store, String baseUrl, String sessionId, int smtpPort) throws IOException {
    return write(file, store, """
          - name: %s
            type: salesforce
            auth: static-token
            credentials:
              token: ${NPS_BENCH_SALESFORCE_TOKEN:-%s}
            base-url: %s
            sync-interval: 1h
            window-lag: 0s
        """.formatted(SALESFORCE, sessionId, baseUrl), smtpPort);
  }

  private static Path write(Path file, Store store, String connection, int smtpPort) throws IOException {
    String storeYaml;
    if (store instanceof H2 h2) {
      storeYaml = """
            type: h2
            path: %s
          """.formatted(h2.path().toAbsolutePath().normalize().toString().replace('\\', '/'));
    } else {
      Postgres postgres = (Postgres) store;
      storeYaml = """
            type: postgresql
            url: "%s"
            user: %s
          """.formatted(postgres.url(), postgres.user());
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, """
        # Written by nps-bench for one measurement
        company: Benchmark Analytics
        store:
        %sserver:
          port: 18080
          public-url: http://localhost:8080
          token-secret: ${NPS_BENCH_TOKEN_SECRET:-bench-only-token-secret-0123456789abcdef}
          admin-password: ${NPS_BENCH_ADMIN_PASSWORD:-bench-only-admin}
        connections:
        %schannels:
          email:
            host: 127.0.0.1
            port: %d
            tls: none
            from: "Benchmark Analytics <nps@bench.example>"
        triggers:
          - name: post-purchase
            on: purchase
            delay: 0d
            max-event-age: 180d
        send-window:
          quiet-hours: none
          weekdays: [mon, tue, wed, thu, fri, sat, sun]
        writeback:
          follow-up-tasks:
            detractor:
              subject: "NPS detractor: {name} scored {score}"
              due-in: 2d
              priority: high
        """.formatted(storeYaml, connection, smtpPort));
    return file;
  }
}
