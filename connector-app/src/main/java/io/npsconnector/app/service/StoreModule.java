package io.npsconnector.app.service;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.store.Database;
import jakarta.inject.Singleton;

/** The store the configuration names, migrated when first used; its pool is owned by the lifecycle. */
final class StoreModule extends AbstractModule {
  @Provides
  @Singleton
  Database database(NpsConfig config, Lifecycle lifecycle) {
    return lifecycle.own("store", Database.open(config.store()));
  }
}
