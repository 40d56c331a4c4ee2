package io.npsconnector.hubspot;

import com.google.inject.Guice;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.util.Modules;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.CrmSettings;
import io.npsconnector.config.Section;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmProvider;

/**
 * Makes HubSpot adapters ({@code type: hubspot}). Found through {@link java.util.ServiceLoader}. Reads a
 * connection's HubSpot keys into {@link HubSpotSettings}, and builds each adapter from its own
 * {@link HubSpotModule}. Does no I/O: the first call on the adapter signs in.
 */
public final class HubSpotProvider implements CrmProvider {
  private final Module overrides;

  /** For {@link java.util.ServiceLoader}: adapters exactly as the module binds them. */
  public HubSpotProvider() {
    this(binder -> { });
  }

  private HubSpotProvider(Module overrides) {
    this.overrides = overrides;
  }

  /**
   * A provider whose adapters take the bindings of {@code overrides} in place of the module's own (Guice's
   * {@code Modules.override}), for a host that embeds the adapter: the benchmark, for one, gives its
   * {@link io.npsconnector.hubspot.client.RateGovernor} other budgets. Configuration cannot do this.
   */
  public static HubSpotProvider withOverrides(Module overrides) {
    return new HubSpotProvider(overrides);
  }

  @Override
  public String type() {
    return HubSpotSettings.TYPE;
  }

  @Override
  public CrmSettings readSettings(Section connection) {
    return HubSpotSettings.read(connection);
  }

  @Override
  public io.npsconnector.core.spi.EventAttributes eventAttributes() {
    return HubSpotReader.EVENT_ATTRIBUTES;
  }

  @Override
  public CrmAdapter create(ConnectionConfig connection, AdapterContext context) {
    try {
      return Guice.createInjector(Modules.override(new HubSpotModule(connection, context)).with(overrides))
          .getInstance(HubSpotAdapter.class);
    } catch (ProvisionException e) {
      // settings that cannot work (a missing key, an unreadable key) surface as themselves, not as Guice's report
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }
}
