package io.npsconnector.filecrm;

import com.google.inject.Guice;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.config.CrmSettings;
import io.npsconnector.config.Section;
import io.npsconnector.core.spi.AdapterContext;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.spi.CrmProvider;

/**
 * Makes adapters for a CRM kept as JSON files in a folder ({@code type: json-folder}). Found through
 * {@link java.util.ServiceLoader}; builds each adapter from its own {@link FileCrmModule}. Does no I/O.
 */
public final class FileCrmProvider implements CrmProvider {
  @Override
  public String type() {
    return FileCrmSettings.TYPE;
  }

  @Override
  public CrmSettings readSettings(Section connection) {
    return FileCrmSettings.read(connection);
  }

  @Override
  public CrmAdapter create(ConnectionConfig connection, AdapterContext context) {
    return Guice.createInjector(new FileCrmModule(connection, context)).getInstance(FileCrmAdapter.class);
  }
}
