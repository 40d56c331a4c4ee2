package io.npsconnector.filecrm;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.npsconnector.config.ConnectionConfig;
import io.npsconnector.core.spi.AdapterContext;

/** The object graph of one JSON-folder connection: the folder, its reader, its writer, the adapter. Only binds. */
final class FileCrmModule extends AbstractModule {
  private final ConnectionConfig connection;
  private final FileCrmSettings settings;
  private final AdapterContext context;

  FileCrmModule(ConnectionConfig connection, AdapterContext context) {
    this.connection = connection;
    this.settings = connection.settings(FileCrmSettings.class);
    this.context = context;
  }

  @Provides
  @Singleton
  FileCrmFolder folder() {
    return new FileCrmFolder(connection.name(), settings.folder());
  }

  @Provides
  @Singleton
  FileCrmReader reader(FileCrmFolder folder) {
    return new FileCrmReader(folder, connection, settings.pageSize());
  }

  @Provides
  @Singleton
  FileCrmWriter writer(FileCrmFolder folder) {
    return new FileCrmWriter(folder, context.writeback(), connection.fieldMapping());
  }

  @Provides
  @Singleton
  FileCrmAdapter adapter(FileCrmFolder folder, FileCrmReader reader, FileCrmWriter writer) {
    return new FileCrmAdapter(connection.name(), settings.maxWriteBatch(), folder, reader, writer);
  }
}
