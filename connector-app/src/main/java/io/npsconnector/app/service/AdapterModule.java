package io.npsconnector.app.service;

import java.util.Map;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import io.npsconnector.app.cli.Adapters;
import io.npsconnector.core.spi.CrmAdapter;
import jakarta.inject.Singleton;

/**
 * The one place that says how adapters are made: through the CRM providers this build has. Every adapter is
 * opened by {@link CrmAdapters}, which hands it to the lifecycle.
 */
final class AdapterModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(AdapterFactory.class).toInstance(Adapters::open);
  }

  /** An adapter per enabled connection, by connection name, in the configuration's order. */
  @Provides
  @Singleton
  Map<String, CrmAdapter> adapters(CrmAdapters adapters) {
    return adapters.enabled();
  }
}
