package io.npsconnector.app.service;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import io.npsconnector.config.NpsConfig;
import io.npsconnector.core.alert.AlertDestination;
import io.npsconnector.core.delivery.Channel;
import io.npsconnector.core.engine.Engine;
import io.npsconnector.core.engine.EngineHooks;
import io.npsconnector.core.engine.EngineSettings;
import io.npsconnector.core.engine.SyncProgress;
import io.npsconnector.core.spi.CrmAdapter;
import io.npsconnector.core.store.Database;
import jakarta.inject.Singleton;

/**
 * The engine over the store, the enabled connections' adapters and the channels, with the configuration's
 * scheduler settings and instance name. Its scheduler is started (and owned) by {@link Service}, not here.
 */
final class EngineModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(EngineHooks.class).toInstance(EngineHooks.NONE);
    bind(SyncProgress.class).toInstance(SyncProgress.NONE);
  }

  @Provides
  @Singleton
  EngineSettings settings(NpsConfig config, Service.Options options) {
    return EngineSettings.defaults().with(config.scheduler(), InstanceName.of(config, options.port()));
  }

  @Provides
  @Singleton
  Engine engine(NpsConfig config, Database database, Map<String, CrmAdapter> adapters, List<Channel> channels,
      List<AlertDestination> alerts, Clock clock, EngineSettings settings, EngineHooks hooks, SyncProgress progress) {
    Engine.Builder builder = Engine.builder(config, database).clock(clock).settings(settings).hooks(hooks)
        .progress(progress);
    adapters.forEach(builder::adapter);
    channels.forEach(builder::channel);
    alerts.forEach(builder::alertDestination);
    return builder.build();
  }
}
