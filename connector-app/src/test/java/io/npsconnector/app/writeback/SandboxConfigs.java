package io.npsconnector.app.writeback;

import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.sandbox.hubspot.HubSpotSandbox;
import io.npsconnector.sandbox.salesforce.SalesforceSandbox;
import java.nio.file.Path;
import java.util.Map;

/**
 * The configuration of the end-to-end tests against one CRM sandbox: one connection named {@code crm} in UTC,
 * an H2 store, purchase and support triggers without delay, sending on every day at any hour.
 */
final class SandboxConfigs {
  private SandboxConfigs() {}

  /** The connection to a HubSpot sandbox started at {@code url}. */
  static String hubSpot(HubSpotSandbox sandbox, String url) {
    return """
          - name: crm
            type: hubspot
            credentials:
              token: ${HUBSPOT_TOKEN:-%s}
            base-url: %s
            time-zone: UTC
        """.formatted(sandbox.token(), url);
  }

  /** The connection to a Salesforce sandbox started at {@code url}. */
  static String salesforce(String url) {
    return """
          - name: crm
            type: salesforce
            auth: client-credentials
            credentials:
              client-id: %s
              client-secret: ${SALESFORCE_SECRET:-%s}
            login-url: %s
            window-lag: 0s
            time-zone: UTC
        """.formatted(SalesforceSandbox.DEFAULT_CLIENT_ID, SalesforceSandbox.DEFAULT_CLIENT_SECRET, url);
  }

  /**
   * @param store the store's directory
   * @param rest the top-level {@code fatigue} and {@code writeback} sections, as YAML
   */
  static NpsConfig config(String name, Path store, String connection, String rest) {
    return ConfigLoader.parse(name, """
        company: Acme
        store:
          type: h2
          path: %s
        server:
          token-secret: ${TOKEN_SECRET:-test-only-token-secret-0123456789abcdef}
          admin-password: ${ADMIN_PASSWORD:-test-admin}
        connections:
        %s
        channels:
          email:
            host: 127.0.0.1
            port: 2525
            tls: none
            from: "Acme <nps@acme.example>"
        triggers:
          - name: post-purchase
            on: purchase
            delay: 0d
            max-event-age: 30d
          - name: post-ticket
            on: support
            delay: 0d
            max-event-age: 30d
        send-window:
          quiet-hours: none
          weekdays: [mon, tue, wed, thu, fri, sat, sun]
        %s
        """.formatted(store.resolve("nps").toString().replace('\\', '/'), connection.stripTrailing(),
        rest.stripTrailing()), Map.of());
  }
}
