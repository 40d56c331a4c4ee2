package io.npsconnector.salesforce;

import com.google.inject.Guice;
import com.google.inject.ProvisionException;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.CrmSettings;
import io.npsconnector.config.Section;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmProvider;
import io.npsconnector.salesforce.write.SalesforceWriter;
import java.net.URI;

/**
 * Makes Salesforce adapters ({@code type: salesforce}). Found through {@link java.util.ServiceLoader}. Reads a
 * connection's Salesforce keys into {@link SalesforceSettings}, and builds each adapter from its own
 * {@link SalesforceModule}. Does no I/O: the first call on the adapter requests a token.
 */
public final class SalesforceProvider implements CrmProvider {
  @Override
  public String type() {
    return SalesforceSettings.TYPE;
  }

  @Override
  public CrmSettings readSettings(Section connection) {
    return SalesforceSettings.read(connection);
  }

  @Override
  public io.npsconnector.core.spi.EventAttributes eventAttributes() {
    return io.npsconnector.salesforce.read.SalesforceReader.EVENT_ATTRIBUTES;
  }

  @Override
  public CrmAdapter create(ConnectionConfig connection, AdapterContext context) {
    return create(connection, context, SalesforceWriter.Pause.SYSTEM);
  }

  /** @param pause waits between retries of locked rows (none in tests) */
  static SalesforceAdapter create(ConnectionConfig connection, AdapterContext context, SalesforceWriter.Pause pause) {
    try {
      return Guice.createInjector(new SalesforceModule(connection, context, pause)).getInstance(SalesforceAdapter.class);
    } catch (ProvisionException e) {
      // settings that cannot work (a missing key, an unreadable key) surface as themselves, not as Guice's report
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  /** The JWT audience: login.salesforce.com, test.salesforce.com, or the My Domain login host given. */
  static String audience(URI login) {
    String text = login.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }
}
