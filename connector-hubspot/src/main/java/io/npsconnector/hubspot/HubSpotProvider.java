package io.npsconnector.hubspot;

import com.google.inject.Guice;
import com.google.inject.ProvisionException;
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
      return Guice.createInjector(new HubSpotModule(connection, context)).getInstance(HubSpotAdapter.class);
    } catch (ProvisionException e) {
      // settings that cannot work (a missing key, an unreadable key) surface as themselves, not as Guice's report
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }
}
