package io.npsconnector.app.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.inject.Module;
import com.zaxxer.hikari.HikariDataSource;

import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.spi.ChangePage;
import io.npsconnector.core.spi.ConnectionCheck;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.FieldReport;
import io.npsconnector.core.spi.RecordResult;
import io.npsconnector.core.spi.SyncCursor;
import io.npsconnector.core.spi.WriteRequest;
import io.npsconnector.core.store.Database;
import io.npsconnector.core.testing.FakeCrmAdapter;

/**
 * One owner for every resource: the service starts store, adapters, metrics, scheduler, webhook work and HTTP
 * server in that order and closes them in the reverse one; a start-up that fails, at its last step or in the
 * middle, leaves no port bound, no thread running and the store closed.
 */
class ServiceLifecycleTest {
  @TempDir Path dir;
  private final Map<String, FakeCrmAdapter> crms = new ConcurrentHashMap<>();
  private final List<String> closings = new CopyOnWriteArrayList<>();
  private Composition composition;
  private int port;

  @AfterEach
  void closeEverything() {
    if (composition != null) {
      composition.close();
    }
  }

  @Test
  void startsStoreFirstAndServerLastAndClosesThemInReverse() throws Exception {
    composition = Composition.of(config(), listenOn(0, true), adapters("none"));
    Service service = Service.start(composition);
    port = service.port();
    Database database = service.database();

    assertThat(composition.lifecycle().running()).containsExactly("store", "adapter crm-a", "adapter crm-b",
        "CRM checks", "metrics", "scheduler", "webhook work", "HTTP server");
    assertThat(answers(port)).isTrue();
    service.close();

    assertThat(closings).as("each adapter closes after the server stopped, while the store is still open")
        .containsExactly("crm-b: server answering false, store open true",
            "crm-a: server answering false, store open true");
    assertThat(((HikariDataSource) database.dataSource()).isClosed()).as("the store closes last").isTrue();
    assertThat(composition.lifecycle().running()).isEmpty();
  }

  @Test
  void aStartWhoseLastStepFailsLeavesNoPortBoundNoThreadRunningAndTheStoreClosed() throws Exception {
    Leftovers threads = Leftovers.threadsNow();
    try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      port = taken.getLocalPort();
      composition = Composition.of(config(), listenOn(port, true), adapters("none"));

      assertThatThrownBy(() -> Service.start(composition)).as("the HTTP server, started last, cannot bind")
          .hasMessageContaining("port " + port);
    }

    assertThat(composition.lifecycle().running()).isEmpty();
    assertThat(((HikariDataSource) composition.get(Database.class).dataSource()).isClosed()).isTrue();
    assertThat(crms.values()).hasSize(2).allSatisfy(crm -> assertThat(crm.isClosed()).isTrue());
    assertThat(threads.threadsStillRunning()).as("threads the failed start left").isEmpty();
    Leftovers.assertFree(port);
  }

  @Test
  void anAdapterThatCannotBeMadeStopsTheStartWithItsOwnErrorAndClosesWhatWasOpened() throws Exception {
    Leftovers threads = Leftovers.threadsNow();
    composition = Composition.of(config(), listenOn(0, true), adapters("crm-b"));

    assertThatThrownBy(() -> Service.start(composition)).isInstanceOf(IllegalStateException.class)
        .hasMessage("connection 'crm-b': the CRM refused the settings");

    assertThat(composition.lifecycle().running()).isEmpty();
    assertThat(crms.get("crm-a").isClosed()).isTrue();
    assertThat(((HikariDataSource) composition.get(Database.class).dataSource()).isClosed()).isTrue();
    assertThat(threads.threadsStillRunning()).as("threads the failed start left").isEmpty();
  }

  private NpsConfig config() {
    return ConfigLoader.parse("test.yaml", """
        company: Acme
        store:
          type: h2
          path: %s
        server:
          token-secret: ${TOKEN_SECRET}
          admin-password: ${ADMIN_PASSWORD}
        connections:
          - name: crm-a
            type: hubspot
            credentials:
              token: ${HUBSPOT_TOKEN}
          - name: crm-b
            type: hubspot
            credentials:
              token: ${HUBSPOT_TOKEN}
        """.formatted(dir.resolve("store").toString().replace('\\', '/')), Map.of("TOKEN_SECRET",
        "0123456789abcdef0123456789abcdef", "ADMIN_PASSWORD", "correct-horse", "HUBSPOT_TOKEN", "pat-test"));
  }

  private static Module listenOn(int port, boolean scheduler) {
    return binder -> binder.bind(Service.Options.class).toInstance(new Service.Options("127.0.0.1", port, scheduler,
        60));
  }

  /** Fake CRMs that note, when closed, whether the server still answers and the store is still open. */
  private Module adapters(String refused) {
    return binder -> binder.bind(AdapterFactory.class).toInstance((config, connection, clock) -> {
      if (connection.name().equals(refused)) {
        throw new IllegalStateException("connection '" + refused + "': the CRM refused the settings");
      }
      FakeCrmAdapter crm = FakeCrmAdapter.builder().connection(connection.name()).build();
      crms.put(connection.name(), crm);
      return new Probe(crm, () -> closings.add(connection.name() + ": server answering " + answers(port)
          + ", store open " + storeOpen()));
    });
  }

  private boolean storeOpen() {
    Database database = composition.get(Database.class);
    try {
      return database.jdbi().withHandle(handle -> handle.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean answers(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A CRM adapter that runs a check before it closes. */
  private record Probe(FakeCrmAdapter crm, Runnable beforeClose) implements CrmAdapter {
    @Override public ConnectionCheck check() {
      return crm.check();
    }

    @Override public ChangePage readChanges(SyncCursor cursor) {
      return crm.readChanges(cursor);
    }

    @Override public int maxWriteBatch() {
      return crm.maxWriteBatch();
    }

    @Override public List<RecordResult> write(List<WriteRequest> requests) {
      return crm.write(requests);
    }

    @Override public FieldReport describeFields() {
      return crm.describeFields();
    }

    @Override public FieldReport installFields() {
      return crm.installFields();
    }

    @Override public void close() {
      beforeClose.run();
      crm.close();
    }
  }
}
