package io.npsconnector.core.testing;

import io.npsconnector.config.ConfigLoader;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.ConnectionTypes;
import io.npsconnector.config.CrmSettings;
import io.npsconnector.config.Credentials;
import io.npsconnector.config.NpsConfig;
import io.npsconnector.config.Section;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.CrmProvider;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Serves connections of type {@code fake} with {@link FakeCrmAdapter}s.
 *
 * <p>Unlike a real provider it keeps what it made: the CRM it fakes lives in memory, so every
 * {@link #create} for one connection name returns the same adapter, and a test reaches that CRM through
 * {@link #adapter(String)}, before or after the engine created it. Thread-safe; {@code create} does no I/O.
 */
public final class FakeCrmProvider implements CrmProvider {
  /** The settings of a fake connection without credentials: it needs none. */
  public static final CrmSettings SETTINGS = new FakeSettings(Optional.empty());

  private final Consumer<FakeCrmAdapter.Builder> settings;
  private final Map<String, FakeCrmAdapter> adapters = new ConcurrentHashMap<>();

  /** Adapters with the default settings. */
  public FakeCrmProvider() {
    this(builder -> { });
  }

  /**
   * Adapters with settings of their own.
   *
   * @param settings applied to each new adapter's builder after the connection name and clock are set
   */
  public FakeCrmProvider(Consumer<FakeCrmAdapter.Builder> settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public String type() {
    return FakeCrmAdapter.TYPE;
  }

  /**
   * A fake connection needs no keys of its own; it may name a token under {@code credentials}, which it never
   * checks, so that tests can change a connection's credentials.
   */
  @Override
  public CrmSettings readSettings(Section connection) {
    if (!connection.has("credentials")) {
      return SETTINGS;
    }
    return new FakeSettings(Optional.of(Credentials.read(connection, type(), Optional.of("token"),
        Map.of("token", new Credentials.AuthMode(Set.of(), Set.of("token"))))));
  }

  /** Parses a configuration whose connections are of type {@code fake}. */
  public static NpsConfig parse(String source, String yaml, Map<String, String> env) {
    return ConfigLoader.parse(source, yaml, env, ConnectionTypes.of(List.of(new FakeCrmProvider())));
  }

  /** The connection's adapter, made with the context's clock the first time. */
  @Override
  public FakeCrmAdapter create(ConnectionConfig connection, AdapterContext context) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(context, "context");
    return adapters.computeIfAbsent(connection.name(), name -> make(name, context.clock()));
  }

  /** The connection's adapter, made with the system clock (unless the settings say otherwise) if there is none yet. */
  public FakeCrmAdapter adapter(String connection) {
    Objects.requireNonNull(connection, "connection");
    return adapters.computeIfAbsent(connection, name -> make(name, Clock.systemUTC()));
  }

  private FakeCrmAdapter make(String connection, Clock clock) {
    FakeCrmAdapter.Builder builder = FakeCrmAdapter.builder().connection(connection).clock(clock);
    settings.accept(builder);
    return builder.build();
  }

  private record FakeSettings(Optional<Credentials> credentials) implements CrmSettings {}
}
